// Four-eyes flag changes against a real Unleash (a supervised child over its own database) and the
// real unleash-client: a flag change request is checked against Unleash when submitted (422 and
// nothing stored when it names an unknown flag, environment or variant), cannot be approved by its
// requester, and once a second operator approves it is applied through the Admin API, visible there
// and to the flag client, audited with both people. Unleash unreachable at apply time leaves a
// failed run that a retry applies later. An experiment's declared winner raises such a request;
// without a winner nothing is requested.
import { randomBytes, randomUUID } from 'node:crypto';
import supertest from 'supertest';
import type request from 'supertest';
import type { Express } from 'express';
import type { FlagClient } from '../src/flags/unleash-client.js';
import { createUnleashAdmin } from '../src/flags/unleash-admin.js';
import { buildFlagCatalog } from '../src/flags/flag-catalog.js';
import { plugins } from '../plugins/index.js';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestPlatformApp, credentials, loginAs } from './support/app.js';
import { startTestUnleash, type TestUnleash } from './support/unleash.js';
import { waitFor } from './support/within.js';

const experimentFlag = `checkout-button-${randomBytes(3).toString('hex')}`;

let unleash: TestUnleash;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let flags: FlagClient;
let app: Express;
type Agent = { agent: request.Agent; id: number };
let requester: Agent;
let approver: Agent;
let outsider: Agent;

const environmentOf = async (key: string, env = 'development') =>
  (await unleash.admin('GET', `/projects/default/features/${key}`)).body.environments.find((e: any) => e.name === env);
const weightsOf = async (key: string) =>
  Object.fromEntries((await environmentOf(key)).strategies[0].variants.map((v: { name: string; weight: number }) => [v.name, v.weight]));

const submit = (agent: request.Agent, key: string, input: Record<string, unknown>, reasonCode = 'planned_release', idempotencyKey = randomUUID()) =>
  agent.post('/api/actions/flag.change').set('Idempotency-Key', idempotencyKey).send({ target: { type: 'flag', id: key }, input, reasonCode });
const stored = async () => {
  const { rows } = await db.pool.query(`SELECT (SELECT count(*) FROM approval_requests)::int AS approvals, (SELECT count(*) FROM action_runs)::int AS runs`);
  return rows[0] as { approvals: number; runs: number };
};
const auditOf = async (key: string) =>
  (await db.pool.query(`SELECT operator_id, action, outcome, reason_code, before, after FROM audit.inbox WHERE entity_type = 'flag' AND entity_id = $1 ORDER BY seq`, [key])).rows;

beforeAll(async () => {
  [unleash, db] = await Promise.all([startTestUnleash(), createTestDatabase()]);
  await unleash.sync();
  // An experiment's flag as a product manager makes it: a 100% rollout splitting control/treatment 50/50.
  await unleash.experimentFlag({ name: experimentFlag, variants: [{ name: 'control', weight: 500 }, { name: 'treatment' }] });
  flags = unleash.flagClient({ appName: 'opsdeck-flag-change-test', refreshIntervalMs: 500 });
  expect(await flags.ready(10_000)).toBe(true);

  ({ app } = createTestPlatformApp(db, {
    unleash: flags.state, flagDefinitions: flags, flagClient: flags, unleashAdmin: createUnleashAdmin({ url: unleash.url, adminToken: unleash.adminToken }),
  }));
  [requester, approver, outsider] = await Promise.all([loginAs(app, db, ['platform_admin']), loginAs(app, db, ['super_admin']), loginAs(app, db, ['catalog_admin'])]);
}, 120_000);

afterAll(async () => {
  await unleash?.close();
  await db?.drop();
});

