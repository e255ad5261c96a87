// On a first start (no operator yet) the demo data set is written once, and the credentials file
// tells a newcomer how to log in. A warm start finds operators and does nothing.
import path from 'node:path';
import type { Plugin, SeedContext } from '../platform/plugin.js';
import { writePrivateJson } from '../config/secrets.js';
import { seedDemoOperators } from './demo-operators.js';
import type { SecretBox } from '../auth/secret-box.js';

export const DEMO_SEED = 20261122;

export async function seedFirstRun({
  ctx,
  plugins,
  secretBox,
  credentialsFile,
  extra,
}: {
  ctx: Omit<SeedContext, 'seed'>;
  plugins: Plugin[];
  /** Seals the demo operators' TOTP secrets in the database (the credentials file keeps them plain). */
  secretBox: SecretBox;
  credentialsFile: string;
  extra: Record<string, unknown>;
}): Promise<boolean> {
  // System principals (docs/adr/0017) are created before this at every start: they are nobody's login.
  if ((await ctx.prisma.operator.count({ where: { status: { not: 'system' } } })) > 0) return false;
  const operators = await seedDemoOperators({ prisma: ctx.prisma, plugins, secretBox });
  try {
    for (const plugin of plugins) {
      await plugin.seedDemo?.({ ...ctx, seed: DEMO_SEED });
      ctx.log.info({ plugin: plugin.id }, 'demo data seeded');
    }
    // Each operator logs in with password and a current code of their authenticator: add the
    // otpauthUri (or totpSecret) to an authenticator app, or print one code from this file.
    const login = 'email, password and a current TOTP code: `npm run operator -- totp <email>` prints one (or add otpauthUri to an authenticator app)';
    await writePrivateJson(path.resolve(credentialsFile), { ...extra, login, operators });
  } catch (err) {
    // Without this, the next start would find operators, skip the seed, and nobody would know
    // their passwords. Each pack's seed is one transaction, so a failed one left nothing behind.
    await ctx.prisma.operator.deleteMany({ where: { email: { in: operators.map((o) => o.email) } } });
    throw err;
  }
  return true;
}
