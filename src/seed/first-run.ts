// On a first start (no operator yet) the demo data set is written once, and the credentials file
// tells a newcomer how to log in. A warm start finds operators and does nothing.
import path from 'node:path';
import type { Plugin, SeedContext } from '../platform/plugin.js';
import { writePrivateJson } from '../config/secrets.js';
import { seedDemoOperators } from './demo-operators.js';

export const DEMO_SEED = 20261122;

export async function seedFirstRun({
  ctx,
  plugins,
  credentialsFile,
  extra,
}: {
  ctx: Omit<SeedContext, 'seed'>;
  plugins: Plugin[];
  credentialsFile: string;
  extra: Record<string, unknown>;
}): Promise<boolean> {
  if ((await ctx.prisma.operator.count()) > 0) return false;
  const operators = await seedDemoOperators({ prisma: ctx.prisma });
  for (const plugin of plugins) {
    await plugin.seedDemo?.({ ...ctx, seed: DEMO_SEED });
    ctx.log.info({ plugin: plugin.id }, 'demo data seeded');
  }
  await writePrivateJson(path.resolve(credentialsFile), { ...extra, operators });
  return true;
}
