// `npm run operator -- create --email a@b.c --name "A B" --role super_admin`: the way to the first
// login where no demo data is seeded (production). The generated password is printed once.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfigOrExit } from '../config/config.js';
import { loadSecrets } from '../config/secrets.js';
import { createDatabase } from '../db/database.js';
import { openDatabase } from '../db/open-database.js';
import { createLogger } from '../platform/logger.js';
import { hashPassword } from './operator-auth.js';
import type { Plugin } from '../platform/plugin.js';
import { ensureSeedRoles } from '../rbac/ensure-seed-roles.js';

const args = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(200),
  role: z.string().min(1),
});

export async function runOperatorCli(argv: string[], { plugins }: { plugins: Plugin[] }): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } },
  });
  const parsed = args.safeParse(values);
  if (positionals[0] !== 'create' || !parsed.success) {
    process.stderr.write('usage: npm run operator -- create --email <email> --name <name> --role <role key>\n');
    process.exit(1);
  }
  const config = loadConfigOrExit();
  const logger = createLogger({ level: 'warn' });
  const { databaseUrl, embedded } = await openDatabase({ config, secrets: await loadSecrets(config), logger });
  const db = createDatabase({ url: databaseUrl, max: 2 });
  try {
    await ensureSeedRoles({ prisma: db.prisma, plugins });
    const role = await db.prisma.role.findUnique({ where: { key: parsed.data.role } });
    if (!role) {
      const keys = (await db.prisma.role.findMany({ select: { key: true } })).map((r) => r.key).join(', ');
      process.stderr.write(`opsdeck: no role ${parsed.data.role}; roles: ${keys}\n`);
      process.exitCode = 1;
      return;
    }
    const password = randomBytes(15).toString('base64url');
    await db.prisma.operator.create({
      data: {
        email: parsed.data.email,
        name: parsed.data.name,
        passwordHash: await hashPassword(password),
        roles: { create: [{ roleId: role.id }] },
      },
    });
    process.stdout.write(`created operator ${parsed.data.email} (${role.key}); password, shown once: ${password}\n`);
  } finally {
    await db.close();
    if (embedded?.isOwner) await embedded.stop();
  }
}
