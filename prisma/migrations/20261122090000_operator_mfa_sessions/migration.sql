-- Operator MFA, recovery codes, failed-login counters and the session rows' own columns
-- (docs/adr/0008-operator-mfa-and-sessions.md). Generated with prisma migrate diff; the first
-- statement and everything after the foreign keys are written by hand.

-- Every session alive now was opened without a second factor: none survives MFA becoming required.
DELETE FROM "operator_sessions";

-- AlterTable
ALTER TABLE "operator_sessions" DROP CONSTRAINT "operator_sessions_pkey",
ADD COLUMN     "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "id" UUID NOT NULL DEFAULT gen_random_uuid(),
ADD COLUMN     "ip" VARCHAR(64),
ADD COLUMN     "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "operator_id" INTEGER,
ADD COLUMN     "user_agent" VARCHAR(300),
ADD CONSTRAINT "operator_sessions_pkey" PRIMARY KEY ("id");

-- CreateTable
CREATE TABLE "operator_mfa" (
    "operator_id" INTEGER NOT NULL,
    "totp_secret" VARCHAR(128) NOT NULL,
    "confirmed_at" TIMESTAMPTZ(3),
    "last_used_step" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operator_mfa_pkey" PRIMARY KEY ("operator_id")
);

-- CreateTable
CREATE TABLE "operator_recovery_codes" (
    "id" SERIAL NOT NULL,
    "operator_id" INTEGER NOT NULL,
    "code_hash" VARCHAR(160) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operator_recovery_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "login_throttles" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "login_throttles_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "operator_recovery_codes_operator_id_idx" ON "operator_recovery_codes"("operator_id");

-- CreateIndex
CREATE INDEX "login_throttles_expire_idx" ON "login_throttles"("expire");

-- CreateIndex
CREATE UNIQUE INDEX "operator_sessions_sid_key" ON "operator_sessions"("sid");

-- CreateIndex
CREATE INDEX "operator_sessions_operator_id_idx" ON "operator_sessions"("operator_id");

-- AddForeignKey
ALTER TABLE "operator_mfa" ADD CONSTRAINT "operator_mfa_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "operator_recovery_codes" ADD CONSTRAINT "operator_recovery_codes_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "operator_sessions" ADD CONSTRAINT "operator_sessions_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- ---- written by hand: what prisma cannot express

-- connect-pg-simple writes only sid, sess and expire; the operator, address and user agent are read
-- out of `sess` on every write (also the expiry-only touch, which is when the session was last seen).
CREATE FUNCTION operator_sessions_fill() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  operator_text text := NEW.sess -> 'adminUser' ->> 'id';
BEGIN
  NEW.operator_id := CASE WHEN operator_text ~ '^[0-9]{1,9}$' THEN operator_text::int END;
  NEW.ip := left(NEW.sess ->> 'ip', 64);
  NEW.user_agent := left(NEW.sess ->> 'userAgent', 300);
  NEW.last_seen_at := now();
  RETURN NEW;
END $$;

CREATE TRIGGER operator_sessions_fill BEFORE INSERT OR UPDATE ON "operator_sessions"
  FOR EACH ROW EXECUTE FUNCTION operator_sessions_fill();

-- Disabling an operator ends all of their sessions in the same transaction, whichever way it is
-- done (the backoffice, `npm run operator -- disable`, plain SQL).
CREATE FUNCTION operators_end_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "operator_sessions" WHERE operator_id = NEW.id;
  RETURN NULL;
END $$;

CREATE TRIGGER operators_end_sessions AFTER UPDATE OF status ON "operators"
  FOR EACH ROW WHEN (NEW.status = 'disabled' AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION operators_end_sessions();

-- The app (opsdeck_app) reads and writes these rows; it may not create tables, so rate-limiter-flexible
-- runs with `tableCreated: true` over login_throttles. (The default privileges of *_app_role grant
-- the same; said here so the grant does not depend on which role ran this file.)
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "operator_mfa", "operator_recovery_codes", "login_throttles" TO opsdeck_app;
GRANT USAGE, SELECT ON SEQUENCE "operator_recovery_codes_id_seq" TO opsdeck_app;