it('refuses an operator without flag.change (403), and input Unleash does not match (422), storing nothing', async () => {
  const before = await stored();
  const denied = await submit(outsider.agent, 'opsdeck.impersonation', { kind: 'disable', environment: 'development' }).expect(403);
  expect(denied.body).toMatchObject({ code: 'forbidden' });
  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['no-such-flag', { kind: 'enable', environment: 'development' }, /Unleash has no flag no-such-flag/],
    ['opsdeck.impersonation', { kind: 'enable', environment: 'staging' }, /input\.environment: .*no environment staging/],
    [experimentFlag, { kind: 'variants', environment: 'development', weights: { control: 500, blue: 500 } }, /input\.weights: unknown variant blue/],
    [experimentFlag, { kind: 'variants', environment: 'development', weights: { control: 1000 } }, /input\.weights: every variant needs a weight; missing treatment/],
    [experimentFlag, { kind: 'variants', environment: 'development', weights: { control: 400, treatment: 500 } }, /input\.weights: the weights sum to 900, not 1000/],
    [experimentFlag, { kind: 'rollout', environment: 'development', percentage: 101 }, /input\.percentage/],
    [experimentFlag, { kind: 'enable', environment: 'development', percentage: 50 }, /input\.percentage: only for kind rollout/],
    ['opsdeck.impersonation', { kind: 'variants', environment: 'development', weights: { a: 1000 } }, /input\.weights: .* has no variants/],
  ];
  for (const [key, input, detail] of invalid) {
    const res = await submit(requester.agent, key, input).expect(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'validation_failed', detail: expect.stringMatching(detail) });
  }
  // In bulk too: each target is checked before the job is stored.
  const bulk = await requester.agent.post('/api/actions/flag.change/bulk').set('Idempotency-Key', randomUUID())
    .send({ targets: [{ type: 'flag', id: 'opsdeck.impersonation' }, { type: 'flag', id: 'no-such-flag' }], input: { kind: 'enable', environment: 'development' }, reasonCode: 'planned_release' })
    .expect(422);
  expect(bulk.body.detail).toMatch(/Unleash has no flag no-such-flag/);
  expect(await stored()).toEqual(before);
  expect((await db.pool.query('SELECT count(*)::int AS n FROM bulk_jobs')).rows[0].n).toBe(0);
}, 30_000);

it('cannot be approved by its requester; approved by a second operator it shows in Unleash and in the flag client, audited with both people', async () => {
  const key = 'opsdeck.impersonation';
  expect(flags.isEnabled(key, {}, true)).toBe(true);
  const requested = await submit(requester.agent, key, { kind: 'disable', environment: 'development' }, 'incident_mitigation').expect(202);
  const approval = requested.body.approval;
  expect(approval).toMatchObject({
    status: 'pending', actionId: 'flag.change', requestedBy: requester.id, approverPermission: 'flag.change', approvalsRequired: 1,
    target: { type: 'flag', id: key }, payload: { target: { type: 'flag', id: key }, input: { kind: 'disable', environment: 'development' }, reasonCode: 'incident_mitigation' },
  });
  // The inbox of the second operator shows it with its exact payload.
  const inbox = (await approver.agent.get('/api/approvals?view=for_me').expect(200)).body.items;
  expect(inbox.find((a: { id: string }) => a.id === approval.id)?.payload).toEqual(approval.payload);

  const self = await requester.agent.post(`/api/approvals/${approval.id}/approve`).send({}).expect(403);
  expect(self.body.code).toBe('self_approval_forbidden');
  expect((await environmentOf(key)).enabled).toBe(true);

  const approved = await approver.agent.post(`/api/approvals/${approval.id}/approve`).send({ note: 'confirmed with on-call' }).expect(200);
  expect(approved.body).toMatchObject({ approval: { status: 'approved' }, run: { status: 'succeeded', actionId: 'flag.change' }, problem: null });
  expect((await environmentOf(key)).enabled).toBe(false);
  expect(await waitFor(() => flags.isEnabled(key, {}, true) === false, 10_000)).toBe(true);
  expect((await requester.agent.get('/api/flags').expect(200)).body.items.find((f: { key: string }) => f.key === key)).toMatchObject({ enabled: false, source: 'unleash' });

  const rows = await auditOf(key);
  const people = { approvalId: approval.id, requestedBy: requester.id, approvedBy: [approver.id] };
  // Write-ahead before the Admin API call, then the run's attempt and the applied change.
  expect(rows.map((r) => [r.action, r.outcome])).toEqual([['flag.change', 'attempted'], ['flag.change', 'attempted'], ['flag.change', 'succeeded']]);
  expect(rows[0]).toMatchObject({ operator_id: requester.id, after: expect.objectContaining({ phase: 'applying_to_unleash', ...people }) });
  expect(rows[2]).toMatchObject({
    operator_id: requester.id, reason_code: 'incident_mitigation',
    before: { enabled: true }, after: { enabled: false, change: { kind: 'disable', environment: 'development' }, ...people },
  });
  const decided = (await db.pool.query(`SELECT operator_id, outcome FROM audit.inbox WHERE action = 'approval.approve' AND entity_id = $1 ORDER BY seq`, [approval.id])).rows;
  expect(decided).toEqual([{ operator_id: requester.id, outcome: 'denied' }, { operator_id: approver.id, outcome: 'succeeded' }]);

  // And back on, the same way (rollout of a release is symmetric).
  const again = await submit(requester.agent, key, { kind: 'enable', environment: 'development' }).expect(202);
  await approver.agent.post(`/api/approvals/${again.body.approval.id}/approve`).send({}).expect(200);
  expect(await waitFor(() => flags.isEnabled(key, {}, false) === true, 10_000)).toBe(true);
}, 60_000);

