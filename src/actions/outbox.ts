// Side effects after commit. An action queues messages (notifications, external calls) inside its
// transaction, as pg-boss jobs, so they exist if and only if the action committed; pg-boss works
// them afterwards, retrying with exponential backoff (queue options in the job_queue migration).
// A handler may run more than once for one message (a crash after it acted, before pg-boss marked
// the job done): each message carries a key, and handlers make their effect once per key.
import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from '../platform/logger.js';
import type { SqlExecutor } from '../audit/types.js';
import type { OutboxMessage } from './define-action.js';

export const OUTBOX_QUEUE = 'outbox';

/** Messages fetched and completed together by a worker. */
const BATCH = 25;

export type OutboxJob = OutboxMessage & { key: string };

export type OutboxHandler = (message: OutboxJob, deps: { pool: pg.Pool; logger: Logger }) => Promise<void>;

type Executor = { executeSql: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }> };

/** pg-boss's database interface over any SqlExecutor (a Prisma transaction, a pg client). */
export const bossExecutor = (sql: SqlExecutor): Executor => ({
  executeSql: (text, values = []) => sql.query(text, values.map((v) => (v === undefined ? null : v))),
});

/** The built-in `notify` kind: records the delivery once per message key. */
const notify: OutboxHandler = async ({ key, payload }, { pool }) => {
  await pool.query(
    `INSERT INTO notifications (message_key, channel, recipient, template, payload) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (message_key) DO NOTHING`,
    [key, String(payload.channel ?? 'email'), String(payload.recipient), String(payload.template), JSON.stringify(payload.data ?? {})],
  );
};

export function createJobQueue({ pool }: { pool: pg.Pool }): PgBoss {
  // Maintenance (expiry, retention) runs in whichever process holds pg-boss's lock; so does the
  // cron of packs' scheduled jobs (src/actions/scheduled-jobs.ts).
  return new PgBoss({ db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) }, schema: 'pgboss', schedule: true });
}

export function createOutbox({ boss, pool, logger, handlers = {} }: { boss: PgBoss; pool: pg.Pool; logger: Logger; handlers?: Record<string, OutboxHandler> }) {
  const all: Record<string, OutboxHandler> = { notify, ...handlers };

  const workerIds: string[] = [];

  /** Queues the messages in the caller's transaction, in one statement; `keyPrefix` makes each message's key. */
  async function enqueue(sql: SqlExecutor, keyPrefix: string, messages: OutboxMessage[]): Promise<void> {
    for (const message of messages) if (!all[message.kind]) throw new Error(`no outbox handler for ${message.kind}`);
    const jobs = messages.map((message, index) => ({ name: OUTBOX_QUEUE, data: { ...message, key: `${keyPrefix}:${index}` } satisfies OutboxJob }));
    await boss.insert(jobs, { db: bossExecutor(sql) });
  }

  /** After a commit that queued messages: local workers fetch now instead of at their next poll. */
  function wake(): void {
    for (const id of workerIds) boss.notifyWorker(id);
  }

  /** Delivers one message; a failure is logged and handed back to pg-boss for this message only. */
  async function deliver(job: PgBoss.Job<OutboxJob>): Promise<void> {
    try {
      const handler = all[job.data.kind];
      if (!handler) throw new Error(`no outbox handler for ${job.data.kind}`);
      await handler(job.data, { pool, logger });
    } catch (err) {
      logger.warn({ err, kind: job.data.kind, key: job.data.key }, 'outbox handler failed; pg-boss retries it');
      const { message, name } = err instanceof Error ? err : { message: String(err), name: 'Error' };
      await boss.fail(OUTBOX_QUEUE, job.id, { name, message });
    }
  }

  /** Starts the workers (the platform and tests that watch side effects; not every test app). */
  async function work({ workers = 2 }: { workers?: number } = {}): Promise<void> {
    for (let i = 0; i < workers; i += 1) {
      // Messages come in batches: one fetch and one completion for up to BATCH of them. Each is
      // delivered on its own; a failed one is failed by id (and retried with backoff), and pg-boss
      // completes the rest, which are still active, when the batch returns.
      const id: string = await boss.work<OutboxJob>(OUTBOX_QUEUE, { pollingIntervalSeconds: 0.5, batchSize: BATCH }, async (jobs) => {
        // While there is work, fetch again at once rather than after the polling interval.
        boss.notifyWorker(id);
        for (const job of jobs) await deliver(job);
      });
      workerIds.push(id);
    }
  }

  return { enqueue, wake, work, kinds: () => Object.keys(all) };
}

export type Outbox = ReturnType<typeof createOutbox>;
