// The disputes/claims console (seed 000): a page over the disputes read side and its routes under
// /api/consoles/disputes. The queue, one dispute with its checklist, money links and timeline; the
// actions are the runner's own forms (dispute.resolve, dispute.request_evidence,
// dispute.mark_evidence_received, order.refund, payout.hold, org.freeze).
import { fileURLToPath } from 'node:url';
import { z } from 'zod/v4';
import { defineConsole } from '../../../src/consoles/console-types.js';
import type { ActionDefinition } from '../../../src/actions/define-action.js';
import { consoleActionOffer, type ConsoleActionOffer } from './console-actions.js';
import { disputeDetail, type DisputeDetail } from './dispute-detail.js';
import { disputeQueue, disputeQueueQuery } from './disputes-queue.js';

/** The buttons of one dispute: its own actions, the order's refund, and the seller's hold and freeze, each where it applies now. */
function disputeActions(offer: ConsoleActionOffer, detail: DisputeDetail) {
  const missingEvidenceKinds = detail.checklist.filter((c) => c.state === 'missing').map((c) => c.kind);
  return {
    dispute: offer.forRecord({ entityType: 'dispute', resource: 'Dispute', state: { ...detail.dispute, missingEvidenceKinds } }),
    order: offer.forRecord({ entityType: 'order', resource: 'Order', state: detail.order, only: ['order.refund'] }),
    seller: offer.forRecord({ entityType: 'organization', resource: 'Organization', state: detail.seller, only: ['payout.hold', 'payout.release', 'org.freeze', 'org.unfreeze'] }),
  };
}

export const disputesConsole = (actions: readonly ActionDefinition[]) => defineConsole({
  id: 'disputes',
  title: 'Disputes console',
  navigation: 'Disputes',
  icon: 'AlertTriangle',
  permission: 'dispute.read',
  component: fileURLToPath(new URL('./components/disputes-console.tsx', import.meta.url)),
  routes: [
    {
      method: 'GET', path: '/queue',
      isRefusedDuringImpersonation: true,
      summary: 'Disputes by status and kind (default: open, awaiting evidence, under review), soonest SLA first, with the SLA clock and evidence progress; keyset-paginated',
      query: disputeQueueQuery,
      openapi: { responses: { 200: { description: '`{ now, items: [ { id, orderId, kind, status, slaDueAt, sla: { secondsLeft, isOverdue } | null, evidence: { requested, received, missing }, ... } ], nextCursor }`' } } },
      handler: async ({ query, services }) => {
        const now = new Date();
        return { now: now.toISOString(), ...(await disputeQueue(services.pool, query, now)) };
      },
    },
    {
      method: 'GET', path: '/disputes/:id',
      isRefusedDuringImpersonation: true,
      summary: 'One dispute: SLA clock, evidence checklist, order, refunds, chargebacks, the ledger entries that unwind it, timeline, and the actions the caller may run',
      params: z.strictObject({ id: z.coerce.number().int().positive().max(2_147_483_647) }),
      sample: { path: '/api/consoles/disputes/disputes/2147483647', status: 404 },
      handler: async ({ params, services, operator }) => {
        const detail = await disputeDetail(services.pool, { id: params.id, now: new Date() });
        return { ...detail, actions: disputeActions(consoleActionOffer({ actions, runner: services.runner, operator }), detail) };
      },
    },
  ],
});
