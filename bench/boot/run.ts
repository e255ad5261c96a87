// npm run bench:boot — cold start (empty data folder) and warm start of the whole platform to
// ready (/readyz 200), and the peak RSS of opsdeck, its Unleash child and PostgreSQL, printed.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/platform/free-port.js';
import { processTreeRss } from './process-tree.js';

type Run = { readyMs: number; peakRssMiB: { opsdeck: number; postgres: number; total: number }; stopMs: number };

async function bootOnce(dataDir: string, ports: Record<string, string>): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...ports },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const peak = { opsdeck: 0, postgres: 0, total: 0 };
  const sample = async () => {
    const rss = await processTreeRss({ rootPid: child.pid!, postmasterPidFile: path.join(dataDir, 'pg', 'postmaster.pid') });
    peak.opsdeck = Math.max(peak.opsdeck, rss.tree);
    peak.postgres = Math.max(peak.postgres, rss.postgres);
    peak.total = Math.max(peak.total, rss.tree + rss.postgres);
  };
  let readyMs = 0;
  for (;;) {
    await sample();
    const ok = await fetch(`http://127.0.0.1:${ports.PORT}/readyz`).then((r) => r.ok, () => false);
    if (ok) {
      readyMs = Date.now() - started;
      break;
    }
    if (child.exitCode !== null) throw new Error(`opsdeck exited with ${child.exitCode} before ready`);
    if (Date.now() - started > 180_000) throw new Error('not ready after 180 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  // A few requests so the steady state counts too.
  for (let i = 0; i < 5; i++) await fetch(`http://127.0.0.1:${ports.PORT}/admin/login`).catch(() => {});
  await sample();
  const stopStarted = Date.now();
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`opsdeck exited with ${code} on SIGINT`);
  const mib = (kb: number) => Math.round(kb / 1024);
  return { readyMs, stopMs: Date.now() - stopStarted, peakRssMiB: { opsdeck: mib(peak.opsdeck), postgres: mib(peak.postgres), total: mib(peak.total) } };
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsdeck-bench-boot-'));
await fs.chmod(dataDir, 0o711);
const ports = {
  PORT: String(await freePort()),
  UNLEASH_PORT: String(await freePort()),
  EMBEDDED_PG_PORT: String(await freePort()),
};
try {
  const cold = await bootOnce(dataDir, ports);
  const warm = await bootOnce(dataDir, ports);
  console.log('boot          ready_ms  stop_ms  peak_rss_MiB(opsdeck+unleash / postgres / total)');
  for (const [name, r] of [['cold', cold], ['warm', warm]] as const) {
    console.log(`${name.padEnd(12)} ${String(r.readyMs).padStart(9)} ${String(r.stopMs).padStart(8)}  ${r.peakRssMiB.opsdeck} / ${r.peakRssMiB.postgres} / ${r.peakRssMiB.total}`);
  }
  console.log(`warm/cold ready ratio: ${(warm.readyMs / cold.readyMs).toFixed(2)}`);
} finally {
  await fs.rm(dataDir, { recursive: true, force: true });
}
