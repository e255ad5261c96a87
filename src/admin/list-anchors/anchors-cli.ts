// `npm run lists:anchors [-- --force]`: builds the page anchors of every large list now (those
// missing or drifted; all with --force) and prints what each took. The app keeps them current by
// itself (list-anchor-refresh.ts); this is for right after a bulk load, or to see the cost.
import { parseArgs } from 'node:util';
import { withCliDatabase } from '../../db/cli-database.js';
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
  try {
    return await withCliDatabase({ role: 'app' }, async ({ db }) => {
      for (const list of largeListsOf(buildRbacModel({ plugins }).resources)) {
        process.stdout.write(`${describeAnchorBuild(await buildListAnchors({ pool: db.pool, list, force: values.force }))}\n`);
      }
      return 0;
    });
  } catch (err) {
    process.stderr.write(`lists:anchors could not run: ${(err as Error).message}\n`);
    return 2;
  }
}
