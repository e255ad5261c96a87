-- Experiments (docs/adr/0011-experiment-statistics.md). Generated with prisma migrate diff from the
-- previous schema-snapshot.prisma; the grants at the end are written by hand.

-- CreateEnum
CREATE TYPE "ExperimentStatus" AS ENUM ('draft', 'running', 'paused', 'concluded');

-- CreateEnum
CREATE TYPE "ExperimentEventType" AS ENUM ('exposure', 'conversion');

-- CreateTable
CREATE TABLE "experiments" (
    "id" UUID NOT NULL,
    "key" VARCHAR(100) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT,
    "status" "ExperimentStatus" NOT NULL DEFAULT 'draft',
    "alpha" DOUBLE PRECISION NOT NULL DEFAULT 0.05,
    "min_sample_per_variant" INTEGER NOT NULL DEFAULT 1000,
    "srm_alpha" DOUBLE PRECISION NOT NULL DEFAULT 0.001,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "concluded_at" TIMESTAMPTZ(3),

    CONSTRAINT "experiments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "experiment_variants" (
    "experiment_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "weight" INTEGER,
    "is_control" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL,

    CONSTRAINT "experiment_variants_pkey" PRIMARY KEY ("experiment_id","name")
);

-- CreateTable
CREATE TABLE "experiment_events" (
    "experiment_id" UUID NOT NULL,
    "event_id" VARCHAR(128) NOT NULL,
    "type" "ExperimentEventType" NOT NULL,
    "user_id" VARCHAR(128) NOT NULL,
    "variant" VARCHAR(100),
    "metric" VARCHAR(100),
    "value" DOUBLE PRECISION,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "experiment_events_pkey" PRIMARY KEY ("experiment_id","event_id")
);

-- CreateTable
CREATE TABLE "experiment_users" (
    "experiment_id" UUID NOT NULL,
    "user_id" VARCHAR(128) NOT NULL,
    "variant" VARCHAR(100),
    "exposed_at" TIMESTAMPTZ(3),
    "has_conflict" BOOLEAN NOT NULL DEFAULT false,
    "conversions" INTEGER NOT NULL DEFAULT 0,
    "value_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "first_converted_at" TIMESTAMPTZ(3),
    "exposed_tx" BIGINT,
    "conflict_tx" BIGINT,

    CONSTRAINT "experiment_users_pkey" PRIMARY KEY ("experiment_id","user_id")
);

-- CreateTable
CREATE TABLE "experiment_tallies" (
    "id" BIGSERIAL NOT NULL,
    "experiment_id" UUID NOT NULL,
    "variant" VARCHAR(100) NOT NULL,
    "exposed" BIGINT NOT NULL DEFAULT 0,
    "converted" BIGINT NOT NULL DEFAULT 0,
    "conversions" BIGINT NOT NULL DEFAULT 0,
    "value_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "conflicts" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "experiment_tallies_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "experiments_key_key" ON "experiments"("key");

-- CreateIndex
CREATE INDEX "experiments_created_at_id_idx" ON "experiments"("created_at", "id");

-- CreateIndex
CREATE INDEX "experiment_tallies_experiment_id_idx" ON "experiment_tallies"("experiment_id");

-- AddForeignKey
ALTER TABLE "experiment_variants" ADD CONSTRAINT "experiment_variants_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- ---- the app role. Default privileges would grant every table SELECT, INSERT, UPDATE, DELETE;
-- narrow them to what the app does. Experiments are concluded, never deleted (their variants are
-- replaced while in draft). The event ledger is append-only: it is the record a recount starts
-- from. Users are upserted, never deleted. Tallies are deltas: inserted, and folded (deleted and
-- re-inserted as their sum) by the results read.
GRANT SELECT, INSERT, UPDATE ON TABLE "experiments" TO opsdeck_app;
REVOKE DELETE, TRUNCATE ON TABLE "experiments" FROM opsdeck_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "experiment_variants" TO opsdeck_app;
GRANT SELECT, INSERT ON TABLE "experiment_events" TO opsdeck_app;
REVOKE UPDATE, DELETE, TRUNCATE ON TABLE "experiment_events" FROM opsdeck_app;
GRANT SELECT, INSERT, UPDATE ON TABLE "experiment_users" TO opsdeck_app;
REVOKE DELETE, TRUNCATE ON TABLE "experiment_users" FROM opsdeck_app;
GRANT SELECT, INSERT, DELETE ON TABLE "experiment_tallies" TO opsdeck_app;
REVOKE UPDATE, TRUNCATE ON TABLE "experiment_tallies" FROM opsdeck_app;
GRANT USAGE, SELECT ON SEQUENCE "experiment_tallies_id_seq" TO opsdeck_app;
