// Secrets the server must read back (operators' TOTP secrets) are kept in the database sealed with
// AES-256-GCM under a key that is not in the database (MFA_ENCRYPTION_KEY, or the data folder's
// secrets in development): a backup, a read replica or an SQL-injection read yields no usable secret.
// A sealed value is `v1:<iv>:<tag>:<ciphertext>` (base64url; a random 96-bit IV per value, the
// 128-bit GCM tag). The version names the key and the scheme, so a later key can be `v2:` and rows
// re-sealed at leisure (docs/adr/0008-operator-mfa-and-sessions.md).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SEALED_PREFIX = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** A value that is not a `v1:` value, was tampered with, or was sealed under another key. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** The 32 bytes of a key written as 64 hex characters or as base64 (standard or url-safe); throws otherwise. */
export function parseEncryptionKey(value: string): Buffer {
  const text = value.trim();
  const key = HEX_KEY.test(text) ? Buffer.from(text, 'hex') : BASE64_KEY.test(text) ? Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : null;
  if (!key || key.length !== KEY_BYTES) throw new SecretBoxError('must be 32 bytes written as 64 hex characters or as base64');
  return key;
}

export const isEncryptionKey = (value: string): boolean => {
  try {
    parseEncryptionKey(value);
    return true;
  } catch {
    return false;
  }
};

export const isSealed = (value: string): boolean => value.startsWith(SEALED_PREFIX);

export function createSecretBox(keyText: string | Buffer) {
  const key = typeof keyText === 'string' ? parseEncryptionKey(keyText) : Buffer.from(keyText);
  if (key.length !== KEY_BYTES) throw new SecretBoxError('the key must be 32 bytes');

  function seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${SEALED_PREFIX}${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ciphertext.toString('base64url')}`;
  }

  /** The plain value; throws SecretBoxError (never naming the value) when it cannot be trusted. */
  function open(sealed: string): string {
    if (!isSealed(sealed)) throw new SecretBoxError('not a sealed value (no v1: prefix)');
    const parts = sealed.slice(SEALED_PREFIX.length).split(':');
    if (parts.length !== 3) throw new SecretBoxError('malformed sealed value');
    const [iv, tag, ciphertext] = parts.map((p) => Buffer.from(p, 'base64url'));
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('malformed sealed value');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('the value does not decrypt under this key (wrong key, or tampered)');
    }
  }

  return { seal, open };
}

export type SecretBox = ReturnType<typeof createSecretBox>;
