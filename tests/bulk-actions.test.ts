// Bulk actions over HTTP against a real database: a job over many targets with its per-target
// outcomes (one refused target leaves the others alone; approvals per target), the same checks as a
// single action (403 audited, 400/422, replay of the same key), visibility of jobs, a worker that
// refuses a disabled operator's job, a target whose SQL fails inside the shared transaction, the
// pg-boss path end to end, a crash mid-job that resumes without running any target twice, two
// deliveries of one job taking turns, and a stop between chunks.
import request from 'supertest';
import type { Express } from 'express';
import { z } from 'zod/v4';
import { createTestDatabase } from './support/database.js';
import { createTestPlatformApp, loginAs, TEST_AUDIT_KEY } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import { createAuditService } from '../src/audit/audit-service.js';
import { createOperatorAuth } from '../src/auth/operator-auth.js';
import { createActionRunner } from '../src/actions/action-runner.js';
import { createBulkJobService } from '../src/actions/bulk-jobs.js';
import { defineAction } from '../src/actions/define-action.js';
import type { ActionServices } from '../src/actions/action-services.js';
import { createLogger } from '../src/platform/logger.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Express;
let actions: ActionServices;
let audit: ReturnType<typeof createAuditService>;
let risk: { agent: request.Agent; id: number };

const login = (roles: string[]) => loginAs(app, db, roles);

let keys = 0;
const newKey = () => `bulk-${(keys += 1)}`;
const count = async (sql: string, params: unknown[] = []) => Number((await db.pool.query(sql, params)).rows[0].n);

/** A seller with `n` active listings; `takenDown` of them (by index) already taken down. */
async function listings(n: number, { takenDown = [] as number[] } = {}): Promise<number[]> {
  const seller = await db.prisma.organization.create({ data: { kind: 'seller', name: `Seller ${keys}-${n}` } });
  const ids: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const isDown = takenDown.includes(i);
    const listing = await db.prisma.listing.create({
      data: {
        sellerOrgId: seller.id, title: `Listing ${i}`, priceAmount: 1_000 + i, currency: 'USD', status: isDown ? 'taken_down' : 'active',
        ...(isDown ? { takedownAt: new Date(), takedownReason: 'counterfeit' } : {}),
      },
    });
    ids.push(listing.id);
  }
  return ids;
}

const takedown = (ids: number[], extra: Record<string, unknown> = {}) => ({
  targets: ids.map((id) => ({ type: 'listing', id: String(id) })), reasonCode: 'counterfeit', note: 'bulk test', ...extra,
});

const startJob = async (agent: request.Agent, actionId: string, body: object, key = newKey()) => {
  const res = await agent.post(`/api/actions/${actionId}/bulk`).set('Idempotency-Key', key).send(body).expect(202);
  return res.body.job.id as string;
};

/** Per listing: takedown events and runs, as counts (each must be exactly one). */
const perListing = (ids: number[]) => Promise.all(ids.map(async (id) => ({
  events: await count(`SELECT count(*) AS n FROM domain_events WHERE name = 'ListingTakedownApplied' AND entity_id = $1`, [String(id)]),
  runs: await count(`SELECT count(*) AS n FROM action_runs WHERE action_id = 'listing.takedown' AND target_id = $1`, [String(id)]),
  attempted: await count(`SELECT count(*) AS n FROM audit.inbox WHERE action = 'listing.takedown' AND outcome = 'attempted' AND entity_id = $1`, [String(id)]),
})));

beforeAll(async () => {
  db = await createTestDatabase();
  audit = createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY });
  ({ app, actions } = createTestPlatformApp(db, { audit }));
  risk = await login(['risk_agent']);
});
afterAll(async () => {
  await db.drop();
});

