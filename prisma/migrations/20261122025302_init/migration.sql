-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OperatorStatus" AS ENUM ('active', 'disabled');

-- CreateEnum
CREATE TYPE "OrganizationKind" AS ENUM ('buyer', 'seller');

-- CreateEnum
CREATE TYPE "OrganizationStatus" AS ENUM ('active', 'frozen', 'closed');

-- CreateEnum
CREATE TYPE "CustomerUserStatus" AS ENUM ('active', 'suspended');

-- CreateEnum
CREATE TYPE "ListingStatus" AS ENUM ('draft', 'active', 'taken_down', 'sold_out');

-- CreateEnum
CREATE TYPE "CatalogItemStatus" AS ENUM ('active', 'deprecated');

-- CreateEnum
CREATE TYPE "CheckoutStatus" AS ENUM ('pending', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded');

-- CreateEnum
CREATE TYPE "ShipmentStatus" AS ENUM ('label_pending', 'label_purchased', 'in_transit', 'delivered', 'exception', 'returned');

-- CreateEnum
CREATE TYPE "ShipmentFailureKind" AS ENUM ('label_purchase_failed', 'address_validation_failed', 'tracking_stale', 'delivered_not_received');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('pending', 'succeeded', 'failed', 'partially_refunded', 'refunded');

-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('pending', 'succeeded', 'failed');

-- CreateEnum
CREATE TYPE "PayoutStatus" AS ENUM ('scheduled', 'held', 'paid', 'failed');

-- CreateEnum
CREATE TYPE "LedgerEntryKind" AS ENUM ('sale', 'fee', 'refund', 'payout', 'adjustment', 'chargeback');

-- CreateEnum
CREATE TYPE "DisputeKind" AS ENUM ('claim', 'chargeback', 'not_received');

-- CreateEnum
CREATE TYPE "DisputeStatus" AS ENUM ('open', 'awaiting_evidence', 'under_review', 'resolved', 'closed');

-- CreateEnum
CREATE TYPE "DisputeResolution" AS ENUM ('refunded_in_full', 'refunded_partially', 'seller_favoured', 'withdrawn');

-- CreateEnum
CREATE TYPE "EvidenceKind" AS ENUM ('tracking_proof', 'delivery_photo', 'item_photos', 'receipt', 'buyer_statement', 'seller_statement', 'carrier_report');

-- CreateEnum
CREATE TYPE "SupportCaseStatus" AS ENUM ('open', 'waiting_on_buyer', 'waiting_on_seller', 'resolved', 'closed');

-- CreateEnum
CREATE TYPE "SupportCasePriority" AS ENUM ('low', 'normal', 'high', 'urgent');

-- CreateEnum
CREATE TYPE "RiskEntityType" AS ENUM ('organization', 'customer_user', 'listing', 'order', 'payment');

-- CreateEnum
CREATE TYPE "RiskSeverity" AS ENUM ('low', 'medium', 'high');

-- CreateEnum
CREATE TYPE "TrustCaseKind" AS ENUM ('counterfeit', 'prohibited_item', 'misrepresentation', 'fraud', 'harassment', 'policy_violation');

-- CreateEnum
CREATE TYPE "TrustCaseStatus" AS ENUM ('open', 'investigating', 'actioned', 'dismissed');

-- CreateEnum
CREATE TYPE "CatalogChangeStatus" AS ENUM ('pending', 'approved', 'rejected', 'published');

-- CreateTable
CREATE TABLE "operators" (
    "id" SERIAL NOT NULL,
    "email" VARCHAR(320) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "password_hash" TEXT NOT NULL,
    "status" "OperatorStatus" NOT NULL DEFAULT 'active',
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "operators_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "roles" (
    "id" SERIAL NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "permissions" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "roles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operator_roles" (
    "operator_id" INTEGER NOT NULL,
    "role_id" INTEGER NOT NULL,
    "granted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operator_roles_pkey" PRIMARY KEY ("operator_id","role_id")
);

-- CreateTable
CREATE TABLE "operator_sessions" (
    "sid" VARCHAR NOT NULL,
    "sess" JSON NOT NULL,
    "expire" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "operator_sessions_pkey" PRIMARY KEY ("sid")
);

-- CreateTable
CREATE TABLE "organizations" (
    "id" SERIAL NOT NULL,
    "kind" "OrganizationKind" NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "domain" VARCHAR(255),
    "status" "OrganizationStatus" NOT NULL DEFAULT 'active',
    "frozen_at" TIMESTAMPTZ(3),
    "frozen_by" INTEGER,
    "freeze_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer_users" (
    "id" SERIAL NOT NULL,
    "email" VARCHAR(320) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "phone" VARCHAR(32),
    "organization_id" INTEGER NOT NULL,
    "status" "CustomerUserStatus" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog_items" (
    "id" SERIAL NOT NULL,
    "sku" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "category" VARCHAR(100) NOT NULL,
    "status" "CatalogItemStatus" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "listings" (
    "id" SERIAL NOT NULL,
    "seller_org_id" INTEGER NOT NULL,
    "title" VARCHAR(300) NOT NULL,
    "price_amount" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "status" "ListingStatus" NOT NULL DEFAULT 'draft',
    "takedown_at" TIMESTAMPTZ(3),
    "takedown_by" INTEGER,
    "takedown_reason" TEXT,
    "catalog_item_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "listings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checkouts" (
    "id" SERIAL NOT NULL,
    "buyer_user_id" INTEGER NOT NULL,
    "buyer_org_id" INTEGER NOT NULL,
    "total_amount" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "status" "CheckoutStatus" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checkouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" SERIAL NOT NULL,
    "checkout_id" INTEGER NOT NULL,
    "seller_org_id" INTEGER NOT NULL,
    "buyer_user_id" INTEGER NOT NULL,
    "status" "OrderStatus" NOT NULL DEFAULT 'pending',
    "subtotal_amount" INTEGER NOT NULL,
    "shipping_credit_amount" INTEGER NOT NULL,
    "total_amount" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelled_at" TIMESTAMPTZ(3),

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_items" (
    "id" SERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "listing_id" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price_amount" INTEGER NOT NULL,

    CONSTRAINT "order_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shipments" (
    "id" SERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "carrier" VARCHAR(32) NOT NULL,
    "tracking_number" VARCHAR(64),
    "status" "ShipmentStatus" NOT NULL DEFAULT 'label_pending',
    "label_cost_amount" INTEGER,
    "shipping_credit_amount" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "failure_kind" "ShipmentFailureKind",
    "shipped_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shipments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payments" (
    "id" SERIAL NOT NULL,
    "checkout_id" INTEGER NOT NULL,
    "provider" VARCHAR(32) NOT NULL DEFAULT 'stripe',
    "payment_intent_ref" VARCHAR(64) NOT NULL,
    "charge_ref" VARCHAR(64),
    "amount" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "status" "PaymentStatus" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_allocations" (
    "id" SERIAL NOT NULL,
    "payment_id" INTEGER NOT NULL,
    "order_id" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,

    CONSTRAINT "payment_allocations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refunds" (
    "id" SERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "payment_id" INTEGER NOT NULL,
    "provider_ref" VARCHAR(64) NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "status" "RefundStatus" NOT NULL DEFAULT 'pending',
    "reason_code" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payouts" (
    "id" SERIAL NOT NULL,
    "seller_org_id" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "status" "PayoutStatus" NOT NULL DEFAULT 'scheduled',
    "scheduled_for" TIMESTAMPTZ(3) NOT NULL,
    "paid_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_holds" (
    "id" SERIAL NOT NULL,
    "payout_id" INTEGER,
    "seller_org_id" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "placed_by" INTEGER NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMPTZ(3),
    "released_by" INTEGER,

    CONSTRAINT "payout_holds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" SERIAL NOT NULL,
    "org_id" INTEGER NOT NULL,
    "order_id" INTEGER,
    "kind" "LedgerEntryKind" NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "disputes" (
    "id" SERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "kind" "DisputeKind" NOT NULL,
    "status" "DisputeStatus" NOT NULL DEFAULT 'open',
    "sla_due_at" TIMESTAMPTZ(3) NOT NULL,
    "resolution" "DisputeResolution",
    "resolved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "disputes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dispute_evidence" (
    "id" SERIAL NOT NULL,
    "dispute_id" INTEGER NOT NULL,
    "kind" "EvidenceKind" NOT NULL,
    "description" TEXT NOT NULL,
    "is_received" BOOLEAN NOT NULL DEFAULT false,
    "received_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dispute_evidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "support_cases" (
    "id" SERIAL NOT NULL,
    "subject" VARCHAR(300) NOT NULL,
    "status" "SupportCaseStatus" NOT NULL DEFAULT 'open',
    "priority" "SupportCasePriority" NOT NULL DEFAULT 'normal',
    "assignee_operator_id" INTEGER,
    "order_id" INTEGER,
    "organization_id" INTEGER,
    "customer_user_id" INTEGER,
    "sla_first_response_due_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "support_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "support_case_notes" (
    "id" SERIAL NOT NULL,
    "case_id" INTEGER NOT NULL,
    "author_operator_id" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "support_case_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "risk_flags" (
    "id" SERIAL NOT NULL,
    "entity_type" "RiskEntityType" NOT NULL,
    "entity_id" VARCHAR(64) NOT NULL,
    "org_id" INTEGER,
    "kind" VARCHAR(64) NOT NULL,
    "severity" "RiskSeverity" NOT NULL,
    "trigger" TEXT NOT NULL,
    "raised_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "raised_by" INTEGER,
    "cleared_at" TIMESTAMPTZ(3),
    "cleared_by" INTEGER,

    CONSTRAINT "risk_flags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trust_cases" (
    "id" SERIAL NOT NULL,
    "subject_org_id" INTEGER,
    "subject_user_id" INTEGER,
    "subject_listing_id" INTEGER,
    "kind" "TrustCaseKind" NOT NULL,
    "status" "TrustCaseStatus" NOT NULL DEFAULT 'open',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trust_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog_change_requests" (
    "id" SERIAL NOT NULL,
    "catalog_item_id" INTEGER,
    "proposed_by_org_id" INTEGER NOT NULL,
    "changes" JSONB NOT NULL,
    "status" "CatalogChangeStatus" NOT NULL DEFAULT 'pending',
    "decided_by" INTEGER,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_change_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "operators_email_key" ON "operators"("email");

-- CreateIndex
CREATE UNIQUE INDEX "roles_key_key" ON "roles"("key");

-- CreateIndex
CREATE INDEX "operator_roles_role_id_idx" ON "operator_roles"("role_id");

-- CreateIndex
CREATE INDEX "operator_sessions_expire_idx" ON "operator_sessions"("expire");

-- CreateIndex
CREATE INDEX "organizations_frozen_by_idx" ON "organizations"("frozen_by");

-- CreateIndex
CREATE UNIQUE INDEX "customer_users_email_key" ON "customer_users"("email");

-- CreateIndex
CREATE INDEX "customer_users_organization_id_idx" ON "customer_users"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "catalog_items_sku_key" ON "catalog_items"("sku");

-- CreateIndex
CREATE INDEX "listings_seller_org_id_idx" ON "listings"("seller_org_id");

-- CreateIndex
CREATE INDEX "listings_takedown_by_idx" ON "listings"("takedown_by");

-- CreateIndex
CREATE INDEX "listings_catalog_item_id_idx" ON "listings"("catalog_item_id");

-- CreateIndex
CREATE INDEX "checkouts_buyer_user_id_idx" ON "checkouts"("buyer_user_id");

-- CreateIndex
CREATE INDEX "checkouts_buyer_org_id_idx" ON "checkouts"("buyer_org_id");

-- CreateIndex
CREATE INDEX "orders_created_at_idx" ON "orders"("created_at");

-- CreateIndex
CREATE INDEX "orders_checkout_id_idx" ON "orders"("checkout_id");

-- CreateIndex
CREATE INDEX "orders_seller_org_id_created_at_idx" ON "orders"("seller_org_id", "created_at");

-- CreateIndex
CREATE INDEX "orders_buyer_user_id_idx" ON "orders"("buyer_user_id");

-- CreateIndex
CREATE INDEX "order_items_order_id_idx" ON "order_items"("order_id");

-- CreateIndex
CREATE INDEX "order_items_listing_id_idx" ON "order_items"("listing_id");

-- CreateIndex
CREATE UNIQUE INDEX "shipments_tracking_number_key" ON "shipments"("tracking_number");

-- CreateIndex
CREATE INDEX "shipments_order_id_idx" ON "shipments"("order_id");

-- CreateIndex
CREATE INDEX "shipments_status_created_at_idx" ON "shipments"("status", "created_at");

-- CreateIndex
CREATE INDEX "shipments_failure_kind_idx" ON "shipments"("failure_kind");

-- CreateIndex
CREATE UNIQUE INDEX "payments_payment_intent_ref_key" ON "payments"("payment_intent_ref");

-- CreateIndex
CREATE UNIQUE INDEX "payments_charge_ref_key" ON "payments"("charge_ref");

-- CreateIndex
CREATE INDEX "payments_checkout_id_idx" ON "payments"("checkout_id");

-- CreateIndex
CREATE INDEX "payment_allocations_payment_id_idx" ON "payment_allocations"("payment_id");

-- CreateIndex
CREATE INDEX "payment_allocations_order_id_idx" ON "payment_allocations"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "refunds_provider_ref_key" ON "refunds"("provider_ref");

-- CreateIndex
CREATE INDEX "refunds_order_id_idx" ON "refunds"("order_id");

-- CreateIndex
CREATE INDEX "refunds_payment_id_idx" ON "refunds"("payment_id");

-- CreateIndex
CREATE INDEX "payouts_seller_org_id_scheduled_for_idx" ON "payouts"("seller_org_id", "scheduled_for");

-- CreateIndex
CREATE INDEX "payout_holds_payout_id_idx" ON "payout_holds"("payout_id");

-- CreateIndex
CREATE INDEX "payout_holds_seller_org_id_idx" ON "payout_holds"("seller_org_id");

-- CreateIndex
CREATE INDEX "payout_holds_placed_by_idx" ON "payout_holds"("placed_by");

-- CreateIndex
CREATE INDEX "payout_holds_released_by_idx" ON "payout_holds"("released_by");

-- CreateIndex
CREATE INDEX "ledger_entries_org_id_created_at_idx" ON "ledger_entries"("org_id", "created_at");

-- CreateIndex
CREATE INDEX "ledger_entries_order_id_idx" ON "ledger_entries"("order_id");

-- CreateIndex
CREATE INDEX "disputes_order_id_idx" ON "disputes"("order_id");

-- CreateIndex
CREATE INDEX "disputes_status_sla_due_at_idx" ON "disputes"("status", "sla_due_at");

-- CreateIndex
CREATE INDEX "dispute_evidence_dispute_id_idx" ON "dispute_evidence"("dispute_id");

-- CreateIndex
CREATE INDEX "support_cases_status_sla_first_response_due_at_idx" ON "support_cases"("status", "sla_first_response_due_at");

-- CreateIndex
CREATE INDEX "support_cases_assignee_operator_id_idx" ON "support_cases"("assignee_operator_id");

-- CreateIndex
CREATE INDEX "support_cases_order_id_idx" ON "support_cases"("order_id");

-- CreateIndex
CREATE INDEX "support_cases_organization_id_idx" ON "support_cases"("organization_id");

-- CreateIndex
CREATE INDEX "support_cases_customer_user_id_idx" ON "support_cases"("customer_user_id");

-- CreateIndex
CREATE INDEX "support_case_notes_case_id_idx" ON "support_case_notes"("case_id");

-- CreateIndex
CREATE INDEX "support_case_notes_author_operator_id_idx" ON "support_case_notes"("author_operator_id");

-- CreateIndex
CREATE INDEX "risk_flags_entity_type_entity_id_idx" ON "risk_flags"("entity_type", "entity_id");

-- CreateIndex
CREATE INDEX "risk_flags_org_id_idx" ON "risk_flags"("org_id");

-- CreateIndex
CREATE INDEX "risk_flags_raised_by_idx" ON "risk_flags"("raised_by");

-- CreateIndex
CREATE INDEX "risk_flags_cleared_by_idx" ON "risk_flags"("cleared_by");

-- CreateIndex
CREATE INDEX "trust_cases_subject_org_id_idx" ON "trust_cases"("subject_org_id");

-- CreateIndex
CREATE INDEX "trust_cases_subject_user_id_idx" ON "trust_cases"("subject_user_id");

-- CreateIndex
CREATE INDEX "trust_cases_subject_listing_id_idx" ON "trust_cases"("subject_listing_id");

-- CreateIndex
CREATE INDEX "catalog_change_requests_catalog_item_id_idx" ON "catalog_change_requests"("catalog_item_id");

-- CreateIndex
CREATE INDEX "catalog_change_requests_proposed_by_org_id_idx" ON "catalog_change_requests"("proposed_by_org_id");

-- CreateIndex
CREATE INDEX "catalog_change_requests_decided_by_idx" ON "catalog_change_requests"("decided_by");

-- AddForeignKey
ALTER TABLE "operator_roles" ADD CONSTRAINT "operator_roles_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "operator_roles" ADD CONSTRAINT "operator_roles_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_frozen_by_fkey" FOREIGN KEY ("frozen_by") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_users" ADD CONSTRAINT "customer_users_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "listings" ADD CONSTRAINT "listings_seller_org_id_fkey" FOREIGN KEY ("seller_org_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "listings" ADD CONSTRAINT "listings_takedown_by_fkey" FOREIGN KEY ("takedown_by") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "listings" ADD CONSTRAINT "listings_catalog_item_id_fkey" FOREIGN KEY ("catalog_item_id") REFERENCES "catalog_items"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkouts" ADD CONSTRAINT "checkouts_buyer_user_id_fkey" FOREIGN KEY ("buyer_user_id") REFERENCES "customer_users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkouts" ADD CONSTRAINT "checkouts_buyer_org_id_fkey" FOREIGN KEY ("buyer_org_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_checkout_id_fkey" FOREIGN KEY ("checkout_id") REFERENCES "checkouts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_seller_org_id_fkey" FOREIGN KEY ("seller_org_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_buyer_user_id_fkey" FOREIGN KEY ("buyer_user_id") REFERENCES "customer_users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_listing_id_fkey" FOREIGN KEY ("listing_id") REFERENCES "listings"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_checkout_id_fkey" FOREIGN KEY ("checkout_id") REFERENCES "checkouts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_seller_org_id_fkey" FOREIGN KEY ("seller_org_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payout_holds" ADD CONSTRAINT "payout_holds_payout_id_fkey" FOREIGN KEY ("payout_id") REFERENCES "payouts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payout_holds" ADD CONSTRAINT "payout_holds_seller_org_id_fkey" FOREIGN KEY ("seller_org_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payout_holds" ADD CONSTRAINT "payout_holds_placed_by_fkey" FOREIGN KEY ("placed_by") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payout_holds" ADD CONSTRAINT "payout_holds_released_by_fkey" FOREIGN KEY ("released_by") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dispute_evidence" ADD CONSTRAINT "dispute_evidence_dispute_id_fkey" FOREIGN KEY ("dispute_id") REFERENCES "disputes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support_cases" ADD CONSTRAINT "support_cases_assignee_operator_id_fkey" FOREIGN KEY ("assignee_operator_id") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support_cases" ADD CONSTRAINT "support_cases_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support_cases" ADD CONSTRAINT "support_cases_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support_cases" ADD CONSTRAINT "support_cases_customer_user_id_fkey" FOREIGN KEY ("customer_user_id") REFERENCES "customer_users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support_case_notes" ADD CONSTRAINT "support_case_notes_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "support_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support_case_notes" ADD CONSTRAINT "support_case_notes_author_operator_id_fkey" FOREIGN KEY ("author_operator_id") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "risk_flags" ADD CONSTRAINT "risk_flags_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "risk_flags" ADD CONSTRAINT "risk_flags_raised_by_fkey" FOREIGN KEY ("raised_by") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "risk_flags" ADD CONSTRAINT "risk_flags_cleared_by_fkey" FOREIGN KEY ("cleared_by") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trust_cases" ADD CONSTRAINT "trust_cases_subject_org_id_fkey" FOREIGN KEY ("subject_org_id") REFERENCES "organizations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trust_cases" ADD CONSTRAINT "trust_cases_subject_user_id_fkey" FOREIGN KEY ("subject_user_id") REFERENCES "customer_users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trust_cases" ADD CONSTRAINT "trust_cases_subject_listing_id_fkey" FOREIGN KEY ("subject_listing_id") REFERENCES "listings"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog_change_requests" ADD CONSTRAINT "catalog_change_requests_catalog_item_id_fkey" FOREIGN KEY ("catalog_item_id") REFERENCES "catalog_items"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog_change_requests" ADD CONSTRAINT "catalog_change_requests_proposed_by_org_id_fkey" FOREIGN KEY ("proposed_by_org_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog_change_requests" ADD CONSTRAINT "catalog_change_requests_decided_by_fkey" FOREIGN KEY ("decided_by") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;

