// A pg client that sends the statements issued together in one write. In pipeline mode (which
// inTransaction turns on for its transaction, src/db/transaction-scope.ts) each
// statement is written as soon as it is issued, one writev each; the first write wakes the server
// process, which often answers and sleeps again before the next write arrives, so a batch of five
// statements can cost five wake-ups on each side. Corking the socket on the first statement of a
// tick and uncorking on the next tick sends everything issued meanwhile (an action's statements
// sent with Promise.all, a write-out and its COMMIT) as one write: one wake-up.
import pg from 'pg';

type Socket = { cork: () => void; uncork: () => void; writable: boolean };

export class CoalescingClient extends pg.Client {
  #isCorked = false;

  // pg's overloads cannot be restated in a subclass; the arguments pass through untouched.
  override query(...args: unknown[]): never {
    const socket = (this as unknown as { connection?: { stream?: Socket } }).connection?.stream;
    if (this.pipeline && !this.#isCorked && socket?.writable) {
      this.#isCorked = true;
      socket.cork();
      // After the promise jobs queued now have run: their statements join this write.
      process.nextTick(() => {
        this.#isCorked = false;
        socket.uncork();
      });
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

/**
 * Turns pg's pipeline mode on or off for one connection. Only while it is idle (nothing sent and
 * unanswered): both modes then start from the same state. The typings mark the flag read-only
 * because it is meant to be set at construction; pg reads it on every query.
 */
export function setPipelineMode(client: pg.ClientBase, isOn: boolean): void {
  (client as unknown as { pipeline: boolean }).pipeline = isOn;
}
