-- The per-operator write counters (docs/adr/0009-request-security.md). Generated with prisma migrate
-- diff for prisma/schema/security.prisma; UNLOGGED and the grant at the end are written by hand.

-- CreateTable (UNLOGGED by hand: Prisma's schema cannot say it, and migrations.test.ts compares
-- columns, constraints and indexes, not persistence). A counter write then needs no WAL flush at
-- commit, the bulk of its cost; a server crash empties the table, which only restarts everyone's
-- hour, and a standby does not see it, so a failover does the same.
CREATE UNLOGGED TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- The app (opsdeck_app) may not create tables, so rate-limiter-flexible runs with
-- `tableCreated: true` over this one: it upserts, reads and deletes its rows, nothing else.
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE rate_limits TO opsdeck_app;
