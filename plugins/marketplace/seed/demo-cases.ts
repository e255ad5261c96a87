// Demo work queues: disputes with evidence checklists and SLAs (some overdue), support cases in every
// status with internal notes, risk flags, trust cases and catalog change requests. Rows that need
// an operator (notes, decisions) are only made when the core seed has created operators.
import type { Faker } from '@faker-js/faker';
import type { Prisma } from '@prisma/client';
import type { DemoCommerce, DemoOrder } from './demo-commerce.js';
import type { DemoParties } from './demo-parties.js';
import type { IdAllocator } from './demo-ids.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

type EvidenceKind = Prisma.DisputeEvidenceCreateManyInput['kind'];
const CHECKLISTS: Record<'claim' | 'chargeback' | 'not_received', EvidenceKind[]> = {
  not_received: ['tracking_proof', 'carrier_report', 'buyer_statement'],
  claim: ['item_photos', 'buyer_statement', 'seller_statement'],
  chargeback: ['receipt', 'tracking_proof', 'delivery_photo'],
};
const DISPUTE_STATUSES = ['open', 'awaiting_evidence', 'under_review', 'resolved', 'closed'] as const;
const CASE_STATUSES = ['open', 'waiting_on_buyer', 'waiting_on_seller', 'resolved', 'closed'] as const;
const CASE_SUBJECTS = [
  'Where is my order?', 'Tracking has not updated in 6 days', 'Item arrived damaged', 'Wrong card in the package',
  'Charged twice for one checkout', 'Seller has not shipped after 4 days', 'Request to cancel order',
  'Refund not received yet', 'Buyer asking to ship outside the platform', 'Payout missing this week',
] as const;
const NOTE_BODIES = [
  'Checked carrier status: last scan at origin facility.', 'Asked the seller for proof of shipment.',
  'Buyer confirmed the address; reshipment requested.', 'Escalated to finance for the duplicate charge.',
  'Refund issued per policy; waiting for the provider to settle.', 'Seller replied with photos, attached to the dispute.',
] as const;

export type DemoCases = {
  disputes: Prisma.DisputeCreateManyInput[];
  disputeEvidence: Prisma.DisputeEvidenceCreateManyInput[];
  supportCases: Prisma.SupportCaseCreateManyInput[];
  supportCaseNotes: Prisma.SupportCaseNoteCreateManyInput[];
  riskFlags: Prisma.RiskFlagCreateManyInput[];
  trustCases: Prisma.TrustCaseCreateManyInput[];
  catalogChangeRequests: Prisma.CatalogChangeRequestCreateManyInput[];
  ledgerEntries: Prisma.LedgerEntryCreateManyInput[];
};

