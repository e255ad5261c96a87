// `npm run operator -- <command>`: operator accounts from the command line.
//   create --email a@b.c --name "A B" --role super_admin   the way to the first login where no demo
//                       data is seeded (production); the password is printed once, and the first
//                       login sets up the authenticator (MFA_REQUIRED)
//   disable <email>     disabled, and every session of theirs ends at once (a database trigger)
//   enable <email>
//   reset-mfa <email>   lost phone: authenticator and recovery codes removed, sessions ended; the
//                       next login sets up a new authenticator
//   token create|list|revoke   API tokens of machine clients (src/auth/api-tokens/api-token-cli.ts)
//   totp <email>        a current code of a DEMO operator, from the credentials file (never from the
//                       database: the CLI must not be a way around anyone's second factor)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfigOrExit, type Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import { withCliDatabase } from '../db/cli-database.js';
import { createAuditService } from '../audit/audit-service.js';
import type { AuditService } from '../audit/types.js';
import { hashPassword } from './operator-auth.js';
import { createMfaService } from './mfa-service.js';
import { createSecretBox, type SecretBox } from './secret-box.js';
import { timeStepOf, totpCode } from './totp.js';
import type { Plugin } from '../platform/plugin.js';
import { ensureSeedRoles } from '../rbac/ensure-seed-roles.js';
import { isTokenCommand, runTokenCommand, TOKEN_USAGE } from './api-tokens/api-token-cli.js';

const USAGE = `usage: npm run operator -- create --email <email> --name <name> --role <role key>
       npm run operator -- disable|enable|reset-mfa|totp <email>
${TOKEN_USAGE}`;

const createArgs = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(200),
  role: z.string().min(1),
});
const email = z.string().trim().toLowerCase().email();

type Tools = { db: Database; audit: AuditService; plugins: Plugin[]; secretBox: SecretBox };

function fail(message: string): void {
  process.stderr.write(`opsdeck: ${message}\n`);
  process.exitCode = 1;
}

async function create(args: z.infer<typeof createArgs>, { db, plugins }: Tools): Promise<void> {
  await ensureSeedRoles({ prisma: db.prisma, plugins });
  const role = await db.prisma.role.findUnique({ where: { key: args.role } });
  if (!role) {
    const keys = (await db.prisma.role.findMany({ select: { key: true } })).map((r) => r.key).join(', ');
    return fail(`no role ${args.role}; roles: ${keys}`);
  }
  const password = randomBytes(15).toString('base64url');
  await db.prisma.operator.create({
    data: { email: args.email, name: args.name, passwordHash: await hashPassword(password), roles: { create: [{ roleId: role.id }] } },
  });
  process.stdout.write(`created operator ${args.email} (${role.key}); password, shown once: ${password}\n`);
  process.stdout.write('the first login asks them to set up an authenticator app\n');
}

// Who did it, for the audit row: the command line, no operator.
const cliActor = { operatorId: null, roles: [] as string[] };

async function setStatus(address: string, status: 'active' | 'disabled', { db, audit }: Tools): Promise<void> {
  // The CTE counts the sessions before the update's trigger deletes them (same statement, one snapshot).
  const { rows } = await db.pool.query<{ id: number; ended: string }>(
    `WITH target AS (SELECT id FROM operators WHERE email = $1),
          live AS (SELECT count(*) AS ended FROM operator_sessions WHERE operator_id = (SELECT id FROM target))
     UPDATE operators SET status = $2::"OperatorStatus", updated_at = now() WHERE id = (SELECT id FROM target) AND status <> 'system'
     RETURNING id, (SELECT ended FROM live) AS ended`,
    [address, status],
  );
  // A system principal (docs/adr/0017) never becomes a login, and is not disabled by hand either.
  if (!rows[0]) return fail(`no operator ${address} (system principals cannot be enabled or disabled)`);
  const ended = status === 'disabled' ? Number(rows[0].ended) : 0;
  await audit.appendStandalone({
    actor: cliActor, action: `operator.${status === 'disabled' ? 'disabled' : 'enabled'}`, entityType: 'operator', entityId: String(rows[0].id),
    note: `npm run operator${status === 'disabled' ? `; ${ended} sessions ended` : ''}`, outcome: 'succeeded',
  });
  process.stdout.write(status === 'disabled' ? `disabled ${address}; ${ended} sessions ended\n` : `enabled ${address}\n`);
}

async function resetMfa(address: string, { db, audit, secretBox }: Tools): Promise<void> {
  const operator = await db.prisma.operator.findUnique({ where: { email: address }, select: { id: true } });
  if (!operator) return fail(`no operator ${address}`);
  await createMfaService({ pool: db.pool, secretBox }).reset(operator.id);
  const { rowCount } = await db.pool.query('DELETE FROM operator_sessions WHERE operator_id = $1', [operator.id]);
  await audit.appendStandalone({
    actor: cliActor, action: 'operator.mfa_reset', entityType: 'operator', entityId: String(operator.id),
    note: `npm run operator; ${rowCount ?? 0} sessions ended`, outcome: 'succeeded',
  });
  process.stdout.write(`reset the authenticator of ${address}; ${rowCount ?? 0} sessions ended; the next login sets up a new one\n`);
}

async function printTotp(address: string, config: Config): Promise<void> {
  const file = path.join(config.dataDir, 'credentials.json');
  const saved = JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}')) as { operators?: { email: string; totpSecret?: string }[] };
  const secret = saved.operators?.find((o) => o.email === address)?.totpSecret;
  if (!secret) return fail(`no demo operator ${address} in ${file}; other operators read codes from their own authenticator app`);
  const now = Date.now();
  const secondsLeft = 30 - Math.floor(now / 1000) % 30;
  process.stdout.write(`${await totpCode(secret, timeStepOf(now))}  (valid for ${secondsLeft} more seconds; each code logs in once)\n`);
}

export async function runOperatorCli(argv: string[], { plugins }: { plugins: Plugin[] }): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, scope: { type: 'string' } },
  });
  const [command, target] = positionals;
  const address = email.safeParse(target ?? values.email);
  const createArgsParsed = createArgs.safeParse(values);
  const isValid = command === 'create' ? createArgsParsed.success
    : command === 'token' ? isTokenCommand(target, positionals[2], values)
    : ['disable', 'enable', 'reset-mfa', 'totp'].includes(command ?? '') && address.success;
  if (!isValid) {
    process.stderr.write(USAGE);
    process.exit(1);
  }
  const config = loadConfigOrExit();
  if (command === 'totp') return printTotp(address.data!, config);

  // Errors only: the server's warnings (e.g. about APP_DATABASE_URL) are not this command's business.
  await withCliDatabase({ role: 'owner', logLevel: 'error', config }, async ({ db, secrets }) => {
    const tools: Tools = {
      db, plugins, audit: createAuditService({ pool: db.pool, signingKey: secrets.auditSigningKey }), secretBox: createSecretBox(secrets.mfaEncryptionKey),
    };
    if (command === 'token') {
      await runTokenCommand({
        sub: target!, target: positionals[2], values, pool: db.pool, audit: tools.audit, out: (line) => process.stdout.write(`${line}\n`), fail,
      });
    } else if (command === 'create') await create(createArgsParsed.data!, tools);
    else if (command === 'reset-mfa') await resetMfa(address.data!, tools);
    else await setStatus(address.data!, command === 'disable' ? 'disabled' : 'active', tools);
  });
}
