// The PostgreSQL server for a test run: the one DATABASE_URL points at when set (the role needs
// CREATEDB), otherwise an embedded server kept under the system temp folder between runs.
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { isAlive, startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { withDatabase } from '../../src/db/urls.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { freePort } from '../../src/platform/free-port.js';

// Each jest run names its databases after its own process id (global setup's, which workers
// inherit through OPSDECK_TEST_RUN), so two runs in one checkout share the server, not databases:
// a run drops only what runs that are no longer alive left behind.
const runId = (): string => process.env.OPSDECK_TEST_RUN ?? String(process.pid);
export const templateDb = (): string => `opsdeck_template_${runId()}`;
export const testDbPrefix = (): string => `opsdeck_t_${runId()}_`;

export async function startTestPostgres(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    return { adminUrl: withDatabase(process.env.DATABASE_URL, 'postgres'), stop: async () => {} };
  }
  // Under the system temp folder, keyed by checkout: the postgres OS user must be able to reach it,
  // which a clone under a private home folder would not allow.
  const checkout = createHash('sha256').update(process.cwd()).digest('hex').slice(0, 10);
  const dataDir = path.join(os.tmpdir(), `opsdeck-test-pg-${checkout}`, 'pg');
  const passwordFile = path.join(path.dirname(dataDir), 'password');
  let password = await fs.readFile(passwordFile, 'utf8').catch(() => '');
  if (!password) {
    await fs.rm(dataDir, { recursive: true, force: true });
    await fs.mkdir(path.dirname(dataDir), { recursive: true, mode: 0o711 });
    password = randomBytes(16).toString('hex');
    await fs.writeFile(passwordFile, password, { mode: 0o600 });
  }
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), password });
  return { adminUrl: server.url('postgres'), stop: server.stop };
}

/** Drops what runs no longer alive left behind and migrates this run's template database. */
export async function prepareTemplate(adminUrl: string): Promise<void> {
  process.env.OPSDECK_TEST_RUN = runId();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'opsdeck\\_t\\_%' OR datname LIKE 'opsdeck\\_template%'`);
    for (const { datname } of rows) {
      const pid = Number(/^opsdeck_(?:t|template)_(\d+)/.exec(datname)?.[1] ?? 0);
      if (pid === 0 || !isAlive(pid) || String(pid) === runId()) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${templateDb()}"`);
  } finally {
    await admin.end();
  }
  await applyMigrations({ databaseUrl: withDatabase(adminUrl, templateDb()), migrationsDir: path.resolve('prisma/migrations') });
}

/**
 * Ends this run's use of the server: drops its template, then stops the server unless another
 * live run still has a template on it (that run stops it at its own end).
 */
export async function releaseTestPostgres(server: { adminUrl: string; stop: () => Promise<void> }): Promise<void> {
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  let isShared = false;
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${templateDb()}" WITH (FORCE)`);
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'opsdeck\\_template\\_%'`);
    isShared = rows.some(({ datname }) => isAlive(Number(datname.slice('opsdeck_template_'.length))));
  } finally {
    await admin.end();
  }
  if (!isShared) await server.stop();
}
