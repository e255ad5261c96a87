// Idempotency keys, after Stripe and the IETF Idempotency-Key draft. A key is scoped to (operator,
// scope) and claimed atomically with INSERT ... ON CONFLICT, never check-then-insert. The claim
// commits on its own, before the action's transaction, so a concurrent request with the same key
// sees it and gets 409 (in flight), 422 (another body) or the stored response, byte for byte. The
// response is stored inside the action's transaction: the change and its replayable answer commit
// together. A request that dies unexpectedly releases its claim, so the same key can try again.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { SqlExecutor } from '../audit/types.js';
import { pgExecutor, registerPreparedStatement } from '../audit/sql-executor.js';
import { toJson } from '../audit/event-snapshot.js';
import { idempotencyKeyInFlight, idempotencyKeyInvalid, idempotencyKeyMissing, idempotencyKeyReused } from './action-errors.js';

/** Keys are kept at least this long (the contract says 24 hours), then purged. */
export const IDEMPOTENCY_RETENTION_HOURS = 25;
/** A claim older than this without a response belongs to a process that died: it may be taken over. */
const ABANDONED_CLAIM_SECONDS = 120;

export type KeyScope = { operatorId: number; scope: string; key: string };

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: string };

/** sha256 of the request's canonical JSON (sorted keys): equal bodies hash equal. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(toJson(body))).digest('hex');
}

/** The header's value, or a 400 AppError; visible ASCII only, 1 to 255 characters. */
export function checkIdempotencyKey(key: string | undefined): string {
  if (key === undefined || key === '') throw idempotencyKeyMissing();
  if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) throw idempotencyKeyInvalid();
  return key;
}

// One statement, in its own implicit transaction. The claim need not wait for its own fsync
// (synchronous_commit off for this transaction only): the action's commit, which is synchronous,
// flushes the WAL up to and including it, and a claim lost in a crash had no effect to protect.
const CLAIM_SQL = `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
INSERT INTO idempotency_keys (operator_id, scope, key, request_hash) SELECT $1, $2, $3, $4 FROM async_commit
ON CONFLICT (operator_id, scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, created_at = now()
  WHERE idempotency_keys.response_status IS NULL
    AND idempotency_keys.created_at < now() - make_interval(secs => ${ABANDONED_CLAIM_SECONDS})
RETURNING 1`;
registerPreparedStatement(CLAIM_SQL);

const COMPLETE_SQL = `UPDATE idempotency_keys SET response_status = $4::integer, response_body = $5::text, completed_at = now()
  WHERE operator_id = $1::integer AND scope = $2::varchar AND key = $3::varchar`;
registerPreparedStatement(COMPLETE_SQL);

export function createIdempotencyStore({ pool }: { pool: pg.Pool }) {
  /** Claims the key or says what to answer instead; throws 409/422 AppErrors. */
  async function claim({ operatorId, scope, key }: KeyScope, hash: string): Promise<Claim> {
    const inserted = await pgExecutor(pool).query(CLAIM_SQL, [operatorId, scope, key, hash]);
    if (inserted.rows.length === 1) return { kind: 'claimed' };
    const { rows } = await pool.query<{ request_hash: string; response_status: number | null; response_body: string | null }>(
      'SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE operator_id = $1 AND scope = $2 AND key = $3',
      [operatorId, scope, key],
    );
    const row = rows[0];
    // Released between our insert and this read: the other request failed; the caller may retry.
    if (!row) throw idempotencyKeyInFlight();
    if (row.request_hash !== hash) throw idempotencyKeyReused();
    if (row.response_status === null || row.response_body === null) throw idempotencyKeyInFlight();
    return { kind: 'replay', status: row.response_status, body: row.response_body };
  }

  /** Stores the response in the caller's transaction (the action's). */
  async function complete(sql: SqlExecutor, { operatorId, scope, key }: KeyScope, response: { status: number; body: string }): Promise<void> {
    await sql.query(COMPLETE_SQL, [operatorId, scope, key, response.status, response.body]);
  }

  /** Gives the key back after an unexpected failure: nothing was changed, the client may retry. */
  async function release({ operatorId, scope, key }: KeyScope): Promise<void> {
    await pool.query('DELETE FROM idempotency_keys WHERE operator_id = $1 AND scope = $2 AND key = $3 AND response_status IS NULL', [operatorId, scope, key]);
  }

  /** Deletes keys past retention; returns how many. */
  async function purge(): Promise<number> {
    const result = await pool.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})`);
    return result.rowCount ?? 0;
  }

  return { claim, complete, release, purge };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
