// A migrated scratch database for a bench, as bench/audit makes its own: on DATABASE_URL's server
// when set (its role needs CREATEDB), otherwise on a throwaway embedded server in a temp folder.
// `drop` removes the database, stops the server and deletes the folder.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { withDatabase } from '../../src/db/urls.js';
import { freePort } from '../../src/platform/free-port.js';
import { projectPath } from '../../src/platform/paths.js';

export async function createScratchDatabase(prefix: string): Promise<{ url: string; serverVersion: string; drop: () => Promise<void> }> {
  const dataDir = process.env.DATABASE_URL ? null : await fs.mkdtemp(path.join(os.tmpdir(), `opsdeck-bench-${prefix}-`));
  // The embedded server runs as the OS user postgres when we are root: it must reach the folder.
  if (dataDir) await fs.chmod(dataDir, 0o711);
  const server = dataDir ? await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: await freePort(), password: randomBytes(12).toString('hex') }) : null;
  const adminUrl = server ? server.url('postgres') : withDatabase(process.env.DATABASE_URL!, 'postgres');
  const database = `opsdeck_bench_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await server?.stop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
    const url = withDatabase(adminUrl, database);
    await applyMigrations({ databaseUrl: url, migrationsDir: projectPath('prisma', 'migrations') });
    const { rows: [{ server_version: serverVersion }] } = await admin.query('SHOW server_version');
    return { url, serverVersion, drop };
  } catch (err) {
    await drop();
    throw err;
  }
}