it('sets the rollout percentage of the flexibleRollout strategy', async () => {
  const requested = await submit(requester.agent, experimentFlag, { kind: 'rollout', environment: 'development', percentage: 25 }, 'gradual_rollout').expect(202);
  await approver.agent.post(`/api/approvals/${requested.body.approval.id}/approve`).send({}).expect(200);
  const env = await environmentOf(experimentFlag);
  expect(env.strategies).toHaveLength(1);
  expect(env.strategies[0].parameters).toMatchObject({ rollout: '25', groupId: experimentFlag });
  expect(await weightsOf(experimentFlag)).toEqual({ control: 500, treatment: 500 });
  const last = (await auditOf(experimentFlag)).at(-1);
  expect(last).toMatchObject({ outcome: 'succeeded', before: { rollout: 100 }, after: { rollout: 25 } });
}, 30_000);

it('with Unleash unreachable at apply time leaves a failed run, audited as failed, that a retry applies later', async () => {
  const change = { kind: 'variants', environment: 'development', weights: { control: 200, treatment: 800 } };
  const submissionKey = randomUUID();
  const requested = await submit(requester.agent, experimentFlag, change, 'planned_release', submissionKey).expect(202);
  const approvalId = requested.body.approval.id as string;
  await unleash.supervisor.stop();
  try {
    // A replay is answered from the store, without Unleash; a new request cannot be checked: 503, nothing stored.
    const replay = await submit(requester.agent, experimentFlag, change, 'planned_release', submissionKey).expect(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.approval.id).toBe(approvalId);
    const before = await stored();
    expect((await submit(requester.agent, experimentFlag, change).expect(503)).body.code).toBe('unleash_unavailable');
    expect(await stored()).toEqual(before);

    const approved = await approver.agent.post(`/api/approvals/${approvalId}/approve`).send({}).expect(200);
    expect(approved.body.approval.status).toBe('approved');
    expect(approved.body.problem).toMatchObject({ code: 'unleash_unavailable', status: 503 });
  } finally {
    await unleash.supervisor.start();
  }
  const failed = (await requester.agent.get('/api/runs?status=failed&actionId=flag.change').expect(200)).body.items;
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ status: 'failed', approvalId, error: { code: 'unleash_unavailable' }, retriedByRunId: null });
  expect(await weightsOf(experimentFlag)).toEqual({ control: 500, treatment: 500 });
  // Attempted and failed, never audited as applied (Unleash could not even be read: no write-ahead row either).
  const ofRun = (await auditOf(experimentFlag)).filter((r) => r.after?.runId === failed[0].id);
  expect(ofRun.map((r) => [r.outcome, r.operator_id])).toEqual([['attempted', requester.id], ['failed', requester.id]]);
  expect(ofRun[1].after.error).toMatchObject({ code: 'unleash_unavailable' });

  const retried = await requester.agent.post(`/api/runs/${failed[0].id}/retry`).set('Idempotency-Key', randomUUID()).expect(200);
  expect(retried.body.run).toMatchObject({ status: 'succeeded', approvalId, retryOfRunId: failed[0].id });
  expect(await weightsOf(experimentFlag)).toEqual({ control: 200, treatment: 800 });
  expect((await auditOf(experimentFlag)).at(-1)).toMatchObject({
    outcome: 'succeeded', before: { variants: [{ name: 'control', weight: 500 }, { name: 'treatment', weight: 500 }] },
    after: { variants: [{ name: 'control', weight: 200 }, { name: 'treatment', weight: 800 }], requestedBy: requester.id, approvedBy: [approver.id] },
  });
}, 90_000);

