// The database of a command-line tool (`npm run operator`, `seed`, `audit:verify`,
// `projections:rebuild`, `lists:anchors`): the one `npm start` uses (its embedded PostgreSQL
// started if it is not running, pending migrations applied), closed when the work is done, and the
// embedded server stopped again if this process started it. A running opsdeck's is shared.
import { loadConfigOrExit, type Config } from '../config/config.js';
import { loadSecrets, type Secrets } from '../config/secrets.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { createDatabase, type Database } from './database.js';
import { openDatabase } from './open-database.js';

export type CliDatabase = { db: Database; config: Config; secrets: Secrets; logger: Logger };

export async function withCliDatabase<T>({ role, max = 2, logLevel, config = loadConfigOrExit() }: {
  /** `app`: as the application role (what the app may do, no more); `owner`: the owning role. */
  role: 'app' | 'owner';
  max?: number;
  /** Default: the configured level, but no info lines (the server's start-up chatter is not the tool's output). */
  logLevel?: string;
  config?: Config;
}, work: (cli: CliDatabase) => Promise<T>): Promise<T> {
  const logger = createLogger({ level: logLevel ?? (config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL) });
  const secrets = await loadSecrets(config);
  const { databaseUrl, appDatabaseUrl, embedded } = await openDatabase({ config, secrets, logger });
  const db = createDatabase({ url: role === 'app' ? appDatabaseUrl : databaseUrl, max });
  try {
    return await work({ db, config, secrets, logger });
  } finally {
    await db.close();
    if (embedded?.isOwner) await embedded.stop();
  }
}