describe('a bulk job', () => {
  it('takes down 30 listings with per-target outcomes; an already taken-down listing fails alone', async () => {
    const ids = await listings(30, { takenDown: [7] });
    const created = await risk.agent.post('/api/actions/listing.takedown/bulk').set('Idempotency-Key', newKey()).send(takedown(ids)).expect(202);
    const jobId = created.body.job.id;
    expect(created.body.job).toMatchObject({ actionId: 'listing.takedown', status: 'queued', total: 30, succeeded: 0, failed: 0, progress: 0 });
    // The job, its targets, its audit row and its queue message committed together.
    expect(await count('SELECT count(*) AS n FROM bulk_job_targets WHERE job_id = $1', [jobId])).toBe(30);
    expect(await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'bulk-action' AND data->>'jobId' = $1`, [jobId])).toBe(1);
    const requested = (await db.pool.query(`SELECT * FROM audit.inbox WHERE action = 'bulk.requested' AND entity_id = $1`, [jobId])).rows;
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({ operator_id: risk.id, reason_code: 'counterfeit', outcome: 'succeeded' });
    expect(requested[0].after).toMatchObject({ actionId: 'listing.takedown', total: 30 });

    await actions.bulk.process(jobId);

    const { body: { job } } = await risk.agent.get(`/api/jobs/${jobId}`).expect(200);
    expect(job).toMatchObject({ id: jobId, status: 'completed', total: 30, succeeded: 29, failed: 1, pendingApproval: 0, progress: 1 });
    expect(job.startedAt).not.toBeNull();
    expect(job.finishedAt).not.toBeNull();
    expect(job.targets.map((t: { position: number }) => t.position)).toEqual([...Array(30).keys()]);
    expect(job.targets[7]).toMatchObject({
      target: { type: 'listing', id: String(ids[7]) }, status: 'failed', errorCode: 'already_taken_down', detail: expect.stringContaining('already taken down'),
      runId: expect.any(String), approvalId: null,
    });
    for (const t of job.targets.filter((x: { position: number }) => x.position !== 7)) {
      expect(t).toMatchObject({ status: 'succeeded', runId: expect.any(String), errorCode: null, detail: null });
    }
    // Each run is tagged with the job, and the takedown happened once per active listing.
    expect(await count(`SELECT count(*) AS n FROM action_runs WHERE bulk_job_id = $1 AND status = 'succeeded'`, [jobId])).toBe(29);
    expect(await count(`SELECT count(*) AS n FROM action_runs WHERE bulk_job_id = $1 AND status = 'failed' AND error_code = 'already_taken_down'`, [jobId])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM listings WHERE id = ANY($1) AND status = 'taken_down' AND takedown_by = $2`, [ids, risk.id])).toBe(29);
    expect((await perListing(ids)).map((c) => c.events)).toEqual(ids.map((_, i) => (i === 7 ? 0 : 1)));
    expect(await count(`SELECT count(*) AS n FROM audit.inbox WHERE action = 'bulk.completed' AND entity_id = $1`, [jobId])).toBe(1);

    // Working it again changes nothing.
    await actions.bulk.process(jobId);
    expect(await count(`SELECT count(*) AS n FROM action_runs WHERE bulk_job_id = $1`, [jobId])).toBe(30);
  });

  it('asks for approval per target above the operator\'s limit, and runs the rest', async () => {
    const support = await login(['support_agent']);
    const small = await createPaidOrder(db, { amount: 5_000 });
    const large = await createPaidOrder(db, { amount: 25_000 });
    const body = { targets: [{ type: 'order', id: small.orderId }, { type: 'order', id: String(large.orderId) }], reasonCode: 'item_damaged' };
    const jobId = await startJob(support.agent, 'order.refund', body);
    await actions.bulk.process(jobId);
    const { body: { job } } = await support.agent.get(`/api/jobs/${jobId}`).expect(200);
    expect(job).toMatchObject({ status: 'completed', succeeded: 1, failed: 0, pendingApproval: 1, progress: 1 });
    expect(job.targets[0]).toMatchObject({ target: { type: 'order', id: String(small.orderId) }, status: 'succeeded' });
    expect(job.targets[1]).toMatchObject({ status: 'pending_approval', runId: null, approvalId: expect.any(String) });
    expect(await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: job.targets[1].approvalId } })).toMatchObject({ status: 'pending', targetId: String(large.orderId) });
    expect(await db.prisma.refund.count({ where: { orderId: large.orderId } })).toBe(0);
    expect(await db.prisma.refund.count({ where: { orderId: small.orderId } })).toBe(1);
  });

  it('replays the same key with the same job, and refuses it with another body', async () => {
    const ids = await listings(3);
    const key = newKey();
    const first = await risk.agent.post('/api/actions/listing.takedown/bulk').set('Idempotency-Key', key).send(takedown(ids)).expect(202);
    const replay = await risk.agent.post('/api/actions/listing.takedown/bulk').set('Idempotency-Key', key).send(takedown(ids)).expect(202);
    expect(replay.text).toBe(first.text);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const reused = await risk.agent.post('/api/actions/listing.takedown/bulk').set('Idempotency-Key', key).send(takedown(ids.slice(1))).expect(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect(await count(`SELECT count(*) AS n FROM bulk_jobs WHERE operator_id = $1 AND total = 3`, [risk.id])).toBe(1);
    // The scope is the bulk action's: the same key on the single action is another request.
    await risk.agent.post('/api/actions/listing.takedown').set('Idempotency-Key', key)
      .send({ target: { type: 'listing', id: String(ids[0]) }, reasonCode: 'counterfeit' }).expect(200);
  });
});

