-- The application's database role. opsdeck's HTTP app, its workers and its seeds connect as
-- opsdeck_app; migrations and the audit log's own upkeep (the sealer, checkpoints, partitions,
-- retention) run as the owner of the tables. So the audit log refuses the application both ways:
-- by grants (it may only read the log and append to the inbox) and by triggers (which bind even
-- the owner). Boot gives the role its login (src/db/open-database.ts); it exists in every migrated
-- database, as roles are the server's, not a database's.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'opsdeck_app') THEN
    CREATE ROLE opsdeck_app NOLOGIN;
  END IF;
END $$;

GRANT USAGE ON SCHEMA public, audit, pgboss TO opsdeck_app;

-- ---- the domain and the platform's own tables: read and write; tables added later alike
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO opsdeck_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO opsdeck_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO opsdeck_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO opsdeck_app;
REVOKE ALL ON TABLE _prisma_migrations FROM opsdeck_app;
-- Domain events are append-only (a trigger refuses changes too).
REVOKE UPDATE, DELETE, TRUNCATE ON TABLE domain_events FROM opsdeck_app;

-- ---- the job queue (pg-boss works its tables with plain DML and its functions)
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO opsdeck_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA pgboss TO opsdeck_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pgboss TO opsdeck_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgboss GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO opsdeck_app;

-- ---- the audit log: read it, append to the inbox; nothing else
GRANT SELECT ON ALL TABLES IN SCHEMA audit TO opsdeck_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA audit GRANT SELECT ON TABLES TO opsdeck_app;
GRANT INSERT ON audit.inbox TO opsdeck_app;
GRANT USAGE ON SEQUENCE audit.seq TO opsdeck_app;
