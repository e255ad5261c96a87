// Starts the whole platform in order and stops it in reverse: PostgreSQL (embedded unless
// DATABASE_URL), migrations, first-run demo data, Unleash (a supervised child unless UNLEASH_URL),
// the flag client, then HTTP. Each step registers its own undo, so a failure halfway through
// still tears down what was started.
import http from 'node:http';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { loadSecrets } from '../config/secrets.js';
import { openDatabase } from '../db/open-database.js';
import { createDatabase } from '../db/database.js';
import { createOperatorAuth } from '../auth/operator-auth.js';
import { createSessionSettings } from '../auth/session.js';
import { createAdmin } from '../admin/create-admin.js';
import { coreResources } from '../resources/core-resources.js';
import { createUnleashSupervisor } from '../flags/unleash-supervisor.js';
import { createFlagClient } from '../flags/unleash-client.js';
import { seedFirstRun } from '../seed/first-run.js';
import { createApp } from '../app.js';
import type { Logger } from './logger.js';
import type { Plugin } from './plugin.js';

export type Platform = {
  url: string;
  adminUrl: string;
  unleashUrl: string;
  credentialsFile: string;
  databaseUrl: string;
  stop: () => Promise<void>;
};

export async function startPlatform({ config, plugins, logger }: { config: Config; plugins: Plugin[]; logger: Logger }): Promise<Platform> {
  const undo: { name: string; run: () => Promise<void> }[] = [];
  const stop = async () => {
    for (const step of undo.reverse().splice(0)) {
      await step.run().catch((err) => logger.error({ err }, `stopping ${step.name} failed`));
      logger.info(`stopped ${step.name}`);
    }
  };
  try {
    const secrets = await loadSecrets(config);

    // ---- PostgreSQL and migrations
    const { databaseUrl, embedded } = await openDatabase({ config, secrets, logger });
    if (embedded) undo.push({ name: 'embedded PostgreSQL', run: embedded.stop });
    const db = createDatabase({ url: databaseUrl });
    undo.push({ name: 'database pools', run: db.close });

    // ---- Unleash (its first boot runs its own migrations: start it while we seed)
    const unleashUrl = config.UNLEASH_URL ?? `http://127.0.0.1:${config.UNLEASH_PORT}`;
    const unleashPublicUrl = config.UNLEASH_URL ?? `http://localhost:${config.UNLEASH_PORT}`;
    const supervisor = config.UNLEASH_URL
      ? null
      : createUnleashSupervisor({
          databaseUrl,
          port: config.UNLEASH_PORT,
          adminPassword: secrets.unleashAdminPassword,
          adminToken: secrets.unleashAdminToken,
          clientToken: secrets.unleashClientToken,
          logger: logger.child({ component: 'unleash' }),
        });
    const unleashStarted = supervisor?.start();
    if (supervisor) undo.push({ name: 'Unleash server', run: supervisor.stop });

    // ---- First-run demo data
    const credentialsFile = path.join(config.dataDir, 'credentials.json');
    if (config.DEMO_SEED && !config.isProduction) {
      const seeded = await seedFirstRun({
        ctx: { pool: db.pool, prisma: db.prisma, log: logger },
        plugins,
        credentialsFile,
        extra: {
          backoffice: `${config.publicUrl}/admin`,
          unleash: supervisor ? { url: unleashPublicUrl, username: 'admin', password: secrets.unleashAdminPassword } : { url: unleashPublicUrl },
        },
      });
      if (seeded) logger.info({ credentialsFile }, 'first run: demo data and operators created');
    }
    await unleashStarted;

    // ---- Flags
    const flags = createFlagClient({
      url: unleashUrl,
      clientToken: secrets.unleashClientToken,
      appName: 'opsdeck',
      backupPath: path.join(config.dataDir, 'unleash-backup'),
      logger: logger.child({ component: 'flags' }),
    });
    undo.push({ name: 'flag client', run: flags.destroy });
    await flags.ready(5_000);

    // ---- HTTP
    const auth = createOperatorAuth({ prisma: db.prisma });
    const session = createSessionSettings({ config, pool: db.pool, secret: secrets.sessionSecret });
    undo.push({ name: 'session store', run: async () => session.store.close?.() });
    const admin = createAdmin({ prisma: db.prisma, resources: [...coreResources, ...plugins.flatMap((p) => p.resources)] });
    const app = createApp({ config, logger, db, auth, session, admin, unleashState: flags.state });
    const server = http.createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => resolve());
    });
    undo.push({ name: 'HTTP server', run: () => closeServer(server) });

    return {
      url: config.publicUrl,
      adminUrl: `${config.publicUrl}/admin`,
      unleashUrl: unleashPublicUrl,
      credentialsFile,
      databaseUrl,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

// Stop accepting, let in-flight requests finish for a few seconds, then drop what is left.
function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), 5_000);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
