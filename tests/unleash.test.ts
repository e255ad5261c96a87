// The Unleash supervisor end to end: a real Unleash child over a fresh database on the run's test
// PostgreSQL, the Admin API, the in-process flag client, crash restarts and clean stops.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FlagClient } from '../src/flags/unleash-client.js';
import { startTestUnleash, type TestUnleash } from './support/unleash.js';
import { waitFor } from './support/within.js';

const secret = () => randomBytes(24).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Kept for the failure message: the child's output is the only clue when it does not start.
const lines: string[] = [];
const record = (level: string) => (obj: unknown, msg?: string) => lines.push(`${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };

let unleash: TestUnleash;
let supervisor: TestUnleash['supervisor'];
let flags: FlagClient | undefined;

// Created, not started: the first test watches the start.
beforeAll(async () => {
  unleash = await startTestUnleash({ logger, start: false });
  ({ supervisor } = unleash);
});

// Unleash is down by then: the flag client's destroy() waits for its poll in flight.
afterAll(async () => {
  await unleash?.close();
}, 30_000);

afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls !== state.numPassingAsserts) console.log(lines.slice(-40).join('\n'));
});

const health = async () => (await fetch(`${supervisor.url}/health`).catch(() => undefined))?.status;

describe('Unleash supervisor', () => {
  it('starts Unleash in its own schema, and a flag enabled through the Admin API reaches the client', async () => {
    await supervisor.start();
    expect(supervisor.isRunning()).toBe(true);
    expect(await health()).toBe(200);

    const name = `opsdeck-test-${secret().slice(0, 8)}`;
    const feature = `/projects/default/features/${name}`;
    expect((await unleash.admin('POST', '/projects/default/features', { name })).status).toBe(201);
    expect(
      (await unleash.admin('POST', `${feature}/environments/development/strategies`, {
        name: 'flexibleRollout',
        parameters: { rollout: '100', stickiness: 'default', groupId: name },
      })).status,
    ).toBe(200);
    expect(await unleash.toggle(name, true)).toBe(200);

    flags = unleash.flagClient({ appName: 'opsdeck-test', logger });
    expect(await flags.ready(5_000)).toBe(true);
    expect(await waitFor(() => flags!.isEnabled(name), 5_000)).toBe(true);
    expect(flags.state()).toBe('ok');

    const client = new pg.Client({ connectionString: unleash.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ schema: string; tables: number }>(
        `SELECT table_schema AS schema, count(*)::int AS tables FROM information_schema.tables
          WHERE table_schema IN ('public', 'unleash') GROUP BY 1`,
      );
      const bySchema = Object.fromEntries(rows.map((r) => [r.schema, r.tables]));
      expect(bySchema.unleash).toBeGreaterThan(50);
      expect(bySchema.public ?? 0).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('restarts a child that crashed after it was ready', async () => {
    const crashed = supervisor.pid()!;
    process.kill(crashed, 'SIGKILL');
    expect(await waitFor(() => !isAlive(crashed), 2_000)).toBe(true);
    expect(await waitFor(() => supervisor.isRunning() && supervisor.pid() !== crashed, 20_000)).toBe(true);
    expect(await health()).toBe(200);
  });

  it('stops the child cleanly', async () => {
    const pid = supervisor.pid()!;
    await supervisor.stop();
    expect(isAlive(pid)).toBe(false);
    expect(supervisor.isRunning()).toBe(false);
    expect(await health()).toBeUndefined();
    // The flag client keeps serving what it had; it only reports the outage.
    expect(await waitFor(() => flags!.state() === 'degraded', 15_000)).toBe(true);
  });

  it('stop() resolves for a child that just crashed, and nothing restarts it afterwards', async () => {
    await supervisor.start();
    const pid = supervisor.pid()!;
    process.kill(pid, 'SIGKILL');
    await supervisor.stop();
    expect(isAlive(pid)).toBe(false);
    // Longer than the first restart delay (1 s).
    await sleep(1_500);
    expect(supervisor.pid()).toBeUndefined();
    expect(supervisor.isRunning()).toBe(false);
    expect(await health()).toBeUndefined();
  });
});
