// Starts the whole platform in order and stops it in reverse: PostgreSQL (embedded unless
// DATABASE_URL), migrations, first-run demo data, Unleash (a supervised child unless UNLEASH_URL),
// the flag client, then HTTP. Each step registers its own undo, so a failure or a Ctrl-C halfway
// through still tears down what was started.
import http from 'node:http';
import pg from 'pg';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { loadSecrets } from '../config/secrets.js';
import { openDatabase } from '../db/open-database.js';
import { createDatabase } from '../db/database.js';
import { createUnleashSupervisor } from '../flags/unleash-supervisor.js';
import { createFlagClient } from '../flags/unleash-client.js';
import { buildFlagCatalog } from '../flags/flag-catalog.js';
import { syncFlags } from '../flags/flag-sync.js';
import { createUnleashAdmin } from '../flags/unleash-admin.js';
import { createFlagEventImport } from '../flags/flag-event-import.js';
import { createImpressionExposures } from '../experiments/impression-exposures.js';
import { seedFirstRun } from '../seed/first-run.js';
import { ensureSeedRoles } from '../rbac/ensure-seed-roles.js';
import { ensureSystemPrincipals } from '../auth/system-principals.js';
import { buildRbacModel } from '../rbac/rbac-model.js';
import { createAuditService } from '../audit/audit-service.js';
import { startAuditBackground } from '../audit/audit-background.js';
import { startActionBackground } from '../actions/action-background.js';
import { startDashboardRefresh } from '../dashboard/dashboard-refresh.js';
import { createApp } from '../app.js';
import { createSecretBox } from '../auth/secret-box.js';
import { sealPlaintextTotpSecrets } from '../auth/mfa-service.js';
import { startImpersonationSweep } from '../impersonation/create-impersonation.js';
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

export class BootAborted extends Error {}

