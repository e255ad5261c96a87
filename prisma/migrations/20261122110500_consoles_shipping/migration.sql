-- The order/checkout and shipping consoles (docs/adr/0018-consoles.md): shipment metadata the
-- shipping actions change, investigations, and the partial indexes behind the console's queues.
-- The Prisma part matches prisma/schema; the partial indexes and the grants are written by hand
-- (Prisma 6 cannot express partial or expression indexes; tests/migrations.test.ts leaves them out
-- of its comparison and checks them by name).

-- CreateEnum
CREATE TYPE "ShipmentInvestigationKind" AS ENUM ('lost_in_transit', 'delivered_not_received', 'address_problem', 'label_problem', 'damaged', 'other');

-- CreateEnum
CREATE TYPE "ShipmentInvestigationStatus" AS ENUM ('open', 'closed');

-- AlterTable (nullable columns without defaults: no rewrite of a 10-million-row table)
ALTER TABLE "shipments" ADD COLUMN     "address_note" VARCHAR(500),
ADD COLUMN     "label_requested_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_tracking_update_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "shipment_investigations" (
    "id" SERIAL NOT NULL,
    "shipment_id" INTEGER NOT NULL,
    "kind" "ShipmentInvestigationKind" NOT NULL,
    "status" "ShipmentInvestigationStatus" NOT NULL DEFAULT 'open',
    "reason_code" VARCHAR(64) NOT NULL,
    "note" TEXT,
    "opened_by" INTEGER NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "shipment_investigations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "shipment_investigations_shipment_id_idx" ON "shipment_investigations"("shipment_id");

-- CreateIndex
CREATE INDEX "shipment_investigations_opened_by_idx" ON "shipment_investigations"("opened_by");

-- AddForeignKey
ALTER TABLE "shipment_investigations" ADD CONSTRAINT "shipment_investigations_shipment_id_fkey" FOREIGN KEY ("shipment_id") REFERENCES "shipments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipment_investigations" ADD CONSTRAINT "shipment_investigations_opened_by_fkey" FOREIGN KEY ("opened_by") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ---- by hand: at most one open investigation per shipment (shipment.open_investigation refuses a second)
CREATE UNIQUE INDEX "shipment_investigations_one_open_key" ON "shipment_investigations"("shipment_id") WHERE "status" = 'open';

-- ---- by hand: the shipping console's queues, newest first, keyset-paginated. Each index holds only
-- its queue's rows (a fraction of a percent of shipments), so a page is an index range read and
-- the bulk loader pays almost nothing for them. The predicates are the queries' (shipping-queues.ts).
CREATE INDEX "shipments_queue_label_failed_idx" ON "shipments"("created_at" DESC, "id" DESC) WHERE "failure_kind" = 'label_purchase_failed';
CREATE INDEX "shipments_queue_address_failed_idx" ON "shipments"("created_at" DESC, "id" DESC) WHERE "failure_kind" = 'address_validation_failed';
CREATE INDEX "shipments_queue_not_received_idx" ON "shipments"("created_at" DESC, "id" DESC) WHERE "failure_kind" = 'delivered_not_received';
-- Stale tracking: in flight, ordered by the last carrier event (or the ship time, or the creation
-- time, before the first one), oldest first; the threshold is a range condition on the same key.
CREATE INDEX "shipments_queue_tracking_stale_idx" ON "shipments"((COALESCE("last_tracking_update_at", "shipped_at", "created_at")), "id") WHERE "status" IN ('label_purchased', 'in_transit', 'exception') AND "delivered_at" IS NULL AND "tracking_number" IS NOT NULL;
-- Carrier x status counts of shipments on the move (label bought, in transit, exception): an
-- index-only scan of a few percent of shipments, never the whole table. Shipments waiting for a label,
-- delivered or returned are counted over a recent window through shipments_status_created_at_idx
-- (label_pending alone is ~3% of all shipments forever: the cancelled orders').
CREATE INDEX "shipments_open_carrier_status_idx" ON "shipments"("carrier", "status") WHERE "status" IN ('label_purchased', 'in_transit', 'exception');
-- Open not-received disputes, the second source of the delivered-but-not-received queue.
CREATE INDEX "disputes_open_not_received_idx" ON "disputes"("order_id") WHERE "kind" = 'not_received' AND "status" IN ('open', 'awaiting_evidence', 'under_review');

-- ---- the app role: open and close investigations, never delete one (default privileges would)
REVOKE DELETE, TRUNCATE ON TABLE "shipment_investigations" FROM opsdeck_app;
GRANT SELECT, INSERT, UPDATE ON TABLE "shipment_investigations" TO opsdeck_app;
GRANT USAGE, SELECT ON SEQUENCE "shipment_investigations_id_seq" TO opsdeck_app;
