// Process lifecycle around the platform: validated config, a banner with the URLs, and an ordered
// shutdown on SIGINT/SIGTERM (a second signal forces the exit).
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { startPlatform } from './platform/boot.js';
import { createLogger } from './platform/logger.js';
import type { Plugin } from './platform/plugin.js';

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`opsdeck: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

export async function runMain({ plugins }: { plugins: Plugin[] }): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const started = Date.now();
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform({ config, plugins, logger });
  } catch (err) {
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

  // A terminal Ctrl-C reaches npm, its shell and us at once, and npm forwards it again: repeats
  // within a second are that echo. A later one is a person insisting, and forces the exit.
  let stoppingSince = 0;
  const shutdown = async (signal: string) => {
    if (stoppingSince && Date.now() - stoppingSince < 1_000) return;
    if (stoppingSince) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    await platform.stop();
    logger.info('opsdeck stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
