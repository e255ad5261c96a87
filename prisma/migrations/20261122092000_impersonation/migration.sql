-- Customer impersonation (docs/adr/0010-impersonation.md). Generated with prisma migrate diff from
-- the previous schema-snapshot.prisma; the grants at the end are written by hand.

-- CreateEnum
CREATE TYPE "ImpersonationEndReason" AS ENUM ('ended', 'expired', 'revoked');

-- CreateTable
CREATE TABLE "impersonations" (
    "id" UUID NOT NULL,
    "operator_id" INTEGER NOT NULL,
    "target_user_id" INTEGER NOT NULL,
    "target_org_id" INTEGER,
    "reason_code" VARCHAR(64) NOT NULL,
    "note" TEXT NOT NULL,
    "ticket_id" VARCHAR(100),
    "session_id" VARCHAR(255) NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" "ImpersonationEndReason",

    CONSTRAINT "impersonations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "impersonations_operator_id_started_at_idx" ON "impersonations"("operator_id", "started_at");

-- CreateIndex
CREATE INDEX "impersonations_target_user_id_idx" ON "impersonations"("target_user_id");

-- CreateIndex
CREATE INDEX "impersonations_expires_at_idx" ON "impersonations"("expires_at");

-- AddForeignKey
ALTER TABLE "impersonations" ADD CONSTRAINT "impersonations_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ---- the app role: start, read and end impersonations; never delete one (the record of who acted
-- as whom stays, like the audit rows that point at it). Default privileges would also grant DELETE.
GRANT SELECT, INSERT, UPDATE ON TABLE "impersonations" TO opsdeck_app;
REVOKE DELETE, TRUNCATE ON TABLE "impersonations" FROM opsdeck_app;
