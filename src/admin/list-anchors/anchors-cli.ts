// `npm run lists:anchors [-- --force]`: builds the page anchors of every large list now (those
// missing or drifted; all with --force) and prints what each took. The app keeps them current by
// itself (list-anchor-refresh.ts); this is for right after a bulk load, or to see the cost.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../../config/config.js';
import { loadSecrets } from '../../config/secrets.js';
import { createDatabase } from '../../db/database.js';
import { openDatabase } from '../../db/open-database.js';
import { createLogger } from '../../platform/logger.js';
import type { Plugin } from '../../platform/plugin.js';
import { buildRbacModel } from '../../rbac/rbac-model.js';
import { largeListsOf } from './large-lists.js';
import { buildListAnchors, type AnchorBuildOutcome } from './list-anchor-builder.js';

export const describeAnchorBuild = (o: AnchorBuildOutcome) =>
  o.outcome === 'built'
    ? `${o.list}: built, ${o.total.toLocaleString('en')} rows, ${o.anchors.toLocaleString('en')} anchors, ${(o.ms / 1000).toFixed(1)} s`
    : `${o.list}: ${{ fresh: 'current, left as it is', small: 'small table, no anchors needed', busy: 'being built elsewhere' }[o.outcome]}`;

export async function runListAnchors(argv: string[], plugins: Plugin[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { force: { type: 'boolean', default: false } } });
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const secrets = await loadSecrets(config);
  const { appDatabaseUrl, embedded } = await openDatabase({ config, secrets, logger });
  const db = createDatabase({ url: appDatabaseUrl, max: 2 });
  try {
    for (const list of largeListsOf(buildRbacModel({ plugins }).resources)) {
      process.stdout.write(`${describeAnchorBuild(await buildListAnchors({ pool: db.pool, list, force: values.force }))}\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`lists:anchors could not run: ${(err as Error).message}\n`);
    return 2;
  } finally {
    await db.close();
    if (embedded?.isOwner) await embedded.stop();
  }
}
