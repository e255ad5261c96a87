// Waiting on something that changes by itself (a flag switched in Unleash reaching the client):
// poll, never sleep blindly, and say how long it took.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls every 100 ms until `check` holds; answers the value and how long it took, or throws after `timeoutMs`. */
export async function within<T>(timeoutMs: number, probe: () => Promise<T>, check: (value: T) => boolean): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (check(value)) return { value, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

/** Polls every 100 ms until `check` holds; answers whether it did within `timeoutMs` (for `expect(...).toBe(true)`). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}
