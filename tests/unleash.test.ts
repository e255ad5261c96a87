// The Unleash supervisor end to end: a real Unleash child over a fresh database on the run's test
// PostgreSQL, the Admin API, the in-process flag client, crash restarts and clean stops.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createUnleashSupervisor, type UnleashSupervisor } from '../src/flags/unleash-supervisor.js';
import { createFlagClient, type FlagClient } from '../src/flags/unleash-client.js';
import { freePort } from '../src/platform/free-port.js';
import { createEmptyDatabase } from './support/database.js';

const secret = () => randomBytes(24).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

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

const adminToken = `*:*.${secret()}`;
const clientToken = `default:development.${secret()}`;
const backupPath = path.resolve(`.data/test-unleash-backup-${secret().slice(0, 8)}`);

let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
let supervisor: UnleashSupervisor;
let flags: FlagClient | undefined;

beforeAll(async () => {
  database = await createEmptyDatabase();
  supervisor = createUnleashSupervisor({
    databaseUrl: database.url,
    port: await freePort(),
    adminPassword: `${secret()}Aa1!`,
    adminToken,
    clientToken,
    logger,
  });
});

afterAll(async () => {
  await flags?.destroy();
  await supervisor?.stop();
  await database?.drop();
  await fs.rm(backupPath, { recursive: true, force: true });
});

afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls !== state.numPassingAsserts) console.log(lines.slice(-40).join('\n'));
});

async function adminPost(route: string, body?: unknown): Promise<number> {
  const res = await fetch(`${supervisor.url}/api/admin${route}`, {
    method: 'POST',
    headers: { Authorization: adminToken, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

const health = async () => (await fetch(`${supervisor.url}/health`).catch(() => undefined))?.status;

describe('Unleash supervisor', () => {
  it('starts Unleash in its own schema, and a flag enabled through the Admin API reaches the client', async () => {
    await supervisor.start();
    expect(supervisor.isRunning()).toBe(true);
    expect(await health()).toBe(200);

    const name = `opsdeck-test-${secret().slice(0, 8)}`;
    const feature = `/projects/default/features/${name}`;
    expect(await adminPost('/projects/default/features', { name })).toBe(201);
    expect(
      await adminPost(`${feature}/environments/development/strategies`, {
        name: 'flexibleRollout',
        parameters: { rollout: '100', stickiness: 'default', groupId: name },
      }),
    ).toBe(200);
    expect(await adminPost(`${feature}/environments/development/on`)).toBe(200);

    flags = createFlagClient({ url: supervisor.url, clientToken, appName: 'opsdeck-test', backupPath, logger });
    expect(await flags.ready(5_000)).toBe(true);
    expect(await waitFor(() => flags!.isEnabled(name), 5_000)).toBe(true);
    expect(flags.state()).toBe('ok');

    const client = new pg.Client({ connectionString: database.url });
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
