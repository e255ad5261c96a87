// Operators' second factor: TOTP enrolment (a pending secret, confirmed by a first code, which
// issues the recovery codes once) and verification of a TOTP or recovery code, each usable once.
// Single use is enforced in the database, so two requests racing with one code cannot both pass:
// a TOTP code's time step must be later than the last one accepted, a recovery code's row must
// still be unused when it is marked. TOTP secrets are stored sealed (src/auth/secret-box.ts): one
// that does not open (wrong key, tampered, never encrypted) refuses the code, like a wrong one.
import type pg from 'pg';
import QRCode from 'qrcode';
import { conflict } from '../http/errors.js';
import { matchTotp, newTotpSecret, totpUri } from './totp.js';
import { hashRecoveryCode, isRecoveryCodeMatch, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';
import type { SecretBox } from './secret-box.js';
import type { Logger } from '../platform/logger.js';

export type SecondFactor = { totp?: string | null; recoveryCode?: string | null };
export type FactorMethod = 'totp' | 'recovery_code';

export type FactorCheck =
  | { kind: 'ok'; method: FactorMethod; recoveryCodesLeft: number | null }
  /** A code that was right once: a TOTP of a step already used, or a spent recovery code. */
  | { kind: 'replayed'; method: FactorMethod }
  | { kind: 'invalid' }
  | { kind: 'missing' };

export type Enrolment = { secret: string; otpauthUri: string; qrDataUrl: string };

/** One field that takes either (the backoffice's forms): six digits are a TOTP code, anything else a recovery code. */
export const typedFactor = (typed: string): SecondFactor => (/^\s*\d{3}\s?\d{3}\s*$/.test(typed) ? { totp: typed } : { recoveryCode: typed });

type Pool = Pick<pg.Pool, 'query' | 'connect'>;

const ACCEPT_STEP = `UPDATE operator_mfa SET last_used_step = $2
  WHERE operator_id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)`;

export function createMfaService({ pool, secretBox, logger, now = Date.now }: {
  pool: Pool;
  /** Seals the TOTP secrets written and opens those read (MFA_ENCRYPTION_KEY). */
  secretBox: SecretBox;
  /** Where a secret that does not open is reported (operator id only, never the value). */
  logger?: Pick<Logger, 'error'>;
  now?: () => number;
}) {
  /** The plain secret, or null (logged) when the stored value does not open: the caller refuses the code. */
  function openSecret(operatorId: number, stored: string): string | null {
    try {
      return secretBox.open(stored);
    } catch (err) {
      logger?.error(
        { operatorId, reason: (err as Error).message },
        'an operator\'s TOTP secret does not decrypt (wrong MFA_ENCRYPTION_KEY, tampered or unencrypted value): the code is refused',
      );
      return null;
    }
  }

  async function status(operatorId: number): Promise<{ isEnrolled: boolean; recoveryCodesLeft: number }> {
    const { rows } = await pool.query<{ confirmed: boolean | null; left: string }>(
      `SELECT (SELECT confirmed_at IS NOT NULL FROM operator_mfa WHERE operator_id = $1) AS confirmed,
              (SELECT count(*) FROM operator_recovery_codes WHERE operator_id = $1 AND used_at IS NULL) AS left`,
      [operatorId],
    );
    return { isEnrolled: rows[0]?.confirmed === true, recoveryCodesLeft: Number(rows[0]?.left ?? 0) };
  }

  async function isEnrolled(operatorId: number): Promise<boolean> {
    const { rows } = await pool.query({ name: 'mfa_is_enrolled', text: 'SELECT 1 FROM operator_mfa WHERE operator_id = $1 AND confirmed_at IS NOT NULL', values: [operatorId] });
    return rows.length > 0;
  }

  /** A new pending secret (replacing an unconfirmed one); 409 once an authenticator is confirmed. */
  async function beginEnrolment({ operatorId, email }: { operatorId: number; email: string }): Promise<Enrolment> {
    const secret = newTotpSecret();
    const { rowCount } = await pool.query(
      `INSERT INTO operator_mfa (operator_id, totp_secret) VALUES ($1, $2)
       ON CONFLICT (operator_id) DO UPDATE SET totp_secret = EXCLUDED.totp_secret, created_at = now(), last_used_step = NULL
       WHERE operator_mfa.confirmed_at IS NULL`,
      [operatorId, secretBox.seal(secret)],
    );
    if (rowCount === 0) throw conflict('mfa_already_enrolled', 'An authenticator is already set up; an administrator can reset it (npm run operator -- reset-mfa).');
    const otpauthUri = totpUri({ secret, email });
    return { secret, otpauthUri, qrDataUrl: await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 1, width: 240 }) };
  }

  /** The first code from the new authenticator confirms it; the recovery codes are returned once. */
  async function confirmEnrolment({ operatorId, totp }: { operatorId: number; totp: string }): Promise<{ kind: 'ok'; recoveryCodes: string[] } | { kind: 'invalid' }> {
    const { rows } = await pool.query<{ totp_secret: string }>('SELECT totp_secret FROM operator_mfa WHERE operator_id = $1 AND confirmed_at IS NULL', [operatorId]);
    if (!rows[0]) throw conflict('mfa_enrolment_not_started', 'Start the enrolment first (POST /api/session/mfa/enrol), or it is already confirmed.');
    const secret = openSecret(operatorId, rows[0].totp_secret);
    if (secret === null) return { kind: 'invalid' };
    const step = await matchTotp({ secret, code: totp, now: now() });
    if (step === null) return { kind: 'invalid' };
    const recoveryCodes = newRecoveryCodes();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // The secret checked is the one confirmed (the sealed value as read: each seal has its own IV,
      // so a concurrent re-enrolment's value differs and this update misses).
      const confirmed = await client.query(
        'UPDATE operator_mfa SET confirmed_at = now(), last_used_step = $3 WHERE operator_id = $1 AND totp_secret = $2 AND confirmed_at IS NULL',
        [operatorId, rows[0].totp_secret, step],
      );
      if (confirmed.rowCount !== 1) {
        await client.query('ROLLBACK');
        return { kind: 'invalid' };
      }
      await client.query('DELETE FROM operator_recovery_codes WHERE operator_id = $1', [operatorId]);
      await client.query(
        'INSERT INTO operator_recovery_codes (operator_id, code_hash) SELECT $1, unnest($2::text[])',
        [operatorId, recoveryCodes.map(hashRecoveryCode)],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return { kind: 'ok', recoveryCodes };
  }

  async function checkTotp(operatorId: number, code: string): Promise<FactorCheck> {
    const { rows } = await pool.query<{ totp_secret: string; last_used_step: number | null }>({
      name: 'mfa_secret', text: 'SELECT totp_secret, last_used_step FROM operator_mfa WHERE operator_id = $1 AND confirmed_at IS NOT NULL', values: [operatorId],
    });
    if (!rows[0]) return { kind: 'invalid' };
    const secret = openSecret(operatorId, rows[0].totp_secret);
    if (secret === null) return { kind: 'invalid' };
    const step = await matchTotp({ secret, code, now: now() });
    if (step === null) return { kind: 'invalid' };
    if (rows[0].last_used_step !== null && step <= rows[0].last_used_step) return { kind: 'replayed', method: 'totp' };
    const { rowCount } = await pool.query({ name: 'mfa_accept_step', text: ACCEPT_STEP, values: [operatorId, step] });
    // Zero rows: another request accepted this step (or a later one) in the meantime.
    return rowCount === 1 ? { kind: 'ok', method: 'totp', recoveryCodesLeft: null } : { kind: 'replayed', method: 'totp' };
  }

  async function checkRecoveryCode(operatorId: number, typed: string): Promise<FactorCheck> {
    const code = normalizeRecoveryCode(typed);
    if (!code) return { kind: 'invalid' };
    const { rows } = await pool.query<{ id: number; code_hash: string; is_used: boolean }>(
      'SELECT id, code_hash, used_at IS NOT NULL AS is_used FROM operator_recovery_codes WHERE operator_id = $1',
      [operatorId],
    );
    const match = rows.find((r) => isRecoveryCodeMatch(code, r.code_hash));
    if (!match) return { kind: 'invalid' };
    if (match.is_used) return { kind: 'replayed', method: 'recovery_code' };
    const { rowCount } = await pool.query('UPDATE operator_recovery_codes SET used_at = now() WHERE id = $1 AND used_at IS NULL', [match.id]);
    if (rowCount !== 1) return { kind: 'replayed', method: 'recovery_code' };
    return { kind: 'ok', method: 'recovery_code', recoveryCodesLeft: rows.filter((r) => !r.is_used).length - 1 };
  }

  /** Checks a confirmed operator's TOTP or, when no TOTP is given, recovery code; a match is spent. */
  async function verify(operatorId: number, factor: SecondFactor): Promise<FactorCheck> {
    if (factor.totp) return checkTotp(operatorId, factor.totp);
    if (factor.recoveryCode) return checkRecoveryCode(operatorId, factor.recoveryCode);
    return { kind: 'missing' };
  }

  /** Lost phone: the authenticator and its recovery codes go; the next login enrols again. */
  async function reset(operatorId: number): Promise<void> {
    await pool.query('DELETE FROM operator_recovery_codes WHERE operator_id = $1', [operatorId]);
    await pool.query('DELETE FROM operator_mfa WHERE operator_id = $1', [operatorId]);
  }

  return { status, isEnrolled, beginEnrolment, confirmEnrolment, verify, reset };
}

export type MfaService = ReturnType<typeof createMfaService>;

/**
 * Seals every TOTP secret still stored in clear (rows written before secrets were encrypted), in one
 * transaction; boot runs it after the migrations and before serving. Idempotent: sealed rows are
 * left alone, and a second instance starting at once waits on the row locks, then finds nothing.
 */
export async function sealPlaintextTotpSecrets({ pool, secretBox }: { pool: Pool; secretBox: SecretBox }): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ operator_id: number; totp_secret: string }>(
      `SELECT operator_id, totp_secret FROM operator_mfa WHERE totp_secret NOT LIKE 'v1:%' ORDER BY operator_id FOR UPDATE`,
    );
    if (rows.length > 0) {
      await client.query(
        `UPDATE operator_mfa m SET totp_secret = v.sealed FROM unnest($1::int[], $2::text[]) AS v(operator_id, sealed) WHERE m.operator_id = v.operator_id`,
        [rows.map((r) => r.operator_id), rows.map((r) => secretBox.seal(r.totp_secret))],
      );
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