export function buildDemoCases({ faker, ids, parties, commerce, operatorIds, nowMs }: {
  faker: Faker; ids: IdAllocator; parties: DemoParties; commerce: DemoCommerce; operatorIds: number[]; nowMs: number;
}): DemoCases {
  const out: DemoCases = {
    disputes: [], disputeEvidence: [], supportCases: [], supportCaseNotes: [], riskFlags: [], trustCases: [],
    catalogChangeRequests: [], ledgerEntries: [],
  };
  // Draws from faker even without operators, so the rest of the data does not depend on them.
  const operator = () => {
    const draw = faker.number.int(1_000_000);
    return operatorIds.length > 0 ? operatorIds[draw % operatorIds.length] : null;
  };
  const after = (ms: number, minHours: number, maxHours: number) =>
    new Date(Math.min(nowMs, ms + faker.number.int({ min: minHours * HOUR_MS, max: maxHours * HOUR_MS })));
  const delivered = commerce.demoOrders.filter((order) => order.story.status === 'delivered' || order.story.status === 'refunded');

  // ---- disputes: every delivered-not-received order, plus claims and chargebacks on delivered ones
  const disputed: Array<[DemoOrder, 'claim' | 'chargeback' | 'not_received']> = [
    ...delivered.filter((order) => order.story.failure === 'delivered_not_received').map((order) => [order, 'not_received'] as [DemoOrder, 'not_received']),
    ...faker.helpers.arrayElements(delivered.filter((order) => !order.story.failure), 12)
      .map((order, i) => [order, i % 4 === 0 ? 'chargeback' : 'claim'] as [DemoOrder, 'claim' | 'chargeback']),
  ];
  disputed.forEach(([order, kind], i) => {
    const createdAt = after(order.createdMs, 72, 240);
    const status = DISPUTE_STATUSES[i % DISPUTE_STATUSES.length];
    const isDone = status === 'resolved' || status === 'closed';
    const id = ids.next('disputes');
    out.disputes.push({
      id, orderId: order.id, kind, status, createdAt,
      // Half the open ones are past their SLA, so the queue's overdue filter has something to show.
      slaDueAt: new Date(i % 2 === 0 && !isDone ? nowMs - faker.number.int({ min: 2, max: 48 }) * HOUR_MS : createdAt.getTime() + 5 * DAY_MS),
      resolution: isDone ? faker.helpers.arrayElement(['refunded_in_full', 'refunded_partially', 'seller_favoured', 'withdrawn'] as const) : null,
      resolvedAt: isDone ? after(createdAt.getTime(), 24, 96) : null,
    });
    CHECKLISTS[kind].forEach((evidenceKind, e) => {
      const isReceived = isDone || e < i % 3;
      out.disputeEvidence.push({
        id: ids.next('dispute_evidence'), disputeId: id, kind: evidenceKind, createdAt,
        description: `${evidenceKind.replace(/_/g, ' ')} requested from ${evidenceKind.startsWith('buyer') ? 'buyer' : 'seller'}`,
        isReceived, receivedAt: isReceived ? after(createdAt.getTime(), 2, 48) : null,
      });
    });
    if (kind === 'chargeback') out.ledgerEntries.push({ id: ids.next('ledger_entries'), orgId: order.sellerOrgId, orderId: order.id, kind: 'chargeback', amount: -order.total, currency: 'USD', createdAt });
  });

  // ---- support cases in every status, most with notes
  for (let i = 0; i < 25; i++) {
    const order = faker.helpers.arrayElement(commerce.demoOrders);
    const status = CASE_STATUSES[i % CASE_STATUSES.length];
    const createdMs = nowMs - faker.number.int({ min: 1, max: 20 * 24 }) * HOUR_MS;
    const id = ids.next('support_cases');
    out.supportCases.push({
      id, subject: CASE_SUBJECTS[i % CASE_SUBJECTS.length], status,
      priority: faker.helpers.arrayElement(['low', 'normal', 'normal', 'high', 'urgent'] as const),
      assigneeOperatorId: status === 'open' && i % 2 === 0 ? null : operator(),
      orderId: i % 6 === 5 ? null : order.id, organizationId: i % 3 === 0 ? order.sellerOrgId : order.buyerOrgId,
      customerUserId: order.buyerUserId, slaFirstResponseDueAt: new Date(createdMs + 24 * HOUR_MS),
      createdAt: new Date(createdMs), updatedAt: after(createdMs, 1, 72),
    });
    if (operatorIds.length === 0) continue;
    for (let n = 0; n < i % 4; n++) {
      out.supportCaseNotes.push({
        id: ids.next('support_case_notes'), caseId: id, authorOperatorId: operatorIds[(i + n) % operatorIds.length],
        body: NOTE_BODIES[(i + n) % NOTE_BODIES.length], createdAt: after(createdMs, n * 4, n * 4 + 3),
      });
    }
  }

  buildRiskAndTrust({ faker, ids, parties, commerce, operator, nowMs, out });
  return out;
}