it('maps Unleash refusing a change (4xx) to 502 unleash_refused, never to success', async () => {
  const admin = createUnleashAdmin({ url: unleash.url, adminToken: unleash.adminToken });
  await expect(admin.updateStrategy(experimentFlag, 'development', { id: randomUUID(), name: 'flexibleRollout', parameters: { rollout: '50' } }))
    .rejects.toMatchObject({ status: 502, code: 'unleash_refused', extensions: { unleashStatus: 404 } });
  // A client (backend) token is not an admin token: Unleash refuses it.
  const notAdmin = createUnleashAdmin({ url: unleash.url, adminToken: unleash.clientToken });
  await expect(notAdmin.setEnabled(experimentFlag, 'development', false)).rejects.toMatchObject({ status: 502, code: 'unleash_refused' });
  expect((await environmentOf(experimentFlag)).enabled).toBe(true);
}, 30_000);

it('raises a request to roll an experiment\'s winner out to 100% only once the results declare one', async () => {
  await requester.agent.put(`/api/experiments/${experimentFlag}`)
    .send({ status: 'running', minSamplePerVariant: 50, variants: [{ name: 'control', isControl: true, weight: 1 }, { name: 'treatment', weight: 1 }] }).expect(201);
  const rollout = () => requester.agent.post(`/api/experiments/${experimentFlag}/rollout-winner`).set('Idempotency-Key', randomUUID()).send({});
  const before = await stored();
  const none = await rollout().expect(409);
  expect(none.body).toMatchObject({ code: 'no_winner', reasons: expect.arrayContaining([expect.any(String)]) });
  expect(await stored()).toEqual(before);
  await outsider.agent.post(`/api/experiments/${experimentFlag}/rollout-winner`).set('Idempotency-Key', randomUUID()).send({}).expect(403);

  // 200 users a variant; treatment converts 60%, control 10%.
  const events = ['control', 'treatment'].flatMap((variant) => Array.from({ length: 200 }, (_, i) => [
    { id: `e-${variant}-${i}`, type: 'exposure', userId: `${variant}-${i}`, variant },
    ...(i < (variant === 'treatment' ? 120 : 20) ? [{ id: `c-${variant}-${i}`, type: 'conversion', userId: `${variant}-${i}` }] : []),
  ]).flat());
  await requester.agent.post(`/api/experiments/${experimentFlag}/events`).send({ events }).expect(200);
  expect((await requester.agent.get(`/api/experiments/${experimentFlag}/results`).expect(200)).body.winner).toBe('treatment');

  const raised = await rollout().expect(202);
  expect(raised.body.approval).toMatchObject({
    status: 'pending', actionId: 'flag.change', requestedBy: requester.id,
    payload: { target: { type: 'flag', id: experimentFlag }, input: { kind: 'variants', environment: 'development', weights: { control: 0, treatment: 1000 } }, reasonCode: 'experiment_winner' },
  });
  expect(await weightsOf(experimentFlag)).toEqual({ control: 200, treatment: 800 });
  await approver.agent.post(`/api/approvals/${raised.body.approval.id}/approve`).send({}).expect(200);
  expect(await weightsOf(experimentFlag)).toEqual({ control: 0, treatment: 1000 });
  expect(await waitFor(() => flags.definition(experimentFlag)?.strategies?.[0]?.variants?.find((v) => v.name === 'treatment')?.weight === 1000, 10_000)).toBe(true);
}, 60_000);

