-- Support cases and the seller non-fulfilment workflow (issue 7, docs/adr/0017). Written by hand in
-- the shape prisma migrate diff gives; the backfill and the grants at the end are ours.

-- AlterEnum: system principals (committed before anything uses the value: no row here does).
ALTER TYPE "OperatorStatus" ADD VALUE 'system';

-- CreateEnum
CREATE TYPE "NonFulfilmentStage" AS ENUM ('notified', 'cancelled', 'resolved');

-- AlterTable
ALTER TABLE "support_cases" ADD COLUMN "first_responded_at" TIMESTAMPTZ(3),
ADD COLUMN "sla_breached_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "support_case_links" (
    "id" SERIAL NOT NULL,
    "case_id" INTEGER NOT NULL,
    "entity_type" VARCHAR(64) NOT NULL,
    "entity_id" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "support_case_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_non_fulfilments" (
    "id" SERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "seller_org_id" INTEGER NOT NULL,
    "stage" "NonFulfilmentStage" NOT NULL DEFAULT 'notified',
    "notified_at" TIMESTAMPTZ(3) NOT NULL,
    "grace_ends_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "notify_run_id" UUID,
    "cancel_run_id" UUID,

    CONSTRAINT "order_non_fulfilments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "seller_strikes" (
    "id" SERIAL NOT NULL,
    "seller_org_id" INTEGER NOT NULL,
    "order_id" INTEGER NOT NULL,
    "reason" VARCHAR(64) NOT NULL,
    "created_by" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "seller_strikes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "support_case_links_case_id_entity_type_entity_id_key" ON "support_case_links"("case_id", "entity_type", "entity_id");

-- CreateIndex
CREATE UNIQUE INDEX "order_non_fulfilments_order_id_key" ON "order_non_fulfilments"("order_id");

-- CreateIndex
CREATE INDEX "support_case_links_entity_type_entity_id_idx" ON "support_case_links"("entity_type", "entity_id");

-- CreateIndex
CREATE INDEX "order_non_fulfilments_stage_grace_ends_at_idx" ON "order_non_fulfilments"("stage", "grace_ends_at");

-- CreateIndex
CREATE INDEX "order_non_fulfilments_seller_org_id_idx" ON "order_non_fulfilments"("seller_org_id");

-- CreateIndex
CREATE INDEX "seller_strikes_seller_org_id_created_at_idx" ON "seller_strikes"("seller_org_id", "created_at");

-- CreateIndex
CREATE INDEX "seller_strikes_created_by_idx" ON "seller_strikes"("created_by");

-- CreateIndex
CREATE UNIQUE INDEX "seller_strikes_order_id_reason_key" ON "seller_strikes"("order_id", "reason");

-- CreateIndex
CREATE INDEX "orders_status_created_at_idx" ON "orders"("status", "created_at");

-- CreateIndex
CREATE INDEX "support_cases_status_sla_breached_at_idx" ON "support_cases"("status", "sla_breached_at");

-- CreateIndex
CREATE INDEX "support_cases_first_responded_at_sla_breached_at_sla_first__idx" ON "support_cases"("first_responded_at", "sla_breached_at", "sla_first_response_due_at");

-- AddForeignKey
ALTER TABLE "support_case_links" ADD CONSTRAINT "support_case_links_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "support_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_non_fulfilments" ADD CONSTRAINT "order_non_fulfilments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seller_strikes" ADD CONSTRAINT "seller_strikes_seller_org_id_fkey" FOREIGN KEY ("seller_org_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seller_strikes" ADD CONSTRAINT "seller_strikes_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seller_strikes" ADD CONSTRAINT "seller_strikes_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---- backfill: existing cases' single links become rows of the link table
INSERT INTO "support_case_links" ("case_id", "entity_type", "entity_id", "created_at")
SELECT id, 'order', order_id::text, created_at FROM "support_cases" WHERE order_id IS NOT NULL
UNION ALL SELECT id, 'organization', organization_id::text, created_at FROM "support_cases" WHERE organization_id IS NOT NULL
UNION ALL SELECT id, 'customer_user', customer_user_id::text, created_at FROM "support_cases" WHERE customer_user_id IS NOT NULL;

-- ---- the app role. Links are added and never changed; strikes are records of enforcement
-- (added, never changed or removed by the app); the workflow's state moves forward only.
GRANT SELECT, INSERT ON TABLE "support_case_links" TO opsdeck_app;
GRANT USAGE, SELECT ON SEQUENCE "support_case_links_id_seq" TO opsdeck_app;
REVOKE UPDATE, DELETE, TRUNCATE ON TABLE "support_case_links" FROM opsdeck_app;
GRANT SELECT, INSERT ON TABLE "seller_strikes" TO opsdeck_app;
REVOKE UPDATE, DELETE, TRUNCATE ON TABLE "seller_strikes" FROM opsdeck_app;
GRANT USAGE, SELECT ON SEQUENCE "seller_strikes_id_seq" TO opsdeck_app;
GRANT SELECT, INSERT, UPDATE ON TABLE "order_non_fulfilments" TO opsdeck_app;
GRANT USAGE, SELECT ON SEQUENCE "order_non_fulfilments_id_seq" TO opsdeck_app;
REVOKE DELETE, TRUNCATE ON TABLE "order_non_fulfilments" FROM opsdeck_app;

-- ---- the job queues of the scheduled sweeps (src/actions/scheduled-jobs.ts). pg-boss's cron sends
-- each tick through its own queue, which the app role could not create at run time. Singleton: one
-- sweep active at a time across instances; a failed sweep is simply the next tick's work.
SELECT pgboss.create_queue('__pgboss__send-it', '{"policy":"standard","retentionMinutes":1440}')
  WHERE NOT EXISTS (SELECT 1 FROM pgboss.queue WHERE name = '__pgboss__send-it');
SELECT pgboss.create_queue('marketplace-support-sla-sweep', '{"policy":"singleton","retryLimit":0,"expireInSeconds":300,"retentionMinutes":1440}');
SELECT pgboss.create_queue('marketplace-nonfulfilment-sweep', '{"policy":"singleton","retryLimit":0,"expireInSeconds":900,"retentionMinutes":1440}');