export async function startPlatform({ config, plugins, logger, signal }: {
  config: Config;
  plugins: Plugin[];
  logger: Logger;
  /** Aborting (SIGINT during start) stops at the next step and undoes what was started. */
  signal?: AbortSignal;
}): Promise<Platform> {
  const undo: { name: string; run: () => Promise<void> }[] = [];
  const stop = async () => {
    for (const step of undo.reverse().splice(0)) {
      await step.run().catch((err) => logger.error({ err }, `stopping ${step.name} failed`));
      logger.info(`stopped ${step.name}`);
    }
  };
  const checkpoint = () => {
    if (signal?.aborted) throw new BootAborted('start aborted');
  };
  try {
    const secrets = await loadSecrets(config);

    // ---- PostgreSQL and migrations
    const { databaseUrl, appDatabaseUrl, embedded } = await openDatabase({ config, secrets, logger });
    // A server another live process started (a running opsdeck, a seed) is theirs to stop.
    if (embedded?.isOwner) undo.push({ name: 'embedded PostgreSQL', run: embedded.stop });
    checkpoint();
    // The app runs as a role that may only read the audit log and append to it; the log's upkeep
    // (sealer, checkpoints, partitions, retention) runs on a small pool as the tables' owner.
    const db = createDatabase({ url: appDatabaseUrl, onIdleError: (err) => logger.warn({ err }, 'idle database connection lost') });
    const ownerPool = new pg.Pool({ connectionString: databaseUrl, max: 3, application_name: 'opsdeck-owner' });
    ownerPool.on('error', (err) => logger.warn({ err }, 'idle owner connection lost'));
    undo.push({ name: 'database pools', run: async () => { await db.close(); await ownerPool.end(); } });

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
    // Awaited below; if seeding fails first, the shutdown path must not meet an unhandled rejection.
    unleashStarted?.catch(() => {});
    if (supervisor) undo.push({ name: 'Unleash server', run: supervisor.stop });

    // ---- Audit log: the sealer chains committed rows; stopped before the pools close.
    const audit = createAuditService({ pool: db.pool, signingKey: secrets.auditSigningKey, logger: logger.child({ component: 'audit' }) });
    const auditBackground = startAuditBackground({
      pool: ownerPool,
      signingKey: secrets.auditSigningKey,
      retentionYears: config.AUDIT_RETENTION_YEARS,
      logger: logger.child({ component: 'audit' }),
    });
    undo.push({ name: 'audit sealer', run: auditBackground.stop });

    await ensureSeedRoles({ prisma: db.prisma, plugins });
    await ensureSystemPrincipals({ pool: db.pool, specs: plugins.flatMap((p) => p.systemPrincipals ?? []), catalog: buildRbacModel({ plugins }).catalog });

    // ---- TOTP secrets stored in clear by an older version are sealed before anything reads them.
    const secretBox = createSecretBox(secrets.mfaEncryptionKey);
    const sealedNow = await sealPlaintextTotpSecrets({ pool: db.pool, secretBox });
    if (sealedNow > 0) logger.info({ count: sealedNow }, 'encrypted TOTP secrets stored in clear');

    // ---- First-run demo data
    const credentialsFile = path.join(config.dataDir, 'credentials.json');
    if (config.DEMO_SEED && !config.isProduction) {
      const seeded = await seedFirstRun({
        ctx: { pool: db.pool, prisma: db.prisma, log: logger },
        plugins,
        secretBox,
        credentialsFile,
        extra: {
          backoffice: `${config.publicUrl}/admin`,
          unleash: supervisor ? { url: unleashPublicUrl, username: 'admin', password: secrets.unleashAdminPassword } : { url: unleashPublicUrl },
        },
      });
      if (seeded) logger.info({ credentialsFile }, 'first run: demo data and operators created');
    }
    checkpoint();
    // Flags degrade to their backup or defaults, so an Unleash that cannot start is not fatal.
    await unleashStarted?.catch((err) => logger.error({ err }, 'Unleash did not start; flags are degraded'));
    checkpoint();

    // ---- Flags: declared flags created in Unleash when missing (never overwritten), then the client.
    // Unleash unreachable is no reason not to start: the client serves its backup or the defaults.
    await syncFlags({ url: unleashUrl, adminToken: secrets.unleashAdminToken, catalog: buildFlagCatalog(plugins), logger: logger.child({ component: 'flags' }) })
      .catch((err) => logger.warn({ err }, 'feature flags: could not sync the declared flags to Unleash; serving last known or default values'));
    checkpoint();
    const flags = createFlagClient({
      url: unleashUrl,
      clientToken: secrets.unleashClientToken,
      appName: 'opsdeck',
      backupPath: path.join(config.dataDir, 'unleash-backup'),
      logger: logger.child({ component: 'flags' }),
      // A kill switch must bite within about 2 s: a 1 s poll plus Unleash's own revision lag.
      refreshIntervalMs: 1_000,
    });
    undo.push({ name: 'flag client', run: flags.destroy });
    await flags.ready(5_000);
    checkpoint();
    // ---- Flag changes made in Unleash, imported into the audit log every few seconds (exactly once).
    const flagEvents = createFlagEventImport({ url: unleashUrl, adminToken: secrets.unleashAdminToken, pool: db.pool, audit, logger: logger.child({ component: 'flags' }) }).start(5_000);
    undo.push({ name: 'flag event import', run: flagEvents.stop });

    // ---- HTTP
    const { app, close, actions, impersonation, timeline, dashboard, experiments, gate, listAnchors } = createApp({
      config, logger, db, plugins, sessionSecret: secrets.sessionSecret, unleashState: flags.state, audit, auditSigningKey: secrets.auditSigningKey,
      mfaEncryptionKey: secrets.mfaEncryptionKey, impersonationJwtKey: secrets.impersonationJwtKey, flagDefinitions: flags, flagClient: flags,
      unleashAdmin: createUnleashAdmin({ url: unleashUrl, adminToken: secrets.unleashAdminToken }),
    });
    undo.push({ name: 'session store', run: close });
    // ---- Experiment exposures from opsdeck's own getVariant calls (flags with impression data on)
    const impressions = createImpressionExposures({
      experiments, isIngestOn: (actor) => gate.isOn('opsdeck.experiments-ingest', actor), logger: logger.child({ component: 'experiments' }),
    });
    const impressionFlush = impressions.start();
    const stopListening = flags.onImpression(impressions.record);
    undo.push({ name: 'experiment impressions', run: async () => { stopListening(); await impressionFlush.stop(); } });
    // ---- Actions: outbox and bulk workers, approval and idempotency sweeps
    const actionBackground = await startActionBackground({ actions, logger: logger.child({ component: 'actions' }) });
    undo.push({ name: 'action workers', run: actionBackground.stop });
    // ---- Impersonation: expired ones and those whose session is gone are ended every minute
    const impersonationSweep = startImpersonationSweep({ service: impersonation, logger: logger.child({ component: 'impersonation' }) });
    undo.push({ name: 'impersonation sweep', run: impersonationSweep.stop });
    // ---- Timeline: the projector follows the audit log, domain events and the packs' sources
    const timelineProjector = timeline.projector.start();
    undo.push({ name: 'timeline projector', run: timelineProjector.stop });
    // ---- Dashboard and console read models: folded and recomputed every 30 s
    const dashboardRefresh = startDashboardRefresh({ refresh: dashboard.refresh, logger: logger.child({ component: 'dashboard' }) });
    undo.push({ name: 'dashboard refresh', run: dashboardRefresh.stop });
    // ---- Large lists: page anchors for jumps deep into them, rebuilt when missing or drifted
    const anchorRefresh = listAnchors.start({ logger: logger.child({ component: 'lists' }) });
    undo.push({ name: 'list anchor refresh', run: anchorRefresh.stop });
    checkpoint();
    const server = http.createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => resolve());
    });
    undo.push({ name: 'HTTP server', run: () => closeServer(server) });
    checkpoint();

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
