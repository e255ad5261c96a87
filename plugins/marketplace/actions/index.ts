// The marketplace pack's operator actions, in the order GET /api/actions lists them.
import type { ActionDefinition } from '../../../src/actions/define-action.js';
import { customerUserSuspendAction } from './customer-user-suspend.js';
import { customerUserUnsuspendAction } from './customer-user-unsuspend.js';
import { disputeMarkEvidenceReceivedAction } from './dispute-mark-evidence-received.js';
import { disputeRequestEvidenceAction } from './dispute-request-evidence.js';
import { disputeResolveAction } from './dispute-resolve.js';
import { listingReinstateAction } from './listing-reinstate.js';
import { listingTakedownAction } from './listing-takedown.js';
import { orderCancelAction } from './order-cancel.js';
import { orderRefundAction } from './order-refund.js';
import { orgContainAction } from './org-contain.js';
import { orgFreezeAction } from './org-freeze.js';
import { orgUnfreezeAction } from './org-unfreeze.js';
import { payoutHoldAction } from './payout-hold.js';
import { payoutReleaseAction } from './payout-release.js';
import { riskFlagClearAction } from './risk-flag-clear.js';
import { riskFlagRaiseAction } from './risk-flag-raise.js';
import { caseOpenAction } from './case-open.js';
import { caseReassignAction } from './case-reassign.js';
import { caseAddNoteAction } from './case-add-note.js';
import { caseTransitionAction } from './case-transition.js';
import { orderNonFulfilmentNotifyAction } from './order-nonfulfilment-notify.js';
import { orderNonFulfilmentCancelAction } from './order-nonfulfilment-cancel.js';
import { shipmentRetryLabelAction } from './shipment-retry-label.js';
import { shipmentUpdateMetadataAction } from './shipment-update-metadata.js';
import { shipmentOpenInvestigationAction } from './shipment-open-investigation.js';
import { shipmentCloseInvestigationAction } from './shipment-close-investigation.js';

export { ORDER_REFUND_ACTION_ID, REFUND_SEED_LIMITS } from './order-refund.js';

export const marketplaceActions: ActionDefinition[] = [
  orderRefundAction,
  orderCancelAction,
  orgFreezeAction,
  orgUnfreezeAction,
  listingTakedownAction,
  listingReinstateAction,
  payoutHoldAction,
  payoutReleaseAction,
  riskFlagRaiseAction,
  riskFlagClearAction,
  customerUserSuspendAction,
  customerUserUnsuspendAction,
  orgContainAction,
  caseOpenAction,
  caseReassignAction,
  caseAddNoteAction,
  caseTransitionAction,
  orderNonFulfilmentNotifyAction,
  orderNonFulfilmentCancelAction,
  disputeResolveAction,
  disputeRequestEvidenceAction,
  disputeMarkEvidenceReceivedAction,
  shipmentRetryLabelAction,
  shipmentUpdateMetadataAction,
  shipmentOpenInvestigationAction,
  shipmentCloseInvestigationAction,
];
