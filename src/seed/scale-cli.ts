// `npm run seed -- --orders N [--seed S]`: bulk demo data at scale, on the same database `npm start`
// uses (a running opsdeck's embedded server is shared, not restarted).
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config/config.js';
import { withCliDatabase } from '../db/cli-database.js';
import type { Plugin } from '../platform/plugin.js';
import { buildRbacModel } from '../rbac/rbac-model.js';
import { largeListsOf } from '../admin/list-anchors/large-lists.js';
import { buildListAnchors } from '../admin/list-anchors/list-anchor-builder.js';
import { describeAnchorBuild } from '../admin/list-anchors/anchors-cli.js';

export async function runScaleSeed({ plugins, argv }: { plugins: Plugin[]; argv: string[] }): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { orders: { type: 'string' }, seed: { type: 'string', default: '1' } } });
  const orders = Number(values.orders);
  const seed = Number(values.seed);
  if (!Number.isInteger(orders) || orders < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: npm run seed -- --orders <positive integer> [--seed <integer>]\n');
    process.exit(1);
  }
  // The seed's own progress lines are info lines: shown at the configured level.
  const config = loadConfigOrExit();
  await withCliDatabase({ role: 'owner', max: 4, logLevel: config.LOG_LEVEL, config }, async ({ db, logger }) => {
    for (const plugin of plugins) {
      if (!plugin.seedScale) continue;
      const started = Date.now();
      const rows = await plugin.seedScale({ pool: db.pool, prisma: db.prisma, log: logger, seed, orders });
      const seconds = (Date.now() - started) / 1000;
      const total = Object.values(rows).reduce((a, b) => a + b, 0);
      process.stdout.write(
        `${plugin.id}: ${orders.toLocaleString('en')} orders and ${total.toLocaleString('en')} rows in ${seconds.toFixed(1)} s ` +
          `(${Math.round(orders / seconds).toLocaleString('en')} orders/s, ${Math.round(total / seconds).toLocaleString('en')} rows/s)\n` +
          Object.entries(rows).map(([table, n]) => `  ${table.padEnd(22)} ${n.toLocaleString('en')}`).join('\n') + '\n',
      );
    }
    // The large lists' page anchors, so a jump deep into them is fast at once (docs/adr/0003).
    for (const list of largeListsOf(buildRbacModel({ plugins }).resources)) {
      process.stdout.write(`${describeAnchorBuild(await buildListAnchors({ pool: db.pool, list }))}\n`);
    }
  });
}
