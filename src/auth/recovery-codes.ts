// Recovery codes: ten per enrolment, each usable once, shown once. A code is 16 characters of
// Crockford base32 (80 random bits), printed as XXXX-XXXX-XXXX-XXXX. Stored as SHA-256 over a random
// 128-bit salt and the code (ASVS 2.6.2: below 112 bits of entropy, a salted approved hash). A slow
// hash (argon2) buys nothing against 80 random bits and would cost ten verifications per attempt.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 16;

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    // 5 bits per character from one random byte each: 256 is a multiple of 32, so no bias.
    const chars = [...randomBytes(LENGTH)].map((b) => ALPHABET[b & 31]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/**
 * The code as typed, in its canonical form: case, spaces and dashes do not matter, and the letters
 * people confuse with digits are read as those digits (Crockford). Null when it cannot be a code.
 */
export function normalizeRecoveryCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}

const digest = (salt: Buffer, code: string) => createHash('sha256').update(salt).update(code).digest();

export function hashRecoveryCode(code: string): string {
  const canonical = normalizeRecoveryCode(code);
  if (!canonical) throw new Error('not a recovery code');
  const salt = randomBytes(16);
  return `sha256$${salt.toString('hex')}$${digest(salt, canonical).toString('hex')}`;
}

export function isRecoveryCodeMatch(canonical: string, stored: string): boolean {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'sha256' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = digest(Buffer.from(saltHex, 'hex'), canonical);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
