// Process lifecycle around the platform: validated config, a banner with the URLs, and an ordered
// shutdown on SIGINT/SIGTERM/SIGHUP, also when the signal comes while the platform is starting.
import { exitOnConfigError, loadConfigOrExit } from './config/config.js';
import { checkPackSettings } from './config/pack-settings.js';
import { BootAborted, startPlatform, type Platform } from './platform/boot.js';
import { createLogger } from './platform/logger.js';
import type { Plugin } from './platform/plugin.js';

export async function runMain({ plugins }: { plugins: Plugin[] }): Promise<void> {
  const config = loadConfigOrExit();
  exitOnConfigError(() => checkPackSettings(config, plugins));
  const logger = createLogger({ level: config.LOG_LEVEL });
  const started = Date.now();
  const aborter = new AbortController();
  let platform: Platform | undefined;

  // A terminal Ctrl-C reaches npm, its shell and us at once, and npm forwards it again: repeats
  // within a second are that echo. A later one is a person insisting, and forces the exit.
  let stoppingSince = 0;
  const shutdown = async (reason: string, code = 0) => {
    if (stoppingSince && Date.now() - stoppingSince < 1_000) return;
    if (stoppingSince) {
      logger.warn({ reason }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info({ reason }, 'shutting down');
    aborter.abort();
    // While starting, the start itself unwinds (see BootAborted below).
    if (!platform) return;
    await platform.stop();
    logger.info('opsdeck stopped');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    void shutdown('unhandledRejection', 1);
  });

  try {
    platform = await startPlatform({ config, plugins, logger, signal: aborter.signal });
  } catch (err) {
    if (err instanceof BootAborted) {
      logger.info('opsdeck stopped before it was ready');
      process.exit(0);
    }
    logger.fatal({ err }, 'opsdeck failed to start');
    process.exit(1);
  }
  logger.info({ ms: Date.now() - started, url: platform.url }, 'opsdeck ready');
  process.stdout.write(
    [
      '',
      `  opsdeck is ready (${Date.now() - started} ms)`,
      `  Backoffice  ${platform.adminUrl}`,
      `  API         ${platform.url}/api`,
      `  Unleash     ${platform.unleashUrl}`,
      `  Credentials ${platform.credentialsFile} (demo operators, Unleash admin)`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );
}