function buildRiskAndTrust({ faker, ids, parties, commerce, operator, nowMs, out }: {
  faker: Faker; ids: IdAllocator; parties: DemoParties; commerce: DemoCommerce; operator: () => number | null;
  nowMs: number; out: DemoCases;
}) {
  const ago = (hours: number) => new Date(nowMs - hours * HOUR_MS);
  const takenDown = parties.listings.filter((listing) => listing.status === 'taken_down');
  const suspendedUser = parties.customerUsers.find((user) => user.status === 'suspended')!;
  const order = commerce.demoOrders[10];
  const payment = commerce.payments[20];
  const flag = (entityType: Prisma.RiskFlagCreateManyInput['entityType'], entityId: number, orgId: number | null,
    kind: string, severity: 'low' | 'medium' | 'high', trigger: string, hours: number, isCleared = false) => {
    out.riskFlags.push({
      id: ids.next('risk_flags'), entityType, entityId: String(entityId), orgId, kind, severity, trigger,
      raisedAt: ago(hours), raisedBy: kind === 'manual_review' ? operator() : null,
      clearedAt: isCleared ? ago(hours - 6) : null, clearedBy: isCleared ? operator() : null,
    });
  };
  flag('organization', parties.frozenSellerId, parties.frozenSellerId, 'chargeback_rate', 'high', 'chargebacks > 5% of orders over 30 days', 150);
  flag('organization', parties.sellerIds[6], parties.sellerIds[6], 'order_velocity', 'medium', '> 10 orders over $300 from new buyers within 2h', 22);
  flag('organization', parties.sellerIds[2], parties.sellerIds[2], 'bank_account_change', 'medium', 'payout account changed twice in 24h', 720, true);
  flag('customer_user', suspendedUser.id!, suspendedUser.organizationId, 'card_testing', 'high', '6 failed payment attempts in 10 minutes', 40);
  flag('listing', takenDown[0].id!, takenDown[0].sellerOrgId, 'price_anomaly', 'low', 'price 80% below category median', 300, true);
  flag('order', order.id, order.buyerOrgId, 'address_mismatch', 'low', 'shipping address 900 km from billing address', 70);
  flag('payment', payment.id!, null, 'manual_review', 'medium', 'raised by support after a duplicate charge report', 30);

  const trust = (kind: Prisma.TrustCaseCreateManyInput['kind'], status: Prisma.TrustCaseCreateManyInput['status'],
    subject: { org?: number; user?: number; listing?: number }, hours: number) =>
    out.trustCases.push({
      id: ids.next('trust_cases'), kind, status, createdAt: ago(hours),
      subjectOrgId: subject.org ?? null, subjectUserId: subject.user ?? null, subjectListingId: subject.listing ?? null,
    });
  takenDown.forEach((listing, i) =>
    trust(i % 2 === 0 ? 'counterfeit' : 'prohibited_item', 'actioned', { org: listing.sellerOrgId, listing: listing.id }, 48 + i * 24));
  trust('fraud', 'investigating', { user: suspendedUser.id, org: suspendedUser.organizationId }, 36);
  trust('misrepresentation', 'open', { org: parties.sellerIds[8] }, 5);
  trust('harassment', 'dismissed', { user: parties.buyerUserIds[3] }, 400);

  // ---- catalog change requests in every status; a null item proposes a new one
  const statuses = ['pending', 'pending', 'approved', 'rejected', 'published', 'pending', 'published', 'rejected'] as const;
  statuses.forEach((status, i) => {
    const item = i === 5 ? null : parties.catalogItems[(i * 7) % parties.catalogItems.length];
    const isDecided = status !== 'pending';
    const decidedBy = isDecided ? operator() : null;
    out.catalogChangeRequests.push({
      id: ids.next('catalog_change_requests'), catalogItemId: item?.id ?? null,
      proposedByOrgId: parties.sellerIds[i % parties.sellerIds.length], status, createdAt: ago(24 * (10 - i)),
      changes: item ? { name: `${item.name} (2nd print)`, category: item.category }
        : { name: faker.commerce.productName(), category: 'Sealed boxes', sku: 'proposed' },
      decidedBy, decidedAt: isDecided && decidedBy !== null ? ago(24 * (9 - i)) : null,
    });
  });
}
