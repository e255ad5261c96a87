-- Issue 6, flag operations: the Unleash event-log import's cursor (src/flags/flag-event-import.ts)
-- and service tokens for machine clients (src/auth/api-tokens/).

-- CreateTable
CREATE TABLE "flag_event_cursors" (
    "source" VARCHAR(100) NOT NULL,
    "last_event_id" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "flag_event_cursors_pkey" PRIMARY KEY ("source")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "scope" VARCHAR(100) NOT NULL,
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by_id" INTEGER,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_created_at_id_idx" ON "api_tokens"("created_at", "id");

-- ---- the app role. The cursor row is created once and moved forward, never deleted. Tokens are
-- created, touched (last used) and revoked (revoked_at), never deleted: a revoked token's row is the
-- record of who could post what, and when.
GRANT SELECT, INSERT, UPDATE ON TABLE "flag_event_cursors" TO opsdeck_app;
REVOKE DELETE, TRUNCATE ON TABLE "flag_event_cursors" FROM opsdeck_app;
GRANT SELECT, INSERT, UPDATE ON TABLE "api_tokens" TO opsdeck_app;
REVOKE DELETE, TRUNCATE ON TABLE "api_tokens" FROM opsdeck_app;
GRANT USAGE, SELECT ON SEQUENCE "api_tokens_id_seq" TO opsdeck_app;