describe('the backoffice', () => {
  const resourceApi = (resource: string) => `/admin/api/resources/${resource}`;
  async function adminLogin(roles: string[]): Promise<Agent> {
    const operator = await createOperator(db, { roles });
    const agent = supertest.agent(app);
    await agent.post('/admin/login').type('form').send(await credentials(operator)).expect(302);
    return { agent, id: operator.id };
  }

  it('lists the declared flags with their Unleash state, and its "Change feature flag" button raises a request the Approvals screen shows', async () => {
    const [product, reviewer, reader] = await Promise.all([adminLogin(['platform_admin']), adminLogin(['super_admin']), adminLogin(['catalog_admin'])]);
    const key = 'opsdeck.bulk-actions';
    const list = (await reader.agent.get(`${resourceApi('Flags')}/actions/list`).query({ perPage: 50 }).expect(200)).body.records;
    expect(list.map((r: { id: string }) => r.id)).toEqual([...buildFlagCatalog(plugins).keys()].sort());
    expect(list.find((r: { id: string }) => r.id === key).params).toMatchObject({ key, type: 'kill-switch', enabled: true, rollout: 100, source: 'unleash' });

    // Without flag.change the button is refused before anything runs.
    const body = { input: { kind: 'disable', environment: 'development' }, reasonCode: 'planned_release', note: 'bulk jobs paused for the migration' };
    const denied = await reader.agent.post(`${resourceApi('Flags')}/records/${key}/flag-change`).send({ actionRequest: JSON.stringify(body), idempotencyKey: randomUUID() });
    expect(denied.status).toBe(403);

    const requested = await product.agent.post(`${resourceApi('Flags')}/records/${key}/flag-change`).send({ actionRequest: JSON.stringify(body), idempotencyKey: randomUUID() }).expect(200);
    const approvalId = requested.body.outcome.approvalId as string;
    expect(approvalId).toMatch(/^[0-9a-f-]{36}$/);
    const shown = await reviewer.agent.get(`${resourceApi('ApprovalRequest')}/records/${approvalId}/show`).expect(200);
    expect(shown.body.record.params).toMatchObject({
      actionId: 'flag.change', status: 'pending', targetType: 'flag', targetId: key,
      'payload.input.kind': 'disable', 'payload.input.environment': 'development', 'payload.reasonCode': 'planned_release', 'payload.note': 'bulk jobs paused for the migration',
    });
    expect((await environmentOf(key)).enabled).toBe(true);

    const approved = await reviewer.agent.post(`${resourceApi('ApprovalRequest')}/records/${approvalId}/approve`).send({ note: 'ok', idempotencyKey: randomUUID() }).expect(200);
    expect(approved.body.notice).toMatchObject({ type: 'success' });
    expect((await environmentOf(key)).enabled).toBe(false);
    expect(await waitFor(async () => (await reader.agent.get(`${resourceApi('Flags')}/records/${key}/show`)).body.record.params.enabled === false, 10_000)).toBe(true);

    const back = await submit(requester.agent, key, { kind: 'enable', environment: 'development' }).expect(202);
    await approver.agent.post(`/api/approvals/${back.body.approval.id}/approve`).send({}).expect(200);
    expect((await environmentOf(key)).enabled).toBe(true);
  }, 60_000);
});
