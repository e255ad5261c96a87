// `npm run operator -- token create|list|revoke`: API tokens from the command line, the way to the
// first token where no operator holds api_token.manage yet. Same service (and audit rows) as the
// API; the actor is the command line (no operator).
//   token create --name <name> --scope experiments:ingest   prints the token once
//   token list
//   token revoke <id>
import { z } from 'zod';
import type pg from 'pg';
import type { AuditService } from '../../audit/types.js';
import { AppError } from '../../http/errors.js';
import { API_TOKEN_SCOPES, createApiTokenService } from './api-token-service.js';

export const TOKEN_USAGE = `       npm run operator -- token create --name <name> --scope ${API_TOKEN_SCOPES.join('|')}
       npm run operator -- token list
       npm run operator -- token revoke <id>
`;

const createArgs = z.object({ name: z.string().trim().min(1).max(100), scope: z.enum(API_TOKEN_SCOPES) });
const idArg = z.coerce.number().int().positive().max(2_147_483_647);

/** Whether the arguments make a token command (checked before anything is opened). */
export function isTokenCommand(sub: string | undefined, target: string | undefined, values: Record<string, unknown>): boolean {
  if (sub === 'create') return createArgs.safeParse(values).success;
  if (sub === 'list') return true;
  return sub === 'revoke' && idArg.safeParse(target).success;
}

const cliActor = { operatorId: null, roles: [] as string[] };

export async function runTokenCommand({ sub, target, values, pool, audit, out, fail }: {
  sub: string;
  target: string | undefined;
  values: Record<string, unknown>;
  pool: pg.Pool;
  audit: AuditService;
  out: (line: string) => void;
  fail: (message: string) => void;
}): Promise<void> {
  const tokens = createApiTokenService({ pool, audit });
  try {
    if (sub === 'create') {
      const { token, apiToken } = await tokens.create({ ...createArgs.parse(values), actor: cliActor });
      out(`created API token ${apiToken.id} "${apiToken.name}" (${apiToken.scope}); the token, shown once: ${token}`);
    } else if (sub === 'list') {
      const items = await tokens.list();
      if (items.length === 0) out('no API tokens');
      for (const t of items) {
        out(`${t.id}\t${t.prefix}...\t${t.scope}\t${t.name}\tcreated ${t.createdAt}\tlast used ${t.lastUsedAt ?? 'never'}${t.revokedAt ? `\trevoked ${t.revokedAt}` : ''}`);
      }
    } else {
      const revoked = await tokens.revoke({ id: idArg.parse(target), actor: cliActor });
      out(`revoked API token ${revoked.id} "${revoked.name}"`);
    }
  } catch (err) {
    // Expected refusals (no such token, already revoked) are messages, not stack traces.
    if (err instanceof AppError) return fail(err.message);
    throw err;
  }
}
