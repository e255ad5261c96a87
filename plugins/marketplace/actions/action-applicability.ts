// When the marketplace's actions apply, as pure predicates over a target's state as read models
// show it (camelCase fields of its row, plus the few facts named here). Each action's `load` refuses
// with them (409 naming why) and its `appliesTo` offers it by them (console buttons), so what a
// console offers and what the runner accepts are one rule (define-action.ts `appliesTo`).
import { OPEN_DISPUTE_STATUSES } from '../consoles/case-sla.js';

type State = Readonly<Record<string, unknown>>;

/** Orders not yet shipped (order.cancel; the shipments that left are checked again under lock). */
export const CANCELLABLE_ORDER_STATUSES: readonly string[] = ['pending', 'paid'];
export const isCancellableOrder = (order: State) => CANCELLABLE_ORDER_STATUSES.includes(String(order.status));

/** Orders with a capture left to give back: a pending one has none, a cancelled or refunded one gave it all. */
export const REFUNDABLE_ORDER_STATUSES: readonly string[] = ['paid', 'shipped', 'delivered'];
export const isRefundableOrder = (order: State) => REFUNDABLE_ORDER_STATUSES.includes(String(order.status));

/** Paid and waiting for the seller's label (the non-fulfilment workflow's orders). */
export const isAwaitingLabel = (order: State) => order.status === 'paid';
/** `nonFulfilmentStage`: the order's non-fulfilment workflow stage, null when it has none. */
export const canStartNonFulfilment = (order: State) => isAwaitingLabel(order) && order.nonFulfilmentStage == null;
export const isNonFulfilmentNotified = (order: State) => order.nonFulfilmentStage === 'notified';

/** `openInvestigationId`: the shipment's open investigation, null when none (one at a time). */
export const hasOpenInvestigation = (shipment: State) => shipment.openInvestigationId != null;

/**
 * Why a label purchase cannot be re-attempted (`orderStatus`: the shipment's order's), or null
 * when it can: the order is over, the shipment has its label, or a purchase is already waiting.
 */
export function retryLabelRefusal(shipment: State): 'order_closed' | 'label_already_purchased' | 'label_purchase_pending' | null {
  if (shipment.orderStatus === 'cancelled' || shipment.orderStatus === 'refunded') return 'order_closed';
  if (shipment.trackingNumber != null) return 'label_already_purchased';
  if (shipment.labelRequestedAt != null) return 'label_purchase_pending';
  return null;
}

/** Disputes still worked: resolvable, and where evidence is asked for. */
export const isWorkedDispute = (dispute: State) => (OPEN_DISPUTE_STATUSES as readonly string[]).includes(String(dispute.status));
/** `missingEvidenceKinds`: evidence requested and not received yet. */
export const hasMissingEvidence = (dispute: State) => Array.isArray(dispute.missingEvidenceKinds) && dispute.missingEvidenceKinds.length > 0;

export const isActiveOrganization = (org: State) => org.status === 'active';
export const isFrozenOrganization = (org: State) => org.status === 'frozen';
/** `openOrganizationHoldId`: the seller's organization-wide payout hold not yet released, null when none. */
export const isHoldableSeller = (org: State) => org.kind === 'seller' && org.openOrganizationHoldId == null;
export const hasOrganizationHold = (org: State) => org.openOrganizationHoldId != null;

export const isOpenRiskFlag = (flag: State) => flag.clearedAt == null;
