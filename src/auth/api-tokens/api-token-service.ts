// Service tokens for machine clients (client apps posting experiment events): created, listed and
// revoked by operators (API, audited) or from the command line, and checked on each bearer call.
//
// A token is `odt_` + 32 random bytes (base64url). Only its sha256 is stored and looked up: for a
// secret of 256 random bits a fast hash is enough (no dictionary or brute force can find a
// preimage, unlike a password, which needs a slow salted hash), and it lets the lookup be one
// indexed equality instead of a scan comparing slow hashes. Comparing hashes through the index
// leaks nothing useful on timing: learning a prefix of a token's hash does not help forge a token.
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { AuditActor, AuditService } from '../../audit/types.js';
import { pgExecutor } from '../../audit/sql-executor.js';
import { externalActor } from '../../audit/external-actor.js';
import { inTransaction } from '../../db/transaction-scope.js';
import { AppError, conflict, notFound } from '../../http/errors.js';

/** What a token may do. A route names the one scope it accepts. */
export const API_TOKEN_SCOPES = ['experiments:ingest'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

const TOKEN_PREFIX = 'odt_';
const TOKEN_SHAPE = /^odt_[A-Za-z0-9_-]{43}$/;
// last_used_at is written at most this often per token: a busy client must not make every call a write.
const TOUCH_EVERY = '1 minute';

export type ApiTokenView = {
  id: number;
  name: string;
  /** `odt_` and 6 more characters: enough to recognise a token, useless to use one. */
  prefix: string;
  scope: string;
  createdById: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedById: number | null;
};

/** The caller of a bearer request. */
export type ApiTokenPrincipal = { id: number; name: string; scope: string };

export const invalidToken = () =>
  new AppError({ status: 401, code: 'invalid_token', title: 'Invalid token', detail: 'The bearer token is unknown or revoked.' });
export const insufficientScope = (scope: string) =>
  new AppError({ status: 403, code: 'insufficient_scope', title: 'Insufficient scope', detail: `This token does not carry the scope ${scope}.`, extensions: { scope } });

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

type Row = { id: number; name: string; prefix: string; scope: string; created_by_id: number | null; created_at: Date; last_used_at: Date | null; revoked_at: Date | null; revoked_by_id: number | null };
const COLUMNS = 'id, name, prefix, scope, created_by_id, created_at, last_used_at, revoked_at, revoked_by_id';
const view = (r: Row): ApiTokenView => ({
  id: r.id, name: r.name, prefix: r.prefix, scope: r.scope, createdById: r.created_by_id, createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null, revokedAt: r.revoked_at?.toISOString() ?? null, revokedById: r.revoked_by_id,
});
const snapshot = (t: ApiTokenView) => ({ name: t.name, prefix: t.prefix, scope: t.scope, revokedAt: t.revokedAt });

export function createApiTokenService({ pool, audit }: { pool: pg.Pool; audit: Pick<AuditService, 'append' | 'appendStandalone'> }) {
  return {
    /** A new token: `token` is its only appearance in clear (shown once). Audited `api_token.create`. */
    async create({ name, scope, actor }: { name: string; scope: ApiTokenScope; actor: AuditActor }): Promise<{ token: string; apiToken: ApiTokenView }> {
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<Row>(
          `INSERT INTO api_tokens (name, token_hash, prefix, scope, created_by_id) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
          [name, hashToken(token), token.slice(0, 10), scope, actor.operatorId],
        );
        const apiToken = view(rows[0]);
        await audit.append(pgExecutor(client), { actor, action: 'api_token.create', entityType: 'api_token', entityId: String(apiToken.id), after: snapshot(apiToken), outcome: 'succeeded' });
        return { token, apiToken };
      });
    },

    /** Newest first; revoked ones too (who could post, until when). */
    async list(): Promise<ApiTokenView[]> {
      const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at DESC, id DESC LIMIT 1000`);
      return rows.map(view);
    },

    /** Refused from now on; the row stays. Audited `api_token.revoke`; revoking twice is a 409. */
    async revoke({ id, actor }: { id: number; actor: AuditActor }): Promise<ApiTokenView> {
      return inTransaction(pool, async (client) => {
        const current = (await client.query<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1 FOR UPDATE`, [id])).rows[0];
        if (!current) throw notFound(`No API token ${id}.`);
        if (current.revoked_at) throw conflict('already_revoked', `API token ${id} was revoked at ${current.revoked_at.toISOString()}.`);
        const { rows } = await client.query<Row>(`UPDATE api_tokens SET revoked_at = now(), revoked_by_id = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, actor.operatorId]);
        const revoked = view(rows[0]);
        await audit.append(pgExecutor(client), { actor, action: 'api_token.revoke', entityType: 'api_token', entityId: String(id), before: snapshot(view(current)), after: snapshot(revoked), outcome: 'succeeded' });
        return revoked;
      });
    },

    /**
     * The token's principal when it is live and carries `scope`. Unknown, malformed or revoked: 401
     * `invalid_token`; another scope: 403 `insufficient_scope`. Each refusal is audited
     * (`access.denied`, actor `token:<id>` when the token is known).
     */
    async authenticate({ token, scope, route }: { token: string; scope: ApiTokenScope; route: string }): Promise<ApiTokenPrincipal> {
      // One indexed read per call; the last-use stamp is written only when it is over a minute old.
      const row = TOKEN_SHAPE.test(token)
        ? (await pool.query<{ id: number; name: string; scope: string; revoked_at: Date | null; is_stale: boolean }>(
            `SELECT id, name, scope, revoked_at, (last_used_at IS NULL OR last_used_at < now() - interval '${TOUCH_EVERY}') AS is_stale
               FROM api_tokens WHERE token_hash = $1`,
            [hashToken(token)],
          )).rows[0]
        : undefined;
      const deny = async (actorName: string, reasonCode: string, note: string) =>
        audit.appendStandalone({ actor: externalActor('token', actorName), action: 'access.denied', entityType: 'route', entityId: route, reasonCode, note, outcome: 'denied' });
      if (!row || row.revoked_at) {
        await deny(row ? String(row.id) : 'unknown', 'invalid_token', row ? `revoked API token ${row.id}` : 'unknown or malformed bearer token');
        throw invalidToken();
      }
      if (row.scope !== scope) {
        await deny(String(row.id), 'insufficient_scope', `API token ${row.id} lacks scope ${scope}`);
        throw insufficientScope(scope);
      }
      if (row.is_stale) await pool.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, [row.id]);
      return { id: row.id, name: row.name, scope: row.scope };
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;
