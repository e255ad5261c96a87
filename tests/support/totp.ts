// TOTP codes in tests, as an operator's authenticator app would show them (src/auth/totp.ts).
import { timeStepOf, totpCode } from '../../src/auth/totp.js';

/**
 * Codes of one authenticator as a test needs them: each call gives a code of a time step not used
 * before (the server refuses a step twice), the current one or the next (the server accepts one
 * step either side). A third code within one 30-second step is a test that must wait: it throws.
 */
export function authenticator(secret: string): () => Promise<string> {
  let lastStep = -1;
  return async () => {
    const current = timeStepOf(Date.now());
    const step = Math.max(current, lastStep + 1);
    if (step > current + 1) throw new Error('a third TOTP code within one 30-second step: the server would refuse it as a replay');
    lastStep = step;
    return totpCode(secret, step);
  };
}
