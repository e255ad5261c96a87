// The risk console's read side (seed 000 "Risk console"): open risk flags with their triggers,
// active payout holds, sellers' negative balance exposure with their scheduled payouts, and the
// velocity of the sellers shown. Every list reads an index or a read model and is bounded (limit);
// none scans the ledger or orders.
import { z } from 'zod/v4';
import type { ReadModelClient } from '../../../src/dashboard/dashboard-types.js';
import { decodeKey, keyPage, timeKeys } from '../../../src/http/keyset-cursor.js';
import { notFound } from '../../../src/http/errors.js';
import { sellerVelocity, type SellerVelocity } from './seller-velocity.js';
import { OPEN_ORGANIZATION_HOLD } from '../actions/hold-payouts.js';

type Page<T> = { items: T[]; nextCursor: string | null };
/** Lists newest first: the cursor is the last row's (time, id). */

export type RiskFlagRow = {
  id: number; entityType: string; entityId: string; orgId: number | null; orgName: string | null;
  kind: string; severity: 'low' | 'medium' | 'high'; trigger: string; raisedAt: Date; raisedBy: number | null; isAutomated: boolean;
};

/** Open flags, newest first (optionally one severity, one organization). */
export async function openRiskFlags(client: ReadModelClient, { severity, orgId, limit, cursor }: { severity?: string; orgId?: number; limit: number; cursor?: string }): Promise<Page<RiskFlagRow>> {
  const after = cursor ? decodeKey(cursor, timeKeys.int) : null;
  const { rows } = await client.query<RiskFlagRow>(
    `SELECT f.id, f.entity_type AS "entityType", f.entity_id AS "entityId", f.org_id AS "orgId", o.name AS "orgName", f.kind,
       f.severity, f."trigger", f.raised_at AS "raisedAt", f.raised_by AS "raisedBy", f.raised_by IS NULL AS "isAutomated"
     FROM risk_flags f LEFT JOIN organizations o ON o.id = f.org_id
     WHERE f.cleared_at IS NULL AND ($1::text IS NULL OR f.severity = $1::"RiskSeverity") AND ($2::int IS NULL OR f.org_id = $2)
       AND ($4::timestamptz IS NULL OR (f.raised_at, f.id) < ($4, $5::int))
     ORDER BY f.raised_at DESC, f.id DESC LIMIT $3`,
    [severity ?? null, orgId ?? null, limit + 1, after?.at ?? null, after?.id ?? null],
  );
  return keyPage(rows, limit, (r) => [r.raisedAt, r.id]);
}

export type PayoutHoldRow = {
  id: number; sellerOrgId: number; orgName: string; payoutId: number | null; payoutAmount: number | null; currency: string | null;
  reason: string; placedBy: number; placedAt: Date; scope: 'payout' | 'organization';
};

/** Holds not yet released, newest first. */
export async function activePayoutHolds(client: ReadModelClient, { orgId, limit, cursor }: { orgId?: number; limit: number; cursor?: string }): Promise<Page<PayoutHoldRow>> {
  const after = cursor ? decodeKey(cursor, timeKeys.int) : null;
  const { rows } = await client.query<PayoutHoldRow>(
    `SELECT h.id, h.seller_org_id AS "sellerOrgId", o.name AS "orgName", h.payout_id AS "payoutId", p.amount AS "payoutAmount",
       p.currency, h.reason, h.placed_by AS "placedBy", h.placed_at AS "placedAt",
       CASE WHEN h.payout_id IS NULL THEN 'organization' ELSE 'payout' END AS scope
     FROM payout_holds h JOIN organizations o ON o.id = h.seller_org_id LEFT JOIN payouts p ON p.id = h.payout_id
     WHERE h.released_at IS NULL AND ($1::int IS NULL OR h.seller_org_id = $1)
       AND ($3::timestamptz IS NULL OR (h.placed_at, h.id) < ($3, $4::int))
     ORDER BY h.placed_at DESC, h.id DESC LIMIT $2`,
    [orgId ?? null, limit + 1, after?.at ?? null, after?.id ?? null],
  );
  return keyPage(rows, limit, (r) => [r.placedAt, r.id]);
}

export type ExposureRow = {
  orgId: number; orgName: string; orgStatus: string; currency: string;
  /** The seller's ledger balance (negative: it owes the marketplace), minor units. */
  balance: number;
  /** Payouts still scheduled (not yet paid), and those held. */
  scheduledPayouts: number; heldPayouts: number;
  hasOpenHold: boolean; openFlags: number;
  velocity: SellerVelocity | null;
};

