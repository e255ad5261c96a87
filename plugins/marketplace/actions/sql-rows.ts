// Plain SQL with Prisma-shaped rows, for the marketplace actions. `ctx.sql` costs about a tenth of
// a Prisma call, which is what lets the hot actions (refund, takedown) fit their CPU budget; but
// the rows still go into audit before/after and event payloads, where they must look as Prisma's
// did. So each table's select list maps every field of its Prisma model to its column, typed
// against the model: a field missing or misspelt here is a compile error, not a quietly different
// audit row. pg gives the same value types Prisma did for these columns (int4 as number,
// timestamptz as Date, enums and text as strings).
import type { CustomerUser, Dispute, DisputeEvidence, LedgerEntry, Listing, Order, Organization, Payment, Payout, PayoutHold, Refund, RiskFlag, Shipment, ShipmentInvestigation } from '@prisma/client';
import type { SqlTag } from '../../../src/actions/define-action.js';

/** Text spliced into a statement as is: only this pack's constants (column lists, table names, lock modes), never input. */
export class SqlText {
  constructor(readonly text: string) {}
}

/**
 * `ctx.sql` that also takes SqlText values and splices them into the text (a column list is not a
 * value); every other value stays a $n parameter.
 */
export function withSqlText(sql: SqlTag): SqlTag {
  return <T,>(strings: TemplateStringsArray, ...values: unknown[]) => {
    const parts = [strings[0]];
    const params: unknown[] = [];
    values.forEach((value, i) => {
      if (value instanceof SqlText) parts[parts.length - 1] += value.text + strings[i + 1];
      else {
        params.push(value);
        parts.push(strings[i + 1]);
      }
    });
    return sql<T>(Object.assign(parts, { raw: parts }), ...params);
  };
}

/** Every field of a model, mapped to its column. */
type Columns<T> = { [K in keyof T]-?: string };

/** `alias.column AS "field", ...` for a model; without an alias, bare columns (RETURNING, one-table SELECTs). */
export type SelectList = (alias?: string) => SqlText;

function selectList<T>(columns: Columns<T>): SelectList {
  const lists = new Map<string, SqlText>(); // built once per alias: they sit on hot paths
  return (alias = '') => {
    let list = lists.get(alias);
    if (!list) {
      const prefix = alias ? `${alias}.` : '';
      list = new SqlText(Object.entries<string>(columns).map(([field, column]) => `${prefix}"${column}" AS "${field}"`).join(', '));
      lists.set(alias, list);
    }
    return list;
  };
}

export const orderColumns = selectList<Order>({
  id: 'id', checkoutId: 'checkout_id', sellerOrgId: 'seller_org_id', buyerUserId: 'buyer_user_id', status: 'status',
  subtotalAmount: 'subtotal_amount', shippingCreditAmount: 'shipping_credit_amount', totalAmount: 'total_amount',
  currency: 'currency', createdAt: 'created_at', cancelledAt: 'cancelled_at',
});

export const paymentColumns = selectList<Payment>({
  id: 'id', checkoutId: 'checkout_id', provider: 'provider', paymentIntentRef: 'payment_intent_ref', chargeRef: 'charge_ref',
  amount: 'amount', currency: 'currency', status: 'status', createdAt: 'created_at',
});

export const refundColumns = selectList<Refund>({
  id: 'id', orderId: 'order_id', paymentId: 'payment_id', providerRef: 'provider_ref', amount: 'amount', currency: 'currency',
  status: 'status', reasonCode: 'reason_code', createdAt: 'created_at',
});

export const ledgerEntryColumns = selectList<LedgerEntry>({
  id: 'id', orgId: 'org_id', orderId: 'order_id', kind: 'kind', amount: 'amount', currency: 'currency', createdAt: 'created_at',
});

export const listingColumns = selectList<Listing>({
  id: 'id', sellerOrgId: 'seller_org_id', title: 'title', priceAmount: 'price_amount', currency: 'currency', status: 'status',
  takedownAt: 'takedown_at', takedownBy: 'takedown_by', takedownReason: 'takedown_reason', catalogItemId: 'catalog_item_id',
  createdAt: 'created_at',
});

export const organizationColumns = selectList<Organization>({
  id: 'id', kind: 'kind', name: 'name', domain: 'domain', status: 'status', frozenAt: 'frozen_at', frozenBy: 'frozen_by',
  freezeReason: 'freeze_reason', createdAt: 'created_at',
});

export const payoutColumns = selectList<Payout>({
  id: 'id', sellerOrgId: 'seller_org_id', amount: 'amount', currency: 'currency', status: 'status',
  scheduledFor: 'scheduled_for', paidAt: 'paid_at', createdAt: 'created_at',
});

export const payoutHoldColumns = selectList<PayoutHold>({
  id: 'id', payoutId: 'payout_id', sellerOrgId: 'seller_org_id', reason: 'reason', placedBy: 'placed_by', placedAt: 'placed_at',
  releasedAt: 'released_at', releasedBy: 'released_by',
});

export const riskFlagColumns = selectList<RiskFlag>({
  id: 'id', entityType: 'entity_type', entityId: 'entity_id', orgId: 'org_id', kind: 'kind', severity: 'severity',
  trigger: 'trigger', raisedAt: 'raised_at', raisedBy: 'raised_by', clearedAt: 'cleared_at', clearedBy: 'cleared_by',
});

export const customerUserColumns = selectList<CustomerUser>({
  id: 'id', email: 'email', name: 'name', phone: 'phone', organizationId: 'organization_id', status: 'status',
  suspendedAt: 'suspended_at', suspendedBy: 'suspended_by', suspendReason: 'suspend_reason', createdAt: 'created_at',
});

export const disputeColumns = selectList<Dispute>({
  id: 'id', orderId: 'order_id', kind: 'kind', status: 'status', slaDueAt: 'sla_due_at', resolution: 'resolution',
  resolvedAt: 'resolved_at', createdAt: 'created_at',
});

export const disputeEvidenceColumns = selectList<DisputeEvidence>({
  id: 'id', disputeId: 'dispute_id', kind: 'kind', description: 'description', isReceived: 'is_received',
  receivedAt: 'received_at', createdAt: 'created_at',
});

export const shipmentColumns = selectList<Shipment>({
  id: 'id', orderId: 'order_id', carrier: 'carrier', trackingNumber: 'tracking_number', status: 'status', labelCostAmount: 'label_cost_amount',
  shippingCreditAmount: 'shipping_credit_amount', currency: 'currency', failureKind: 'failure_kind', shippedAt: 'shipped_at',
  deliveredAt: 'delivered_at', createdAt: 'created_at', lastTrackingUpdateAt: 'last_tracking_update_at', addressNote: 'address_note',
  labelRequestedAt: 'label_requested_at',
});

export const shipmentInvestigationColumns = selectList<ShipmentInvestigation>({
  id: 'id', shipmentId: 'shipment_id', kind: 'kind', status: 'status', reasonCode: 'reason_code', note: 'note', openedBy: 'opened_by',
  openedAt: 'opened_at', closedAt: 'closed_at', closedBy: 'closed_by', resolution: 'resolution',
});
