// TOTP (RFC 6238) as every authenticator app speaks it: SHA-1, 6 digits, 30-second steps, a 160-bit
// secret in base32. otplib does the arithmetic; what is ours is the tolerance and the time step a
// code matched, which the caller stores so that a code can never be used twice.
import { generate, generateSecret, generateURI, verify } from 'otplib';

export const TOTP_ISSUER = 'opsdeck';
const PERIOD_SECONDS = 30;
// One step either side: phones drift, and a code typed in its last seconds arrives in the next step.
const TOLERANCE_SECONDS = PERIOD_SECONDS;
const CODE = /^\d{6}$/;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri({ secret, email }: { secret: string; email: string }): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

/** The time step a code matched, or null for anything that is not a current code. */
export async function matchTotp({ secret, code, now = Date.now() }: { secret: string; code: string; now?: number }): Promise<number | null> {
  const token = code.replace(/\s+/g, '');
  if (!CODE.test(token)) return null;
  try {
    const result = await verify({ secret, token, epoch: Math.floor(now / 1000), epochTolerance: TOLERANCE_SECONDS });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    // A malformed secret or token: not a match, whatever otplib thinks of it.
    return null;
  }
}

export const timeStepOf = (now: number): number => Math.floor(now / 1000 / PERIOD_SECONDS);

/** The code of a time step (demo CLI, tests): `timeStepOf(Date.now())` is the current one. */
export function totpCode(secret: string, step = timeStepOf(Date.now())): Promise<string> {
  return generate({ secret, epoch: step * PERIOD_SECONDS });
}
