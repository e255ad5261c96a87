// The PostgreSQL server for a test run: the one DATABASE_URL points at when set (the role needs
// CREATEDB), otherwise an embedded server kept under the system temp folder between runs.
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { withDatabase } from '../../src/db/urls.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { freePort } from '../../src/platform/free-port.js';

export const TEMPLATE_DB = 'opsdeck_template';
export const TEST_DB_PREFIX = 'opsdeck_t_';

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

/** Drops what an aborted run left behind and migrates a fresh template database. */
export async function prepareTemplate(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [TEMPLATE_DB, `${TEST_DB_PREFIX}%`],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  await applyMigrations({ databaseUrl: withDatabase(adminUrl, TEMPLATE_DB), migrationsDir: path.resolve('prisma/migrations') });
}
