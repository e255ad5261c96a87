// Entry of the Unleash child process, forked by unleash-supervisor.ts. Unleash runs in its own
// process because in process it installs a global unhandledRejection handler, registers prom-client
// default metrics (a second registration throws) and its own signal handlers.
import pg from 'pg';
import { z } from 'zod';
import type { IUnleash, IUnleashOptions, LogProvider } from 'unleash-server';

// Deprecation warnings come from Unleash's own dependencies (pg via knex): nothing we can act on.
process.noDeprecation = true;
// Both must be set before unleash-server is imported: its config module reads them at load time.
process.env.SEND_TELEMETRY = 'false';
process.env.CHECK_VERSION = 'false';

const levels = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = (typeof levels)[number];

// Secrets are `project:environment.random`, the shape Unleash's own INIT_*_API_TOKENS parser expects.
const adminSecret = z.string().regex(/^\*:\*\.[A-Za-z0-9_-]{16,}$/, 'admin token must look like *:*.<random, 16+ chars>');
const clientSecret = z
  .string()
  .regex(/^[A-Za-z0-9_-]+:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16,}$/, 'client token must look like <project>:<environment>.<random, 16+ chars>');

const envSchema = z.object({
  OPSDECK_UNLEASH_DATABASE_URL: z.string().min(1),
  OPSDECK_UNLEASH_PORT: z.coerce.number().int().min(1).max(65535),
  OPSDECK_UNLEASH_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('unleash'),
  OPSDECK_UNLEASH_ADMIN_PASSWORD: z.string().min(8),
  OPSDECK_UNLEASH_ADMIN_TOKEN: adminSecret,
  OPSDECK_UNLEASH_CLIENT_TOKEN: clientSecret,
  OPSDECK_UNLEASH_LOG_LEVEL: z.enum(levels).default('warn'),
});

type ChildConfig = z.infer<typeof envSchema>;

function send(message: { type: 'ready'; port: number } | { type: 'fatal'; message: string }): void {
  if (process.connected) process.send?.(message);
}

// Set once the configuration is parsed; also used for the fatal message, since pg and Unleash
// errors can quote the connection string.
let redact = (text: string): string => text;

function redactor(secrets: string[]): (text: string) => string {
  const present = secrets.filter((s) => s.length > 0);
  return (text) => present.reduce((acc, s) => acc.split(s).join('[redacted]'), text);
}

function urlPassword(databaseUrl: string): string {
  try {
    return decodeURIComponent(new URL(databaseUrl).password);
  } catch {
    return '';
  }
}

function formatArg(arg: unknown): string {
  if (arg instanceof Error) return arg.stack ?? arg.message;
  if (typeof arg === 'string') return arg;
  try {
    return JSON.stringify(arg);
  } catch {
    return String(arg);
  }
}

// Our own log provider: one line per entry, warn and above on stderr, and secrets scrubbed, because
// Unleash logs the initial admin password at info level on first boot.
function createLogProvider(minLevel: Level): LogProvider {
  const threshold = levels.indexOf(minLevel);
  return (category = 'unleash') => {
    const write = (level: Level) => (message: unknown, ...args: unknown[]) => {
      if (levels.indexOf(level) < threshold) return;
      // One line per entry, so the supervisor logs a stack trace as one record.
      const text = redact([message, ...args].map(formatArg).join(' ')).replace(/\n\s*/g, ' | ');
      const stream = levels.indexOf(level) >= levels.indexOf('warn') ? process.stderr : process.stdout;
      stream.write(`${level} ${category}: ${text}\n`);
    };
    return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), fatal: write('fatal') };
  };
}

// Without the schema Unleash's migrations silently create their ~109 tables in `public`.
async function ensureSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, ssl: false });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

