-- The Ops Action Center pack (issue 8, docs/adr/0020). Written by hand in the shape prisma migrate
-- diff gives; the grants at the end are ours. The tables stay when the pack is disabled.

-- CreateTable
CREATE TABLE "ac_orders" (
    "id" SERIAL NOT NULL,
    "shopify_id" VARCHAR(32) NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "email" VARCHAR(320),
    "customer_name" VARCHAR(200),
    "currency" CHAR(3) NOT NULL,
    "total_amount" INTEGER NOT NULL,
    "financial_status" VARCHAR(32) NOT NULL,
    "fulfillment_status" VARCHAR(32) NOT NULL,
    "cancelled_at" TIMESTAMPTZ(3),
    "shopify_created_at" TIMESTAMPTZ(3) NOT NULL,
    "shopify_updated_at" TIMESTAMPTZ(3) NOT NULL,
    "ingested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ac_orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ac_order_context_snapshots" (
    "order_id" INTEGER NOT NULL,
    "shopify_updated_at" TIMESTAMPTZ(3) NOT NULL,
    "source" VARCHAR(64) NOT NULL,
    "context" JSONB NOT NULL,
    "captured_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ac_order_context_snapshots_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "ac_order_timeline_events" (
    "id" BIGSERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "event_key" VARCHAR(200) NOT NULL,
    "type" VARCHAR(64) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ac_order_timeline_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ac_webhook_deliveries" (
    "webhook_id" VARCHAR(100) NOT NULL,
    "topic" VARCHAR(64) NOT NULL,
    "shopify_id" VARCHAR(32),
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ac_webhook_deliveries_pkey" PRIMARY KEY ("webhook_id")
);

-- CreateTable
CREATE TABLE "ac_tickets" (
    "id" SERIAL NOT NULL,
    "subject" VARCHAR(200) NOT NULL,
    "status" VARCHAR(16) NOT NULL DEFAULT 'open',
    "assignee_operator_id" INTEGER,
    "order_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ac_tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ac_tasks" (
    "id" SERIAL NOT NULL,
    "ticket_id" INTEGER NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "body" TEXT,
    "external_ref" VARCHAR(100) NOT NULL,
    "created_by_operator_id" INTEGER NOT NULL,
    "run_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ac_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ac_orders_shopify_id_key" ON "ac_orders"("shopify_id");

-- CreateIndex
CREATE INDEX "ac_orders_name_idx" ON "ac_orders"("name");

-- CreateIndex
CREATE INDEX "ac_order_timeline_events_order_id_occurred_at_idx" ON "ac_order_timeline_events"("order_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "ac_order_timeline_events_order_id_event_key_key" ON "ac_order_timeline_events"("order_id", "event_key");

-- CreateIndex
CREATE INDEX "ac_tickets_status_created_at_idx" ON "ac_tickets"("status", "created_at");

-- CreateIndex
CREATE INDEX "ac_tickets_assignee_operator_id_created_at_idx" ON "ac_tickets"("assignee_operator_id", "created_at");

-- CreateIndex
CREATE INDEX "ac_tickets_order_id_idx" ON "ac_tickets"("order_id");

-- CreateIndex
CREATE INDEX "ac_tasks_ticket_id_idx" ON "ac_tasks"("ticket_id");

-- AddForeignKey
ALTER TABLE "ac_order_context_snapshots" ADD CONSTRAINT "ac_order_context_snapshots_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "ac_orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ac_order_timeline_events" ADD CONSTRAINT "ac_order_timeline_events_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "ac_orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ac_tickets" ADD CONSTRAINT "ac_tickets_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "ac_orders"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ac_tasks" ADD CONSTRAINT "ac_tasks_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "ac_tickets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Grants: the timeline and tasks are append-only for the app; the cache (orders, snapshots,
-- tickets) is updated in place; nothing of the pack is deleted by the app.
REVOKE DELETE, TRUNCATE ON TABLE "ac_orders", "ac_order_context_snapshots", "ac_order_timeline_events", "ac_webhook_deliveries", "ac_tickets", "ac_tasks" FROM opsdeck_app;
REVOKE UPDATE ON TABLE "ac_order_timeline_events", "ac_webhook_deliveries", "ac_tasks" FROM opsdeck_app;
GRANT SELECT, INSERT, UPDATE ON TABLE "ac_orders", "ac_order_context_snapshots", "ac_tickets" TO opsdeck_app;
GRANT SELECT, INSERT ON TABLE "ac_order_timeline_events", "ac_webhook_deliveries", "ac_tasks" TO opsdeck_app;
GRANT USAGE, SELECT ON SEQUENCE "ac_orders_id_seq", "ac_order_timeline_events_id_seq", "ac_tickets_id_seq", "ac_tasks_id_seq" TO opsdeck_app;
