-- CreateEnum
CREATE TYPE "ActionRunStatus" AS ENUM ('succeeded', 'failed');

-- CreateEnum
CREATE TYPE "ApprovalStatus" AS ENUM ('pending', 'approved', 'denied', 'expired');

-- CreateEnum
CREATE TYPE "ApprovalDecisionKind" AS ENUM ('approve', 'deny');

-- CreateEnum
CREATE TYPE "BulkJobStatus" AS ENUM ('queued', 'running', 'completed');

-- CreateEnum
CREATE TYPE "BulkTargetStatus" AS ENUM ('pending', 'succeeded', 'failed', 'pending_approval');

-- AlterTable
ALTER TABLE "roles" ADD COLUMN     "limits" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "customer_users" ADD COLUMN     "suspend_reason" TEXT,
ADD COLUMN     "suspended_at" TIMESTAMPTZ(3),
ADD COLUMN     "suspended_by" INTEGER;

-- CreateTable
CREATE TABLE "action_runs" (
    "id" UUID NOT NULL,
    "action_id" VARCHAR(100) NOT NULL,
    "status" "ActionRunStatus" NOT NULL,
    "operator_id" INTEGER NOT NULL,
    "operator_roles" TEXT[],
    "impersonated_user_id" INTEGER,
    "target_type" VARCHAR(64) NOT NULL,
    "target_id" VARCHAR(64) NOT NULL,
    "input" JSONB NOT NULL,
    "reason_code" VARCHAR(64) NOT NULL,
    "note" TEXT,
    "result" JSONB,
    "error_code" VARCHAR(64),
    "error" JSONB,
    "approval_id" UUID,
    "bulk_job_id" UUID,
    "retry_of_run_id" UUID,
    "retried_by_run_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,

    CONSTRAINT "action_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "operator_id" INTEGER NOT NULL,
    "scope" VARCHAR(120) NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "response_status" INTEGER,
    "response_body" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("operator_id","scope","key")
);

-- CreateTable
CREATE TABLE "approval_requests" (
    "id" UUID NOT NULL,
    "action_id" VARCHAR(100) NOT NULL,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'pending',
    "requested_by" INTEGER NOT NULL,
    "requester_roles" TEXT[],
    "impersonated_user_id" INTEGER,
    "target_type" VARCHAR(64) NOT NULL,
    "target_id" VARCHAR(64) NOT NULL,
    "payload" JSONB NOT NULL,
    "payload_hash" CHAR(64) NOT NULL,
    "policy_reason" TEXT NOT NULL,
    "approvals_required" INTEGER NOT NULL,
    "approver_permission" VARCHAR(100) NOT NULL,
    "run_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "approval_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_decisions" (
    "id" SERIAL NOT NULL,
    "approval_id" UUID NOT NULL,
    "operator_id" INTEGER NOT NULL,
    "decision" "ApprovalDecisionKind" NOT NULL,
    "note" TEXT,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_decisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "domain_events" (
    "id" BIGSERIAL NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "entity_type" VARCHAR(64) NOT NULL,
    "entity_id" VARCHAR(64) NOT NULL,
    "payload" JSONB NOT NULL,
    "run_id" UUID,
    "operator_id" INTEGER,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "domain_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulk_jobs" (
    "id" UUID NOT NULL,
    "action_id" VARCHAR(100) NOT NULL,
    "status" "BulkJobStatus" NOT NULL DEFAULT 'queued',
    "operator_id" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "total" INTEGER NOT NULL,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "pending_approval" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "bulk_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulk_job_targets" (
    "job_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "target_type" VARCHAR(64) NOT NULL,
    "target_id" VARCHAR(64) NOT NULL,
    "status" "BulkTargetStatus" NOT NULL DEFAULT 'pending',
    "run_id" UUID,
    "approval_id" UUID,
    "error_code" VARCHAR(64),
    "detail" TEXT,

    CONSTRAINT "bulk_job_targets_pkey" PRIMARY KEY ("job_id","position")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" BIGSERIAL NOT NULL,
    "message_key" VARCHAR(200) NOT NULL,
    "channel" VARCHAR(32) NOT NULL,
    "recipient" VARCHAR(320) NOT NULL,
    "template" VARCHAR(100) NOT NULL,
    "payload" JSONB NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "action_runs_retried_by_run_id_key" ON "action_runs"("retried_by_run_id");

-- CreateIndex
CREATE INDEX "action_runs_operator_id_started_at_idx" ON "action_runs"("operator_id", "started_at");

-- CreateIndex
CREATE INDEX "action_runs_status_started_at_idx" ON "action_runs"("status", "started_at");

-- CreateIndex
CREATE INDEX "action_runs_action_id_started_at_idx" ON "action_runs"("action_id", "started_at");

-- CreateIndex
CREATE INDEX "action_runs_target_type_target_id_idx" ON "action_runs"("target_type", "target_id");

-- CreateIndex
CREATE INDEX "action_runs_approval_id_idx" ON "action_runs"("approval_id");

-- CreateIndex
CREATE INDEX "action_runs_bulk_job_id_idx" ON "action_runs"("bulk_job_id");

-- CreateIndex
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "approval_requests_run_id_key" ON "approval_requests"("run_id");

-- CreateIndex
CREATE INDEX "approval_requests_status_expires_at_idx" ON "approval_requests"("status", "expires_at");

-- CreateIndex
CREATE INDEX "approval_requests_requested_by_created_at_idx" ON "approval_requests"("requested_by", "created_at");

-- CreateIndex
CREATE INDEX "approval_decisions_operator_id_idx" ON "approval_decisions"("operator_id");

-- CreateIndex
CREATE UNIQUE INDEX "approval_decisions_approval_id_operator_id_key" ON "approval_decisions"("approval_id", "operator_id");

-- CreateIndex
CREATE INDEX "domain_events_entity_type_entity_id_occurred_at_idx" ON "domain_events"("entity_type", "entity_id", "occurred_at");

-- CreateIndex
CREATE INDEX "domain_events_run_id_idx" ON "domain_events"("run_id");

-- CreateIndex
CREATE INDEX "bulk_jobs_operator_id_created_at_idx" ON "bulk_jobs"("operator_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_message_key_key" ON "notifications"("message_key");

-- CreateIndex
CREATE INDEX "notifications_recipient_idx" ON "notifications"("recipient");

-- CreateIndex
CREATE INDEX "customer_users_suspended_by_idx" ON "customer_users"("suspended_by");

-- AddForeignKey
ALTER TABLE "action_runs" ADD CONSTRAINT "action_runs_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_requested_by_fkey" FOREIGN KEY ("requested_by") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_approval_id_fkey" FOREIGN KEY ("approval_id") REFERENCES "approval_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_jobs" ADD CONSTRAINT "bulk_jobs_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_job_targets" ADD CONSTRAINT "bulk_job_targets_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "bulk_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_users" ADD CONSTRAINT "customer_users_suspended_by_fkey" FOREIGN KEY ("suspended_by") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Domain events are append-only, like the audit log (hand-written; Prisma has no triggers).
CREATE FUNCTION refuse_domain_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'domain events are append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER domain_events_no_update_delete BEFORE UPDATE OR DELETE ON "domain_events" FOR EACH ROW EXECUTE FUNCTION refuse_domain_event_change();
CREATE TRIGGER domain_events_no_truncate BEFORE TRUNCATE ON "domain_events" FOR EACH STATEMENT EXECUTE FUNCTION refuse_domain_event_change();