describe('checks before a job exists', () => {
  it('refuses an operator without the action\'s permission (403, audited) and creates nothing', async () => {
    const support = await login(['support_agent']);
    const ids = await listings(2);
    const res = await support.agent.post('/api/actions/listing.takedown/bulk').set('Idempotency-Key', newKey()).send(takedown(ids)).expect(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('forbidden');
    const denied = (await db.pool.query(`SELECT * FROM audit.inbox WHERE action = 'access.denied' AND operator_id = $1`, [support.id])).rows;
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ entity_type: 'action', entity_id: 'listing.takedown', outcome: 'denied' });
    expect(await count('SELECT count(*) AS n FROM bulk_jobs WHERE operator_id = $1', [support.id])).toBe(0);
  });

  it('validates the key, the number of targets, their types, duplicates, the reason code and the input', async () => {
    const ids = await listings(2);
    const post = (body: object, key: string | null = newKey()) => {
      const req = risk.agent.post('/api/actions/listing.takedown/bulk');
      return key === null ? req.send(body) : req.set('Idempotency-Key', key).send(body);
    };
    expect((await post(takedown(ids), null).expect(400)).body.code).toBe('idempotency_key_missing');
    const tooMany = await post(takedown(Array.from({ length: 1001 }, (_, i) => i + 1))).expect(422);
    expect(tooMany.body).toMatchObject({ code: 'validation_failed', detail: expect.stringContaining('targets') });
    expect((await post(takedown([])).expect(422)).body.code).toBe('validation_failed');
    const duplicate = await post({ ...takedown(ids), targets: [{ type: 'listing', id: ids[0] }, { type: 'listing', id: ids[1] }, { type: 'listing', id: String(ids[0]) }] }).expect(422);
    expect(duplicate.body.detail).toMatch(/targets\.2: .* targets\.0/);
    expect((await post({ ...takedown(ids), targets: [{ type: 'listing', id: ids[0] }, { type: 'order', id: '1' }] }).expect(422)).body.detail).toMatch(/^targets\.1\.type/);
    expect((await post(takedown(ids, { reasonCode: 'because' })).expect(422)).body.detail).toMatch(/^reasonCode/);
    expect((await post(takedown(ids, { input: { extra: true } })).expect(422)).body.detail).toMatch(/^input/);
    expect((await post(takedown(ids, { target: { type: 'listing', id: '1' } })).expect(422)).body.code).toBe('validation_failed');
    await risk.agent.post('/api/actions/no.such.action/bulk').set('Idempotency-Key', newKey()).send(takedown(ids)).expect(404);
    // Nothing was stored for any of them, keys included (the same key is free for a good request).
    expect(await count(`SELECT count(*) AS n FROM listings WHERE id = ANY($1) AND status = 'taken_down'`, [ids])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM idempotency_keys WHERE operator_id = $1 AND response_status = 422`, [risk.id])).toBe(0);
  });
});

describe('reading jobs', () => {
  it('shows a job to its operator and to run.read holders, and is "not found" to anyone else', async () => {
    const jobId = await startJob(risk.agent, 'listing.takedown', takedown(await listings(1)));
    const support = await login(['support_agent']);
    const finance = await login(['finance_admin']);
    await support.agent.get(`/api/jobs/${jobId}`).expect(404);
    expect((await finance.agent.get(`/api/jobs/${jobId}`).expect(200)).body.job.id).toBe(jobId);
    await risk.agent.get('/api/jobs/not-a-uuid').expect(404);
    await risk.agent.get('/api/jobs/00000000-0000-4000-8000-000000000000').expect(404);
    await request(app).get(`/api/jobs/${jobId}`).expect(401);
  });
});

describe('the worker', () => {
  it('refuses the rest of a job whose operator was disabled, running nothing', async () => {
    const temp = await login(['risk_agent']);
    const ids = await listings(3);
    const jobId = await startJob(temp.agent, 'listing.takedown', takedown(ids));
    await db.prisma.operator.update({ where: { id: temp.id }, data: { status: 'disabled' } });
    await actions.bulk.process(jobId);
    const job = await db.prisma.bulkJob.findUniqueOrThrow({ where: { id: jobId }, include: { targets: true } });
    expect(job).toMatchObject({ status: 'completed', failed: 3, succeeded: 0 });
    expect(job.targets.every((t) => t.status === 'failed' && t.errorCode === 'operator_inactive')).toBe(true);
    expect(await count('SELECT count(*) AS n FROM action_runs WHERE bulk_job_id = $1', [jobId])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM audit.inbox WHERE action = 'bulk.refused' AND entity_id = $1 AND outcome = 'denied'`, [jobId])).toBe(1);
  });

  it('rolls back only the target whose SQL fails inside the shared transaction', async () => {
    // An action whose change fails in the database for one listing, after it has written.
    const fragile = defineAction({
      id: 'test.retitle', title: 'Retitle', permission: 'listing.takedown', target: 'listing', input: z.strictObject({}), reasonCodes: ['test'],
      load: async ({ target }) => ({ id: Number(target.id) }),
      run: async ({ tx, state }) => {
        await tx.listing.update({ where: { id: state.id }, data: { title: 'retitled' } });
        if (state.id === poisoned) await tx.$executeRawUnsafe('SELECT 1 / 0');
        return { id: state.id };
      },
    });
    const ids = await listings(5);
    const poisoned = ids[2];
    const logger = createLogger({ level: 'silent' });
    const runner = createActionRunner({ db, audit, idempotency: actions.idempotency, outbox: actions.outbox, actions: [fragile], logger });
    const bulk = createBulkJobService({ pool: db.pool, prisma: db.prisma, audit, auth: createOperatorAuth({ prisma: db.prisma, pool: db.pool }), idempotency: actions.idempotency, runner, boss: actions.boss, logger });
    const operator = (await createOperatorAuth({ prisma: db.prisma, pool: db.pool }).loadPrincipal(risk.id))!;
    const submitted = await bulk.submit({ actionId: 'test.retitle', operator, idempotencyKey: newKey(), body: { ...takedown(ids), reasonCode: 'test' } });
    expect(submitted.status).toBe(202);
    const jobId = JSON.parse(submitted.body).job.id;
    await bulk.process(jobId);
    const job = await db.prisma.bulkJob.findUniqueOrThrow({ where: { id: jobId }, include: { targets: { orderBy: { position: 'asc' } } } });
    expect(job).toMatchObject({ status: 'completed', succeeded: 4, failed: 1 });
    expect(job.targets.map((t) => t.status)).toEqual(['succeeded', 'succeeded', 'failed', 'succeeded', 'succeeded']);
    expect(job.targets[2].errorCode).toBe('internal_error');
    const titles = await db.prisma.listing.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' }, select: { title: true } });
    expect(titles.map((l) => l.title)).toEqual(['retitled', 'retitled', 'Listing 2', 'retitled', 'retitled']);
    expect(await count(`SELECT count(*) AS n FROM action_runs WHERE bulk_job_id = $1 AND status = 'failed' AND target_id = $2`, [jobId, String(poisoned)])).toBe(1);
  });

  it('works queued jobs through pg-boss until they complete', async () => {
    await actions.boss.start();
    try {
      await actions.bulk.work({ workers: 1, pollingIntervalSeconds: 0.5 });
      const ids = await listings(5);
      const jobId = await startJob(risk.agent, 'risk_flag.raise', {
        targets: ids.map((id) => ({ type: 'listing', id })), input: { kind: 'counterfeit_signal', severity: 'high' }, reasonCode: 'counterfeit_report',
      });
      let job: { status: string; succeeded: number; progress: number } | undefined;
      for (let i = 0; i < 100 && job?.status !== 'completed'; i += 1) {
        job = (await risk.agent.get(`/api/jobs/${jobId}`).expect(200)).body.job;
        if (job?.status !== 'completed') await new Promise((r) => setTimeout(r, 100));
      }
      expect(job).toMatchObject({ status: 'completed', succeeded: 5, progress: 1 });
      expect(await db.prisma.riskFlag.count({ where: { entityType: 'listing', entityId: { in: ids.map(String) }, kind: 'counterfeit_signal', severity: 'high' } })).toBe(5);
    } finally {
      await actions.boss.stop({ graceful: true, wait: true, timeout: 5_000 });
    }
  });

  it('resumes after a crash mid-job with the crashed chunk\'s targets, running no target twice', async () => {
    const ids = await listings(30);
    const jobId = await startJob(risk.agent, 'listing.takedown', takedown(ids));
    // Chunks of 10; the 16th target's outcome cannot be stored: its chunk (targets 10-19) dies.
    const bulk = createBulkJobService({
      pool: db.pool, prisma: db.prisma, audit, auth: createOperatorAuth({ prisma: db.prisma, pool: db.pool }), idempotency: actions.idempotency,
      runner: actions.runner, boss: actions.boss, logger: createLogger({ level: 'silent' }), chunkSize: 10,
    });
    await db.pool.query(`
      CREATE FUNCTION test_bulk_crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated crash at target %', NEW.position; END $$;
      CREATE TRIGGER test_bulk_crash BEFORE UPDATE ON bulk_job_targets FOR EACH ROW WHEN (NEW.position = 15 AND NEW.status <> 'pending') EXECUTE FUNCTION test_bulk_crash();`);
    try {
      await expect(bulk.process(jobId)).rejects.toThrow(/simulated crash at target 15/);
    } finally {
      await db.pool.query('DROP TRIGGER test_bulk_crash ON bulk_job_targets; DROP FUNCTION test_bulk_crash()');
    }
    // The chunk holding target 15 (targets 10-19) left nothing, runs included; the other lane's
    // chunks committed: each of their targets ran once.
    const halfway = await db.prisma.bulkJob.findUniqueOrThrow({ where: { id: jobId }, include: { targets: { orderBy: { position: 'asc' } } } });
    const statuses = halfway.targets.map((t) => t.status);
    expect(statuses.slice(10, 20)).toEqual(Array(10).fill('pending'));
    const succeeded = statuses.filter((s) => s === 'succeeded').length;
    expect(succeeded).toBeGreaterThanOrEqual(10);
    expect(halfway).toMatchObject({ status: 'running', succeeded, failed: 0 });
    expect(await count('SELECT count(*) AS n FROM action_runs WHERE bulk_job_id = $1', [jobId])).toBe(succeeded);
    expect(await count(`SELECT count(*) AS n FROM listings WHERE id = ANY($1) AND status = 'taken_down'`, [ids])).toBe(succeeded);

    await bulk.process(jobId);

    const done = await db.prisma.bulkJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(done).toMatchObject({ status: 'completed', succeeded: 30, failed: 0 });
    expect(await perListing(ids)).toEqual(ids.map(() => ({ events: 1, runs: 1, attempted: 1 })));
    expect(await count(`SELECT count(*) AS n FROM listings WHERE id = ANY($1) AND status = 'taken_down'`, [ids])).toBe(30);
  });

  it('lets two deliveries of one job share its targets, chunk by chunk, running each target once', async () => {
    const ids = await listings(20);
    const jobId = await startJob(risk.agent, 'listing.takedown', takedown(ids));
    const bulk = createBulkJobService({
      pool: db.pool, prisma: db.prisma, audit, auth: createOperatorAuth({ prisma: db.prisma, pool: db.pool }), idempotency: actions.idempotency,
      runner: actions.runner, boss: actions.boss, logger: createLogger({ level: 'silent' }), chunkSize: 4,
    });
    await Promise.all([bulk.process(jobId), bulk.process(jobId)]);
    expect(await db.prisma.bulkJob.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ status: 'completed', succeeded: 20, failed: 0 });
    expect(await perListing(ids)).toEqual(ids.map(() => ({ events: 1, runs: 1, attempted: 1 })));
  });

  it('stops between chunks when asked, handing the job back; the next worker finishes it', async () => {
    const ids = await listings(10);
    const jobId = await startJob(risk.agent, 'listing.takedown', takedown(ids));
    const serviceWith = (runner: typeof actions.runner) => createBulkJobService({
      pool: db.pool, prisma: db.prisma, audit, auth: createOperatorAuth({ prisma: db.prisma, pool: db.pool }), idempotency: actions.idempotency,
      runner, boss: actions.boss, logger: createLogger({ level: 'silent' }), chunkSize: 4,
    });
    let executed = 0;
    // The platform stops while the first chunk is running.
    const stopping = serviceWith({
      ...actions.runner,
      execute: (execution) => {
        executed += 1;
        if (executed === 2) stopping.stop();
        return actions.runner.execute(execution);
      },
    });
    await expect(stopping.process(jobId)).rejects.toThrow(/stopping/);
    // Each lane finished the chunk it had started (4 targets each), then stopped.
    expect(await db.prisma.bulkJobTarget.count({ where: { jobId, status: 'succeeded' } })).toBe(8);
    await serviceWith(actions.runner).process(jobId);
    expect(await db.prisma.bulkJob.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ status: 'completed', succeeded: 10 });
    expect(await perListing(ids)).toEqual(ids.map(() => ({ events: 1, runs: 1, attempted: 1 })));
  });
});