function tokenFromSecret<T extends string>(secret: string, type: T, tokenName: string) {
  const [project, rest] = secret.split(':') as [string, string];
  const environment = rest.slice(0, rest.indexOf('.'));
  return { secret, type, tokenName, projects: [project], environment };
}

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid Unleash child configuration: ${problems}`);
  }
  const config: ChildConfig = parsed.data;
  // Keep the secrets out of anything that inspects our environment later (and out of Unleash's own
  // env-based config parsing).
  for (const key of Object.keys(envSchema.shape)) delete process.env[key];

  redact = redactor([
    urlPassword(config.OPSDECK_UNLEASH_DATABASE_URL),
    config.OPSDECK_UNLEASH_ADMIN_PASSWORD,
    config.OPSDECK_UNLEASH_ADMIN_TOKEN,
    config.OPSDECK_UNLEASH_CLIENT_TOKEN,
  ]);
  const getLogger = createLogProvider(config.OPSDECK_UNLEASH_LOG_LEVEL);
  const log = getLogger('opsdeck-unleash-child');

  let unleash: IUnleash | undefined;
  let stopping: Promise<never> | undefined;
  const shutdown = (reason: string, code: number): Promise<never> => {
    stopping ??= (async () => {
      log.info(`stopping Unleash (${reason})`);
      // A stuck pool must not keep an orphan alive: the supervisor SIGKILLs after 10 s anyway.
      setTimeout(() => process.exit(code === 0 ? 1 : code), 8_000).unref();
      try {
        await unleash?.stop();
      } catch (err) {
        log.error('Unleash did not stop cleanly', err);
        process.exit(1);
      }
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGHUP', () => void shutdown('SIGHUP', 0));
  // The IPC channel closes when the parent dies, even by SIGKILL: never outlive it.
  process.on('disconnect', () => void shutdown('parent disconnected', 0));

  await ensureSchema(config.OPSDECK_UNLEASH_DATABASE_URL, config.OPSDECK_UNLEASH_SCHEMA);
  if (stopping) return;

  const { start, LogLevel, ApiTokenType, SYSTEM_USER_AUDIT } = await import('unleash-server');
  const tokens = [
    tokenFromSecret(config.OPSDECK_UNLEASH_ADMIN_TOKEN, ApiTokenType.ADMIN, 'opsdeck-admin'),
    tokenFromSecret(config.OPSDECK_UNLEASH_CLIENT_TOKEN, ApiTokenType.BACKEND, 'opsdeck-backend'),
  ];
  const options: IUnleashOptions = {
    databaseUrl: config.OPSDECK_UNLEASH_DATABASE_URL,
    db: { ssl: false, schema: config.OPSDECK_UNLEASH_SCHEMA },
    // An empty secret makes Unleash use the random one its migrations store, instead of its
    // public default 'super-secret', to sign session cookies.
    server: { host: '127.0.0.1', port: config.OPSDECK_UNLEASH_PORT, gracefulShutdownEnable: false, secret: '' },
    versionCheck: { enable: false },
    logLevel: LogLevel[config.OPSDECK_UNLEASH_LOG_LEVEL],
    getLogger,
    authentication: {
      initialAdminUser: { username: 'admin', password: config.OPSDECK_UNLEASH_ADMIN_PASSWORD },
      initApiTokens: tokens,
    },
  };
  unleash = await start(options);
  if (stopping) return;

  // initApiTokens only applies while the token table is empty (first boot): add ours if the
  // configured secrets changed since, or clients would get 401 and stop polling for good.
  const apiTokenService = unleash.services.apiTokenService as unknown as {
    getToken(secret: string): Promise<unknown>;
    insertNewApiToken?(token: unknown, auditUser: unknown): Promise<unknown>;
  };
  for (const token of tokens) {
    if (await apiTokenService.getToken(token.secret)) continue;
    if (typeof apiTokenService.insertNewApiToken !== 'function') {
      log.error(`API token ${token.tokenName} is missing and this Unleash version cannot add it`);
      continue;
    }
    await apiTokenService.insertNewApiToken(token, SYSTEM_USER_AUDIT);
    log.warn(`API token ${token.tokenName} was missing (secret changed since first boot); added it`);
  }

  const address = unleash.server?.address();
  const port = typeof address === 'object' && address ? address.port : config.OPSDECK_UNLEASH_PORT;
  send({ type: 'ready', port });
}

main().catch((err: unknown) => {
  const message = redact(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.stderr.write(`fatal opsdeck-unleash-child: ${message.replace(/\n\s*/g, ' | ')}\n`);
  send({ type: 'fatal', message: redact(err instanceof Error ? err.message : String(err)) });
  process.exit(1);
});
