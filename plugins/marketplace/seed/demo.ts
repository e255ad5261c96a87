// The marketplace demo data set: small, realistic, and the same for the same seed (faker is seeded
// and every id is assigned here), so screenshots, docs and tests can rely on it. Everything commits
// in one transaction: a failed demo seed leaves no half-built marketplace behind.
import { Faker, base, en } from '@faker-js/faker';
import type { SeedContext } from '../../../src/platform/plugin.js';
import { buildDemoCases } from './demo-cases.js';
import { buildDemoCommerce } from './demo-commerce.js';
import { createIdAllocator } from './demo-ids.js';
import { buildDemoParties } from './demo-parties.js';
import { createFakerRandom } from './random.js';
import { firstFreeIds, MARKETPLACE_TABLES, SEED_LOCK_KEY, syncSequences } from './sequences.js';

export async function seedDemo(ctx: SeedContext): Promise<void> {
  const { prisma, log, seed } = ctx;
  // A private, seeded instance: the shared `faker` is global state, and two demo seeds running at
  // once (parallel tests) would interleave its sequence and lose determinism.
  const faker = new Faker({ locale: [en, base], seed });
  const rng = createFakerRandom(faker);
  const nowMs = Date.now();

  const counts = await prisma.$transaction(async (tx) => {
    const query = (sql: string) => tx.$queryRawUnsafe<Array<Record<string, unknown>>>(sql);
    await query(`SELECT 1 AS locked FROM pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    // The core seeds operators; the demo only refers to them (freezes, holds, notes, decisions).
    const operatorIds = (await tx.operator.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((op) => op.id);
    if (operatorIds.length === 0) log.warn('marketplace demo seed: no operators yet, so no holds, notes or operator decisions');
    const ids = createIdAllocator(await firstFreeIds({ query, tables: MARKETPLACE_TABLES }));

    // ---- build every row in memory (all references resolved), then insert parents before children
    const parties = buildDemoParties({ faker, ids, operatorIds, nowMs });
    const commerce = buildDemoCommerce({ faker, rng, ids, parties, operatorIds, nowMs });
    const cases = buildDemoCases({ faker, ids, parties, commerce, operatorIds, nowMs });

    await tx.organization.createMany({ data: parties.organizations });
    await tx.customerUser.createMany({ data: parties.customerUsers });
    await tx.catalogItem.createMany({ data: parties.catalogItems });
    await tx.listing.createMany({ data: parties.listings });
    await tx.checkout.createMany({ data: commerce.checkouts });
    await tx.order.createMany({ data: commerce.orders });
    await tx.orderItem.createMany({ data: commerce.orderItems });
    await tx.shipment.createMany({ data: commerce.shipments });
    await tx.payment.createMany({ data: commerce.payments });
    await tx.paymentAllocation.createMany({ data: commerce.allocations });
    await tx.refund.createMany({ data: commerce.refunds });
    await tx.payout.createMany({ data: commerce.payouts });
    await tx.payoutHold.createMany({ data: commerce.payoutHolds });
    await tx.ledgerEntry.createMany({ data: [...commerce.ledgerEntries, ...cases.ledgerEntries] });
    await tx.dispute.createMany({ data: cases.disputes });
    await tx.disputeEvidence.createMany({ data: cases.disputeEvidence });
    await tx.supportCase.createMany({ data: cases.supportCases });
    await tx.supportCaseNote.createMany({ data: cases.supportCaseNotes });
    await tx.riskFlag.createMany({ data: cases.riskFlags });
    await tx.trustCase.createMany({ data: cases.trustCases });
    await tx.catalogChangeRequest.createMany({ data: cases.catalogChangeRequests });

    // Ids were chosen here, so the sequences must move past them before anyone inserts again.
    await syncSequences({ query, tables: MARKETPLACE_TABLES });
    // The shipping console's investigations: one on a stale parcel and one on a not-received one
    // (ids from their sequence; an operator opened them, so none without operators).
    const investigated = (['tracking_stale', 'delivered_not_received'] as const)
      .map((kind) => commerce.shipments.find((s) => s.failureKind === kind))
      .filter((s) => s !== undefined);
    const investigations = operatorIds.length === 0 ? [] : investigated.map((s, i) => ({
      shipmentId: s.id!, kind: i === 0 ? 'lost_in_transit' as const : 'delivered_not_received' as const, reasonCode: i === 0 ? 'tracking_stale' : 'buyer_report',
      note: 'Asked the carrier for a trace.', openedBy: operatorIds[0], openedAt: new Date(nowMs - (i + 1) * 3_600_000),
    }));
    await tx.shipmentInvestigation.createMany({ data: investigations });
    return {
      organizations: parties.organizations.length,
      customerUsers: parties.customerUsers.length,
      listings: parties.listings.length,
      checkouts: commerce.checkouts.length,
      orders: commerce.orders.length,
      shipments: commerce.shipments.length,
      shipmentInvestigations: investigations.length,
      refunds: commerce.refunds.length,
      disputes: cases.disputes.length,
      supportCases: cases.supportCases.length,
    };
  }, { maxWait: 10_000, timeout: 120_000 });

  log.info({ rows: counts, seed }, 'marketplace demo seed: done');
}
