// The database opsdeck runs on: DATABASE_URL when set, otherwise the embedded server under the
// data folder (started here), with the `opsdeck` database created and migrations applied.
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config/config.js';
import type { Secrets } from '../config/secrets.js';
import type { Logger } from '../platform/logger.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { applyMigrations } from './migrations.js';
import { withDatabase } from './urls.js';
import { projectPath } from '../platform/paths.js';

const DATABASE_NAME = 'opsdeck';

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } catch (err) {
    // Two processes creating it at once: the loser sees a duplicate, which is what it wanted.
    if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

/** The role the migrations create for the application (prisma/migrations/*_app_role). */
export const APP_ROLE = 'opsdeck_app';

/** Gives the application role its login and returns the URL to connect as it. */
async function enableAppRole(ownerUrl: string, password: string): Promise<string> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}

export async function openDatabase({ config, secrets, logger }: { config: Config; secrets: Secrets; logger: Logger }): Promise<{
  /** The owner's: migrations, the audit log's upkeep, Unleash, tools. */
  databaseUrl: string;
  /** The application's: without rights to change the audit log (APP_DATABASE_URL, or the embedded server's opsdeck_app). */
  appDatabaseUrl: string;
  embedded: EmbeddedPostgres | null;
}> {
  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pg'),
      port: config.EMBEDDED_PG_PORT,
      password: secrets.postgresPassword,
      log: (line) => logger.info(line),
    });
    databaseUrl = embedded.url(DATABASE_NAME);
  }
  try {
    // Our own server gets its database created; a DATABASE_URL names one that already exists.
    if (embedded) await ensureDatabase(databaseUrl, DATABASE_NAME);
    const applied = await applyMigrations({ databaseUrl, migrationsDir: projectPath('prisma', 'migrations'), log: (l) => logger.info(l) });
    logger.info({ applied: applied.length }, 'migrations up to date');
    const appDatabaseUrl = embedded ? await enableAppRole(databaseUrl, secrets.appDbPassword) : config.APP_DATABASE_URL ?? databaseUrl;
    if (!embedded && !config.APP_DATABASE_URL) logger.warn('APP_DATABASE_URL is not set: the app runs as the DATABASE_URL role, so only triggers (not grants) protect the audit log');
    return { databaseUrl, appDatabaseUrl, embedded };
  } catch (err) {
    if (embedded?.isOwner) await embedded.stop();
    throw err;
  }
}