/** Sellers below zero, most negative first, from the balance read model (partial index on balance < 0). */
const exposureKey = z.tuple([z.number().int(), z.number().int().positive(), z.string().regex(/^[A-Z]{3}$/)]);

export async function negativeBalanceExposure(client: ReadModelClient, { limit, cursor, now }: { limit: number; cursor?: string; now: Date }): Promise<Page<ExposureRow> & { totals: { currency: string; exposure: number; sellers: number }[] }> {
  const [afterBalance, afterOrg, afterCurrency] = cursor ? decodeKey(cursor, exposureKey) : [null, null, null];
  const totals = await client.query<{ currency: string; exposure: string; sellers: string }>(
    `SELECT b.currency, -sum(b.balance) AS exposure, count(*) AS sellers
     FROM read_models.org_balances b JOIN organizations o ON o.id = b.org_id AND o.kind = 'seller'
     WHERE b.balance < 0 GROUP BY b.currency ORDER BY b.currency`,
  );
  const { rows } = await client.query<Omit<ExposureRow, 'velocity' | 'balance' | 'scheduledPayouts' | 'heldPayouts' | 'openFlags'> & Record<'balance' | 'scheduledPayouts' | 'heldPayouts' | 'openFlags', string>>(
    `SELECT b.org_id AS "orgId", o.name AS "orgName", o.status AS "orgStatus", b.currency, b.balance,
       (SELECT coalesce(sum(p.amount), 0) FROM payouts p WHERE p.seller_org_id = b.org_id AND p.currency = b.currency AND p.status = 'scheduled') AS "scheduledPayouts",
       (SELECT coalesce(sum(p.amount), 0) FROM payouts p WHERE p.seller_org_id = b.org_id AND p.currency = b.currency AND p.status = 'held') AS "heldPayouts",
       EXISTS (SELECT 1 FROM payout_holds h WHERE h.seller_org_id = b.org_id AND h.released_at IS NULL) AS "hasOpenHold",
       (SELECT count(*) FROM risk_flags f WHERE f.org_id = b.org_id AND f.cleared_at IS NULL) AS "openFlags"
     FROM read_models.org_balances b JOIN organizations o ON o.id = b.org_id AND o.kind = 'seller'
     WHERE b.balance < 0 AND ($2::bigint IS NULL OR (b.balance, b.org_id, b.currency) > ($2, $3::int, $4::varchar))
     ORDER BY b.balance, b.org_id, b.currency LIMIT $1`,
    [limit + 1, afterBalance, afterOrg, afterCurrency],
  );
  const page = keyPage(rows, limit, (r) => [Number(r.balance), r.orgId, r.currency]);
  const velocity = await sellerVelocity(client, { orgIds: page.items.map((r) => r.orgId), now });
  return {
    totals: totals.rows.map((t) => ({ currency: t.currency, exposure: Number(t.exposure), sellers: Number(t.sellers) })),
    items: page.items.map((r, i) => ({
      ...r, balance: Number(r.balance), scheduledPayouts: Number(r.scheduledPayouts), heldPayouts: Number(r.heldPayouts),
      openFlags: Number(r.openFlags), velocity: velocity[i] ?? null,
    })),
    nextCursor: page.nextCursor,
  };
}

/** One seller's risk picture: balance, velocity, open flags and holds. */
export async function sellerRisk(client: ReadModelClient, { orgId, now }: { orgId: number; now: Date }) {
  const [balances, [velocity], flags, holds] = await Promise.all([
    client.query<{ currency: string; balance: string }>('SELECT currency, balance FROM read_models.org_balances WHERE org_id = $1 ORDER BY currency', [orgId]),
    sellerVelocity(client, { orgIds: [orgId], now }),
    openRiskFlags(client, { orgId, limit: 100 }),
    activePayoutHolds(client, { orgId, limit: 100 }),
  ]);
  const { rows: [org] } = await client.query<{ id: number; name: string; kind: string; status: string; openOrganizationHoldId: number | null }>(
    `SELECT id, name, kind, status, (${OPEN_ORGANIZATION_HOLD('o.id')}) AS "openOrganizationHoldId" FROM organizations o WHERE id = $1`, [orgId]);
  if (!org) throw notFound(`No organization ${orgId}.`);
  return { org, balances: balances.rows.map((b) => ({ currency: b.currency, balance: Number(b.balance) })), velocity, flags: flags.items, holds: holds.items };
}
