// `npm run projections:rebuild [-- --check] [--json]`: replays every timeline source from the
// beginning into a fresh table and compares it with the live projection (src/timeline/timeline-rebuild.ts).
// Prints the counts and the verdict. Exit code 0 when equal, 1 when they differed (repaired unless
// --check), 2 when it could not run. It runs as the application role, like the projector.
import { parseArgs } from 'node:util';
import { withCliDatabase } from '../db/cli-database.js';
import type { Plugin } from '../platform/plugin.js';
import { buildRbacModel } from '../rbac/rbac-model.js';
import { buildTimelineCatalog } from './timeline-catalog.js';
import { rebuildTimeline, type RebuildReport } from './timeline-rebuild.js';

const n = (value: number) => value.toLocaleString('en');

export function describeRebuild(report: RebuildReport, seconds: number): string {
  const reach = Object.entries(report.checkpoints).map(([source, position]) => `${source} ${position}`).join(', ');
  const lines = [`timeline: live projection ${n(report.live)} entries, replay ${n(report.replayed)} entries (sources up to: ${reach}; ${seconds.toFixed(1)} s)`];
  if (report.isEqual) lines.push('timeline: EQUAL: the live projection is the replay; left as it is');
  else {
    lines.push(`timeline: DIFFERENT: ${n(report.missing)} entries missing from the live projection (or altered there), ${n(report.unexpected)} in it that the replay does not produce`);
    lines.push(report.isRepaired ? 'timeline: repaired: the live projection now equals the replay' : 'timeline: not repaired (--check)');
  }
  return `${lines.join('\n')}\n`;
}

export async function runProjectionsRebuild(argv: string[], plugins: Plugin[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { check: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
  try {
    return await withCliDatabase({ role: 'app' }, async ({ db }) => {
      const rbac = buildRbacModel({ plugins });
      const catalog = buildTimelineCatalog({ resources: rbac.resources, plugins, permissions: rbac.catalog, actions: rbac.actions });
      const started = performance.now();
      const report = await rebuildTimeline({ pool: db.pool, catalog, repair: !values.check });
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : describeRebuild(report, seconds));
      return report.isEqual ? 0 : 1;
    });
  } catch (err) {
    process.stderr.write(`projections:rebuild could not run: ${(err as Error).message}\n`);
    return 2;
  }
}
