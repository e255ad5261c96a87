-- TOTP secrets are stored sealed (v1:<iv>:<tag>:<ciphertext>, src/auth/secret-box.ts); boot seals rows
-- still in clear. A sealed value is longer than its secret: room for up to 128 plain characters.
-- AlterTable
ALTER TABLE "operator_mfa" ALTER COLUMN "totp_secret" SET DATA TYPE VARCHAR(255);
