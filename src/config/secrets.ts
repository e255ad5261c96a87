// Demo mode generates its secrets once and keeps them in the data folder (mode 600), so a restart
// keeps sessions, the database password and Unleash tokens. Production takes them from the
// environment and never falls back to generated ones (enforced in config.ts).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.js';
import { generateSigningKey } from '../impersonation/impersonation-tokens.js';

export type Secrets = {
  sessionSecret: string;
  postgresPassword: string;
  /** The embedded server's opsdeck_app role (the application's, without rights over the audit log). */
  appDbPassword: string;
  unleashAdminPassword: string;
  unleashAdminToken: string;
  unleashClientToken: string;
  /** HMAC key of the audit chain's checkpoints; never stored in the database. */
  auditSigningKey: string;
  /** EC P-256 private key (PKCS#8 PEM) signing impersonation tokens (docs/adr/0010-impersonation.md). */
  impersonationJwtKey: string;
  /** AES-256-GCM key (64 hex characters) sealing operators' TOTP secrets; never stored in the database. */
  mfaEncryptionKey: string;
};

const token = (bytes = 24) => randomBytes(bytes).toString('hex');

function generate(): Secrets {
  return {
    sessionSecret: token(32),
    postgresPassword: token(16),
    appDbPassword: token(16),
    unleashAdminPassword: `${token(8)}Aa1!`,
    // Unleash token shapes: `<project>:<environment>.<secret>`; admin tokens use `*:*`.
    unleashAdminToken: `*:*.${token()}`,
    unleashClientToken: `default:development.${token()}`,
    auditSigningKey: token(32),
    impersonationJwtKey: generateSigningKey(),
    mfaEncryptionKey: token(32),
  };
}

export async function writePrivateJson(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o711 });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(tmp, file);
}

export async function loadSecrets(config: Config): Promise<Secrets> {
  const file = path.join(config.dataDir, 'secrets.json');
  let saved: Partial<Secrets> = {};
  try {
    saved = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const stored: Secrets = { ...generate(), ...saved };
  // Keys generated now (first start, or a file from an older version) are kept for the next start.
  if (Object.keys(stored).some((key) => !(key in saved))) await writePrivateJson(file, stored);
  return {
    ...stored,
    sessionSecret: config.SESSION_SECRET ?? stored.sessionSecret,
    unleashAdminToken: config.UNLEASH_ADMIN_TOKEN ?? stored.unleashAdminToken,
    unleashClientToken: config.UNLEASH_CLIENT_TOKEN ?? stored.unleashClientToken,
    auditSigningKey: config.AUDIT_SIGNING_KEY ?? stored.auditSigningKey,
    impersonationJwtKey: config.IMPERSONATION_JWT_PRIVATE_KEY ?? stored.impersonationJwtKey,
    mfaEncryptionKey: config.MFA_ENCRYPTION_KEY ?? stored.mfaEncryptionKey,
  };
}
