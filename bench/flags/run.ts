// npm run bench:flags — flags.isEnabled(key, context) in process, against its target (p99 at most
// 10 µs), beside the raw unleash-client call it wraps. The client is the real one (our
// createFlagClient over unleash-client), loaded from a backup file in the SDK's own format, as after
// a restart with Unleash down: evaluation never touches the network either way, so no server is
// needed to measure it. Each declared flag gets a 100% flexibleRollout (stickiness on userId:
// the hashing path a gradual rollout takes) with a constraint on the `roles` context property.
// FLAGS_BENCH_CALLS (1e6) overrides the number of timed calls per variant.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFlagClient } from '../../src/flags/unleash-client.js';
import { buildFlagCatalog, type FlagKey } from '../../src/flags/flag-catalog.js';
import { createFlagService } from '../../src/flags/flag-service.js';
import { freePort } from '../../src/platform/free-port.js';
import { plugins } from '../../plugins/index.js';

const CALLS = Number(process.env.FLAGS_BENCH_CALLS ?? 1_000_000);
const APP = 'opsdeck-bench';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const catalog = buildFlagCatalog(plugins);
const backupPath = await fs.mkdtemp(path.join(os.tmpdir(), 'opsdeck-flags-bench-'));
const features = [...catalog.values()].map((flag) => ({
  name: flag.key, type: flag.type, enabled: true, stale: false, impressionData: false,
  strategies: [{
    name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'userId', groupId: flag.key },
    constraints: [{ contextName: 'roles', operator: 'STR_CONTAINS', values: ['_'], caseInsensitive: false, inverted: false }],
  }],
  variants: [],
}));
await fs.writeFile(path.join(backupPath, `unleash-backup-${APP}.json`), JSON.stringify({ version: 2, features, segments: [] }));

// Nothing listens there: the client serves the backup, as it would with Unleash down.
const client = createFlagClient({ url: `http://127.0.0.1:${await freePort()}`, clientToken: 'bench', appName: APP, backupPath, logger: silent, refreshIntervalMs: 60_000 });
if (!(await client.ready(5_000))) throw new Error('the client did not load the backup file');
const flags = createFlagService({ catalog, client, environment: 'production' });

const keys = [...catalog.keys()] as FlagKey[];
const operators = Array.from({ length: 1000 }, (_, i) => ({ operatorId: i + 1, roles: ['support_agent', 'risk_analyst'] }));
const rawContexts = operators.map((o) => ({ environment: 'production', userId: String(o.operatorId), properties: { roles: o.roles.join(',') } }));
if (!flags.isEnabled(keys[0]!, operators[0])) throw new Error('expected the flag on for the bench context');

function measure(name: string, call: (i: number) => boolean): void {
  // Timed one call at a time: p99 is about single calls, not averages. The timer costs ~0.05 µs.
  const samples = new Float64Array(CALLS);
  for (let i = 0; i < 100_000; i += 1) call(i);
  let on = 0;
  for (let i = 0; i < CALLS; i += 1) {
    const t0 = performance.now();
    if (call(i)) on += 1;
    samples[i] = performance.now() - t0;
  }
  samples.sort();
  const at = (q: number) => (samples[Math.min(CALLS - 1, Math.floor(q * CALLS))]! * 1000).toFixed(2);
  const mean = ((samples.reduce((a, b) => a + b, 0) / CALLS) * 1000).toFixed(2);
  console.log(`${name.padEnd(44)} p50 ${at(0.5).padStart(6)} µs  p99 ${at(0.99).padStart(6)} µs  p99.9 ${at(0.999).padStart(6)} µs  mean ${mean.padStart(6)} µs  (${CALLS} calls, ${on} on)`);
}

console.log(`flags: ${keys.length} declared (${keys.join(', ')}); Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}`);
measure('flags.isEnabled(key, { operatorId, roles })', (i) => flags.isEnabled(keys[i % keys.length]!, operators[i % operators.length]));
measure('raw unleash-client isEnabled(key, context)', (i) => client.isEnabled(keys[i % keys.length]!, rawContexts[i % rawContexts.length]));
console.log('target: flags.isEnabled p99 <= 10 µs');

await client.destroy();
await fs.rm(backupPath, { recursive: true, force: true });
