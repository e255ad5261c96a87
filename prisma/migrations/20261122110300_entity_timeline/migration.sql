-- The entity timeline projection (docs/adr/0016-entity-timeline.md). Generated with prisma migrate
-- diff from the previous schema-snapshot.prisma; the grants at the end are written by hand.

-- CreateTable
CREATE TABLE "entity_timeline" (
    "id" BIGSERIAL NOT NULL,
    "entity_type" VARCHAR(64) NOT NULL,
    "entity_id" VARCHAR(200) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "source" VARCHAR(64) NOT NULL,
    "source_id" BIGINT NOT NULL,
    "subject_type" VARCHAR(64) NOT NULL,
    "subject_id" VARCHAR(200) NOT NULL,
    "kind" VARCHAR(200) NOT NULL,
    "actor_operator_id" INTEGER,
    "data" JSONB NOT NULL,
    "projected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "entity_timeline_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "timeline_checkpoints" (
    "source" VARCHAR(64) NOT NULL,
    "position" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "timeline_checkpoints_pkey" PRIMARY KEY ("source")
);

-- CreateIndex
CREATE INDEX "entity_timeline_entity_type_entity_id_occurred_at_id_idx" ON "entity_timeline"("entity_type", "entity_id", "occurred_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "entity_timeline_source_source_id_entity_type_entity_id_key" ON "entity_timeline"("source", "source_id", "entity_type", "entity_id");

-- The projector (the app role) inserts entries and advances its checkpoints; the rebuild repairs
-- entries by deleting what a replay does not produce and inserting what it does. Entries are never
-- updated in place and checkpoints never deleted: the app role's default grants are narrowed.
GRANT SELECT, INSERT, DELETE ON TABLE "entity_timeline" TO opsdeck_app;
REVOKE UPDATE, TRUNCATE ON TABLE "entity_timeline" FROM opsdeck_app;
GRANT USAGE, SELECT ON SEQUENCE "entity_timeline_id_seq" TO opsdeck_app;
GRANT SELECT, INSERT, UPDATE ON TABLE "timeline_checkpoints" TO opsdeck_app;
REVOKE DELETE, TRUNCATE ON TABLE "timeline_checkpoints" FROM opsdeck_app;
