// The RBAC matrix, tried cell by cell: every seeded role logs in and calls every backoffice action
// on every resource and every API route, and each answer must be what the documented matrix
// (docs/rbac-matrix.md, rendered from the same function) says. Plus what the matrix cannot show:
// masking, denials as 403 problem+json that are recorded, roles changing mid-session, and a start
// refused for an unknown permission key.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials, type TestOperator } from './support/app.js';
import { createAuditRecorder } from './support/audit-recorder.js';
import { plugins } from '../plugins/index.js';
import { marketplacePlugin } from '../plugins/marketplace/index.js';
import { seedDemo } from '../plugins/marketplace/seed/demo.js';
import { seedDemo as seedActionCenterDemo } from '../plugins/action-center/seed/demo.js';
import { createApp } from '../src/app.js';
import { createAuditService } from '../src/audit/audit-service.js';
import { createAdmin } from '../src/admin/create-admin.js';
import { ADMIN_TRANSLATIONS } from '../src/admin/admin-translations.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/platform/logger.js';
import type { Plugin } from '../src/platform/plugin.js';
import { ensureSeedRoles } from '../src/rbac/ensure-seed-roles.js';
import { ADMIN_ACTIONS, buildRbacModel, requiredPermission, type AdminActionName, type SeededRole } from '../src/rbac/rbac-model.js';
import { accessMatrix, isAllowed, isRouteAllowed, renderAccessMatrix, type ResourceRow } from '../src/rbac/access-matrix.js';

type Agent = ReturnType<typeof request.agent>;

// Routes with parameters, or whose permitted answer to an empty request is not 200: a sample call
// and the status a permitted role gets (a 404 for an id that does not exist, a 422 for an empty body).
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const ROUTE_SAMPLES: Record<string, { path: string; allowed: number; body?: object }> = {
  'POST /api/actions/:actionId': { path: '/api/actions/no.such.action', allowed: 404 },
  'GET /api/search': { path: '/api/search?q=12345', allowed: 200 },
  'GET /api/entities/:type/:id': { path: '/api/entities/no_such_type/1', allowed: 404 },
  'POST /api/actions/:actionId/bulk': { path: '/api/actions/no.such.action/bulk', allowed: 404 },
  'GET /api/jobs/:id': { path: `/api/jobs/${NO_SUCH_ID}`, allowed: 404 },
  'GET /api/runs/:id': { path: `/api/runs/${NO_SUCH_ID}`, allowed: 404 },
  'POST /api/runs/:id/retry': { path: `/api/runs/${NO_SUCH_ID}/retry`, allowed: 404 },
  'GET /api/approvals/:id': { path: `/api/approvals/${NO_SUCH_ID}`, allowed: 404 },
  'POST /api/approvals/:id/approve': { path: `/api/approvals/${NO_SUCH_ID}/approve`, allowed: 404 },
  'POST /api/approvals/:id/deny': { path: `/api/approvals/${NO_SUCH_ID}/deny`, allowed: 404 },
  // Every matrix operator has a confirmed authenticator: no code is a 422, a second enrolment a 409.
  'POST /api/session/step-up': { path: '/api/session/step-up', allowed: 422 },
  'POST /api/session/mfa/enrol': { path: '/api/session/mfa/enrol', allowed: 409 },
  'POST /api/session/mfa/confirm': { path: '/api/session/mfa/confirm', allowed: 422 },
  'DELETE /api/sessions/:id': { path: `/api/sessions/${NO_SUCH_ID}`, allowed: 404 },
  'POST /api/impersonations': { path: '/api/impersonations', allowed: 422 },
  'DELETE /api/impersonations/:id': { path: `/api/impersonations/${NO_SUCH_ID}`, allowed: 404 },
  'POST /api/impersonations/:id/token': { path: `/api/impersonations/${NO_SUCH_ID}/token`, allowed: 404 },
  // Experiments: no such experiment is a 404; a new one without variants is a 422 (nothing is created).
  'GET /api/experiments/:key': { path: '/api/experiments/no-such-experiment', allowed: 404 },
  'PUT /api/experiments/:key': { path: '/api/experiments/matrix-experiment', allowed: 422 },
  'POST /api/experiments/:key/events': { path: '/api/experiments/no-such-experiment/events', allowed: 404 },
  'GET /api/experiments/:key/results': { path: '/api/experiments/no-such-experiment/results', allowed: 404 },
  'POST /api/experiments/:key/rollout-winner': { path: '/api/experiments/no-such-experiment/rollout-winner', allowed: 404 },
  // An empty body: allowed callers get 422 and no token is made.
  'POST /api/tokens': { path: '/api/tokens', allowed: 422 },
  'DELETE /api/tokens/:id': { path: '/api/tokens/2147483647', allowed: 404 },
  // The timeline checks the type's read permission itself: a type nobody declares is a 404 for everyone.
  'GET /api/entities/:type/:id/timeline': { path: '/api/entities/no_such_type/1/timeline', allowed: 404 },
};
type Outcome = 'allowed' | 'denied' | string;

const model = buildRbacModel({ plugins });
const matrix = accessMatrix(model);
const roles = matrix.roles.map((r) => [r.key, r] as const);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let auditPool: pg.Pool;
let server: http.Server;
let baseUrl: string;
const agents = new Map<string, Agent>();
const operatorIds = new Map<string, number>();
const operatorsByRole = new Map<string, TestOperator>();
const sampleIds = new Map<string, string>();
// Resources whose rows are per operator (visibleTo: approvals, runs): each role tries its own row.
const ownSampleIds = new Map<string, string>();
const sampleOf = (resource: string, role: string) => ownSampleIds.get(`${resource}:${role}`) ?? sampleIds.get(resource)!;

// An approval request and a run of each role's own, for the per-operator resources.
async function createOwnRows(operatorId: number, roleKey: string): Promise<void> {
  const payload = { target: { type: 'order', id: '1' }, input: {}, reasonCode: 'goodwill_gesture', note: null };
  const approval = await db.prisma.approvalRequest.create({
    data: {
      id: randomUUID(), actionId: 'order.refund', requestedBy: operatorId, requesterRoles: [roleKey], targetType: 'order', targetId: '1',
      payload, payloadHash: 'a'.repeat(64), policyReason: 'matrix test', approvalsRequired: 1, approverPermission: 'refund.issue.over_limit',
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  const run = await db.prisma.actionRun.create({
    data: {
      id: randomUUID(), actionId: 'order.cancel', status: 'failed', operatorId, operatorRoles: [roleKey], targetType: 'order', targetId: '1',
      input: {}, reasonCode: 'buyer_request', errorCode: 'matrix_test', startedAt: new Date(),
    },
  });
  ownSampleIds.set(`ApprovalRequest:${roleKey}`, approval.id);
  ownSampleIds.set(`ActionRun:${roleKey}`, run.id);
}

// Denials recorded by the real audit service (committed rows, sealed into the chain or not yet).
type DenialRow = { operatorId: number | null; roles: string[]; action: string; entityType: string | null; entityId: string | null; note: string | null; outcome: string };
async function recorded(where: { operatorId: number }): Promise<DenialRow[]> {
  // Denials only: the same operator's logins and audited writes are in the log too.
  const columns = `seq, operator_id AS "operatorId", operator_roles AS roles, action, entity_type AS "entityType", entity_id AS "entityId", note, outcome`;
  const denialsOf = `WHERE operator_id = $1 AND action = 'access.denied'`;
  const { rows } = await db.pool.query<DenialRow & { seq?: string }>(
    `SELECT * FROM (SELECT ${columns} FROM audit.inbox ${denialsOf} UNION ALL SELECT ${columns} FROM audit.events ${denialsOf}) d ORDER BY seq`,
    [where.operatorId],
  );
  return rows.map(({ seq: _seq, ...row }) => row);
}

const delegate = (modelName: string) =>
  (db.prisma as unknown as Record<string, { findFirst: (q: object) => Promise<{ id: unknown } | null> }>)[modelName[0].toLowerCase() + modelName.slice(1)];

async function logIn(op: TestOperator): Promise<Agent> {
  const agent = request.agent(baseUrl);
  await agent.post('/admin/login').type('form').send(await credentials(op)).expect(302);
  return agent;
}

beforeAll(async () => {
  db = await createTestDatabase();
  // Its own pool: hundreds of denials are recorded here, each in a transaction of its own.
  auditPool = new pg.Pool({ connectionString: db.url, max: 8 });
  const audit = createAuditService({ pool: auditPool, signingKey: 'rbac-matrix-test-signing-key-0123456789' });
  server = http.createServer(createTestApp(db, { audit }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Operators first: the demo data refers to them (case assignees, note authors, holds).
  const operators = await Promise.all(matrix.roles.map((role) => createOperator(db, { roles: [role.key] })));
  await seedDemo({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 5 });
  // The Action Center's demo orders and tickets (plugins/action-center/seed/demo.ts).
  await seedActionCenterDemo({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 5 });
  // A past impersonation for the Impersonations screen (the core's own record; no demo data writes one).
  await db.prisma.impersonation.create({
    data: { id: randomUUID(), operatorId: operators[0].id, targetUserId: 1, reasonCode: 'other', note: 'matrix test', sessionId: '0'.repeat(64), expiresAt: new Date(), endedAt: new Date(), endReason: 'ended' },
  });
  // An API token for the API tokens screen (made by the API or the CLI, never by demo data).
  await db.pool.query(`INSERT INTO api_tokens (name, token_hash, prefix, scope) VALUES ('matrix', repeat('0', 64), 'odt_matrix', 'experiments:ingest')`);
  await Promise.all(
    matrix.roles.map(async (role, i) => {
      operatorIds.set(role.key, operators[i].id);
      operatorsByRole.set(role.key, operators[i]);
      agents.set(role.key, await logIn(operators[i]));
      await createOwnRows(operators[i].id, role.key);
    }),
  );
  for (const resource of matrix.resources) {
    const row = await delegate(resource.model).findFirst({ select: { id: true }, orderBy: { id: 'asc' } });
    if (!row) throw new Error(`no ${resource.model} row to try record actions on`);
    sampleIds.set(resource.model, String(row.id));
  }
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await auditPool?.end();
  await db?.drop();
});

// ---- the backoffice cells

// A valid record for each resource a role may create, so an allowed `new` really creates one.
const NEW_RECORDS: Record<string, (role: string) => Record<string, string>> = {
  Role: (role) => ({ key: `made_by_${role}`, name: `Made by ${role}`, description: 'matrix test', 'permissions.0': 'order.read' }),
  CatalogItem: (role) => ({ sku: `MATRIX-${role}`, name: `Item by ${role}`, category: 'test' }),
  SupportCase: (role) => ({ subject: `Case by ${role}`, slaFirstResponseDueAt: new Date(Date.now() + 86_400_000).toISOString() }),
  SupportCaseNote: (role) => ({ supportCase: sampleIds.get('SupportCase')!, body: `Note by ${role}`, author: String(operatorIds.get('super_admin')) }),
};

function call(agent: Agent, resource: string, action: AdminActionName, role: string): request.Test {
  const id = encodeURIComponent(sampleOf(resource, role));
  const base = `/admin/api/resources/${resource}`;
  switch (action) {
    case 'list':
      return agent.get(`${base}/actions/list`).query({ perPage: 2 });
    case 'search':
      // AdminJS searches the title property; the id is a valid query for text and numeric titles.
      return agent.get(`${base}/actions/search/${id}`);
    case 'new':
      return agent.post(`${base}/actions/new`).type('form').send(NEW_RECORDS[resource]?.(role) ?? {});
    case 'bulkDelete':
      // GET asks for the confirmation list: the access check runs, nothing is deleted.
      return agent.get(`${base}/bulk/bulkDelete`).query({ recordIds: sampleOf(resource, role) });
    default:
      // show, and GET edit/delete: the form and the confirmation, never a change.
      return agent.get(`${base}/records/${id}/${action}`);
  }
}

function outcome(res: request.Response, action: AdminActionName, resource: string, role: string): Outcome {
  const body = res.body ?? {};
  if (res.status === 403 && body.code === 'forbidden' && body.notice?.message === 'forbiddenError') return 'denied';
  const isOk =
    res.status === 200 &&
    body.notice?.type !== 'error' &&
    (action === 'list' || action === 'search' || action === 'bulkDelete'
      ? Array.isArray(body.records) && (action !== 'bulkDelete' || body.records.length === 1)
      : action === 'new'
        ? body.notice?.type === 'success' && Boolean(body.record?.id)
        : String(body.record?.id) === sampleOf(resource, role));
  return isOk ? 'allowed' : `unexpected ${res.status} ${JSON.stringify(body).slice(0, 300)}`;
}

describe('the documented matrix', () => {
  it('is the committed docs/rbac-matrix.md (npm run docs:rbac)', () => {
    expect(fs.readFileSync('docs/rbac-matrix.md', 'utf8')).toBe(renderAccessMatrix(matrix));
  });

  it('covers every seeded role, every resource and every standard action', () => {
    expect(matrix.roles).toHaveLength(14);
    expect(matrix.resources.map((r) => r.model).sort()).toEqual(model.resources.map((r) => r.model).sort());
    for (const r of matrix.resources) expect(Object.keys(r.actions)).toEqual([...ADMIN_ACTIONS]);
  });

  it('gives Super Admin and Platform admin every key, keeps tier 1 and client success read-only, and pii.read to few', () => {
    const byKey = new Map<string, SeededRole>(matrix.roles.map((r) => [r.key, r]));
    const all = Object.keys(model.catalog).sort();
    expect(byKey.get('super_admin')!.permissions).toEqual(all);
    expect(byKey.get('platform_admin')!.permissions).toEqual(all);
    for (const key of ['support_tier_1', 'client_success']) {
      expect(byKey.get(key)!.permissions.filter((p) => !p.endsWith('.read'))).toEqual([]);
    }
    expect(matrix.roles.filter((r) => r.permissions.includes('pii.read')).map((r) => r.key).sort()).toEqual(
      ['platform_admin', 'risk_agent', 'super_admin', 'support_admin'],
    );
  });
});

describe.each(roles)('as %s', (roleKey, role: SeededRole) => {
  it('every backoffice action on every resource answers as the matrix says', async () => {
    const agent = agents.get(roleKey)!;
    // A fresh code (the login's may be minutes old): saving a role and the actions marked stepUp need one.
    await agent.post('/api/session/step-up').send({ totp: await operatorsByRole.get(roleKey)!.totp() }).expect(200);
    const cells = matrix.resources.flatMap((resource: ResourceRow) => ADMIN_ACTIONS.map((action) => ({ resource: resource.model, action, permission: resource.actions[action] })));
    const deniedBefore = (await recorded({ operatorId: operatorIds.get(roleKey)! })).length;
    const before = { roles: await db.prisma.role.count(), items: await db.prisma.catalogItem.count(), cases: await db.prisma.supportCase.count(), notes: await db.prisma.supportCaseNote.count() };
    const answers = await Promise.all(
      cells.map(async (c) => {
        if (c.action === 'new' && isAllowed(role, c.permission) && !NEW_RECORDS[c.resource]) throw new Error(`add a NEW_RECORDS entry for ${c.resource}`);
        const res = await call(agent, c.resource, c.action, roleKey);
        return { cell: `${c.resource}.${c.action}`, expected: isAllowed(role, c.permission) ? 'allowed' : 'denied', actual: outcome(res, c.action, c.resource, roleKey) };
      }),
    );
    expect(answers.filter((a) => a.actual !== a.expected)).toEqual([]);
    expect(answers).toHaveLength(matrix.resources.length * ADMIN_ACTIONS.length);
    // Every denial is a recorded security event.
    const denials = (await recorded({ operatorId: operatorIds.get(roleKey)! })).slice(deniedBefore);
    expect(denials).toHaveLength(answers.filter((a) => a.expected === 'denied').length);
    for (const d of denials) expect(d).toMatchObject({ action: 'access.denied', outcome: 'denied', roles: [roleKey] });

    // Allowed creations created exactly one row each; denied ones none.
    const made = (resource: string) => (isAllowed(role, matrix.resources.find((r) => r.model === resource)!.actions.new) ? 1 : 0);
    expect(await db.prisma.role.count()).toBe(before.roles + made('Role'));
    expect(await db.prisma.catalogItem.count()).toBe(before.items + made('CatalogItem'));
    expect(await db.prisma.supportCase.count()).toBe(before.cases + made('SupportCase'));
    expect(await db.prisma.supportCaseNote.count()).toBe(before.notes + made('SupportCaseNote'));
    // A note's author is whoever added it, whatever the form says.
    const notes = await db.prisma.supportCaseNote.findMany({ where: { body: `Note by ${roleKey}` } });
    expect(notes.map((n) => n.authorOperatorId)).toEqual(made('SupportCaseNote') ? [operatorIds.get(roleKey)] : []);
  });

  it('every API route answers as the matrix says', async () => {
    const agent = agents.get(roleKey)!;
    for (const route of matrix.apiRoutes) {
      const key = `${route.method} ${route.path}`;
      // A pack's route may carry its own sample (src/platform/plugin-routes.ts).
      const own = (route as { sample?: { path: string; status: number } }).sample;
      const sample = ROUTE_SAMPLES[key] ?? (own ? { path: own.path, allowed: own.status } : { path: route.path, allowed: 200 });
      if (sample.path.includes(':')) throw new Error(`give the matrix test a sample for ${route.path}`);
      const res = await agent[route.method.toLowerCase() as 'get'](sample.path).set('Idempotency-Key', `matrix-${roleKey}`).send(sample.body ?? {});
      expect({ route: key, status: res.status }).toEqual({ route: key, status: isRouteAllowed(role, route) ? sample.allowed : 403 });
    }
  });

  it('every operator action answers as the matrix says: 403 without its permission, validation with it', async () => {
    const agent = agents.get(roleKey)!;
    for (const action of matrix.actions) {
      // An empty body: a permitted role gets as far as validation (422) and nothing runs.
      const res = await agent.post(`/api/actions/${action.id}`).set('Idempotency-Key', `matrix-${roleKey}`).send({});
      expect({ action: action.id, status: res.status }).toEqual({ action: action.id, status: isAllowed(role, action.permission) ? 422 : 403 });
    }
  });

  it('AdminJS itself allows the same cells, synchronously, and shows only those', () => {
    // Only access is looked at here: the services behind the buttons are never called.
    const unused = () => Promise.reject(new Error('not called in this test'));
    const admin = createAdmin({ prisma: db.prisma, audit: createAuditRecorder(), rbac: model, actions: { runner: { submit: unused }, approvals: { decide: unused }, runs: { retry: unused } } });
    const currentAdmin = { email: 'x@test.local', permissions: role.permissions };
    for (const resource of matrix.resources) {
      const decorated = admin.findResource(resource.model).decorate();
      for (const name of ADMIN_ACTIONS) {
        const isAccessible = decorated.actions[name].isAccessible(currentAdmin);
        expect(typeof isAccessible).toBe('boolean');
        expect({ cell: `${resource.model}.${name}`, isAccessible }).toEqual({ cell: `${resource.model}.${name}`, isAccessible: isAllowed(role, resource.actions[name]) });
      }
      // What the UI offers: buttons, and the sidebar entry (a resource without list has no link).
      const shown = [...decorated.resourceActions(currentAdmin), ...decorated.recordActions(undefined as never, currentAdmin), ...decorated.bulkActions(undefined as never, currentAdmin)];
      const access = model.resources.find((r) => r.model === resource.model)!.access;
      for (const action of shown) expect(`${resource.model}.${action.name}: ${isAllowed(role, requiredPermission(access, action.name))}`).toBe(`${resource.model}.${action.name}: true`);
      // Custom actions too (the action runner's buttons, the inbox's decisions): each needs its own permission.
      for (const [name, action] of Object.entries(decorated.actions)) {
        expect({ cell: `${resource.model}.${name}`, isAccessible: action.isAccessible(currentAdmin) }).toEqual({ cell: `${resource.model}.${name}`, isAccessible: isAllowed(role, requiredPermission(access, name)) });
      }
      expect(Boolean(decorated.getHref(currentAdmin))).toBe(isAllowed(role, resource.actions.list));
    }
  });
});

// ---- masking

describe('personal data', () => {
  const MASKED_EMAIL = /^.•••@.•••(\.[a-z]+)?$/;
  const MASKED_NAME = /^.(\. .)?•••$/;
  const customers = async () => new Map((await db.prisma.customerUser.findMany()).map((c) => [String(c.id), c]));

  it('is masked for a role without pii.read in lists, show pages, search results, related records and titles', async () => {
    const agent = agents.get('support_agent')!;
    const byId = await customers();

    const list = await agent.get('/admin/api/resources/CustomerUser/actions/list').query({ perPage: 10 });
    expect(list.body.records.length).toBeGreaterThan(0);
    for (const r of list.body.records) {
      expect(r.params.email).toMatch(MASKED_EMAIL);
      expect(r.params.email).not.toBe(byId.get(String(r.id))!.email);
      expect(r.title).toMatch(MASKED_EMAIL);
      expect(r.params.name).toMatch(MASKED_NAME);
      if (byId.get(String(r.id))!.phone) expect(r.params.phone).toMatch(/^•••• \d{4}$/);
    }
    const id = list.body.records[0].id;
    const show = await agent.get(`/admin/api/resources/CustomerUser/records/${id}/show`);
    expect(show.body.record.params.email).toMatch(MASKED_EMAIL);
    expect(show.body.record.title).toMatch(MASKED_EMAIL);

    const search = await agent.get('/admin/api/resources/CustomerUser/actions/search/e');
    expect(search.body.records.length).toBeGreaterThan(0);
    for (const r of search.body.records) expect(r.title).toMatch(MASKED_EMAIL);

    // An Order shows its buyer as a related record titled by the buyer's email.
    const orders = await agent.get('/admin/api/resources/Order/actions/list').query({ perPage: 5 });
    expect(orders.body.records.length).toBeGreaterThan(0);
    for (const order of orders.body.records) {
      const buyer = order.populated.buyerUser;
      expect(buyer.title).toMatch(MASKED_EMAIL);
      expect(buyer.params.email).toMatch(MASKED_EMAIL);
      expect(buyer.params.name).toMatch(MASKED_NAME);
    }
    expect(JSON.stringify([list.body, show.body, search.body, orders.body])).not.toContain(byId.get(String(id))!.email);
  });

  it('is shown as is to a role with pii.read', async () => {
    const agent = agents.get('risk_agent')!;
    const byId = await customers();
    const list = await agent.get('/admin/api/resources/CustomerUser/actions/list').query({ perPage: 10 });
    for (const r of list.body.records) {
      expect(r.params.email).toBe(byId.get(String(r.id))!.email);
      expect(r.title).toBe(byId.get(String(r.id))!.email);
      expect(r.params.name).toBe(byId.get(String(r.id))!.name);
    }
    const orders = await agent.get('/admin/api/resources/Order/actions/list').query({ perPage: 5 });
    for (const order of orders.body.records) {
      expect(order.populated.buyerUser.title).toBe(byId.get(String(order.params.buyerUser))!.email);
    }
  });

  it('reduces related records of a resource the role may not read to their id', async () => {
    const supportCase = await db.prisma.supportCase.findFirst({ where: { assigneeOperatorId: { not: null } } });
    expect(supportCase).not.toBeNull();
    // Client success reads support cases but not operators.
    const show = await agents.get('client_success')!.get(`/admin/api/resources/SupportCase/records/${supportCase!.id}/show`);
    expect(show.status).toBe(200);
    expect(show.body.record.populated.assignee).toMatchObject({ id: supportCase!.assigneeOperatorId, title: String(supportCase!.assigneeOperatorId), params: {}, recordActions: [] });
    // A role that reads operators sees the assignee.
    const visible = await agents.get('support_agent')!.get(`/admin/api/resources/SupportCase/records/${supportCase!.id}/show`);
    expect(visible.body.record.populated.assignee.params.email).toBeDefined();
  });
});

// ---- denials

describe('a denial', () => {
  it('in the API is a 403 problem+json with code forbidden, and is recorded', async () => {
    const op = await createOperator(db);
    const agent = request.agent(baseUrl);
    await agent.post('/api/session').send(await credentials(op)).expect(200);
    const res = await agent.get('/api/roles').set('X-Correlation-Id', 'rbac-test-1');
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'https://opsdeck.dev/problems/forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'Your roles do not grant role.read.',
      code: 'forbidden',
      correlationId: 'rbac-test-1',
    });
    expect(await recorded({ operatorId: op.id })).toEqual([
      { operatorId: op.id, roles: [], action: 'access.denied', entityType: 'route', entityId: 'GET /api/roles', note: 'missing permission role.read', outcome: 'denied' },
    ]);
  });

  it('in the backoffice is a 403 carrying AdminJS\'s forbidden notice, worded clearly, and is recorded', async () => {
    const agent = agents.get('support_tier_1')!;
    const id = sampleIds.get('LedgerEntry')!;
    const res = await agent.get(`/admin/api/resources/LedgerEntry/records/${id}/show`);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'forbidden', status: 403, notice: { message: 'forbiddenError', type: 'error' } });
    expect(res.body.detail).toBe('Your roles do not grant ledger.read (show on LedgerEntry).');
    expect(JSON.stringify(res.body)).not.toMatch(/"amount"/);
    expect(await recorded({ operatorId: operatorIds.get('support_tier_1')! })).toContainEqual({
      operatorId: operatorIds.get('support_tier_1'),
      roles: ['support_tier_1'],
      action: 'access.denied',
      entityType: 'LedgerEntry',
      entityId: id,
      note: 'backoffice show on LedgerEntry: missing permission ledger.read',
      outcome: 'denied',
    });
    // The UI translates the notice key with our wording.
    const page = await agent.get('/admin');
    expect(page.text).toContain(ADMIN_TRANSLATIONS.messages.forbiddenError);
  });
});

// ---- roles are data

describe('roles', () => {
  it('take effect on the operator\'s next request, on both faces', async () => {
    const op = await createOperator(db, { roles: ['support_tier_1'] });
    const agent = await logIn(op);
    const ledger = () => agent.get('/admin/api/resources/LedgerEntry/actions/list');
    expect((await ledger()).status).toBe(403);
    const finance = await db.prisma.role.findUniqueOrThrow({ where: { key: 'finance_admin' } });
    await db.prisma.operatorRole.create({ data: { operatorId: op.id, roleId: finance.id } });
    expect((await ledger()).status).toBe(200);
    expect((await agent.get('/api/session')).body.operator.permissions).toContain('ledger.read');
    await db.prisma.operatorRole.delete({ where: { operatorId_roleId: { operatorId: op.id, roleId: finance.id } } });
    expect((await ledger()).status).toBe(403);

    // Editing the role itself counts too.
    await db.prisma.role.update({ where: { key: 'support_tier_1' }, data: { permissions: { push: 'ledger.read' } } });
    try {
      expect((await ledger()).status).toBe(200);
    } finally {
      const tier1 = model.roles.find((r) => r.key === 'support_tier_1')!;
      await db.prisma.role.update({ where: { key: 'support_tier_1' }, data: { permissions: tier1.permissions } });
    }
  });

  it('are listed with the catalog on GET /api/roles', async () => {
    const res = await agents.get('client_success')!.get('/api/roles');
    expect(res.status).toBe(200);
    for (const seeded of model.roles) {
      expect(res.body.roles).toContainEqual({ key: seeded.key, name: seeded.name, description: seeded.description, permissions: seeded.permissions });
    }
    expect(res.body.permissions.map((p: { key: string }) => p.key)).toEqual(Object.keys(model.catalog).sort());
    expect(res.body.permissions).toContainEqual({ key: 'order.read', description: model.catalog['order.read'] });
  });

  it('are edited in the backoffice only with keys the catalog knows', async () => {
    const agent = agents.get('platform_admin')!;
    const role = await db.prisma.role.findUniqueOrThrow({ where: { key: 'client_success' } });
    const edit = (payload: Record<string, string>) => agent.post(`/admin/api/resources/Role/records/${role.id}/edit`).type('form').send(payload);

    const typo = await edit({ name: role.name, 'permissions.0': 'order.read', 'permissions.1': 'order.raed' });
    expect(typo.body.notice).toMatchObject({ type: 'error' });
    expect(typo.body.record.errors.permissions.message).toMatch(/order\.raed/);
    expect((await db.prisma.role.findUniqueOrThrow({ where: { id: role.id } })).permissions).toEqual(role.permissions);

    const ok = await edit({ name: role.name, description: role.description, ...Object.fromEntries([...role.permissions, 'audit.read'].map((p, i) => [`permissions.${i}`, p])) });
    expect(ok.body.notice).toMatchObject({ type: 'success' });
    expect((await db.prisma.role.findUniqueOrThrow({ where: { id: role.id } })).permissions).toEqual([...role.permissions, 'audit.read']);
    await db.prisma.role.update({ where: { id: role.id }, data: { permissions: role.permissions } });
  });

  it('are never overwritten by seeding, and an unknown key in any role stops the start', async () => {
    await db.prisma.role.update({ where: { key: 'hotline_operator' }, data: { description: 'edited' } });
    await ensureSeedRoles({ prisma: db.prisma, plugins });
    expect((await db.prisma.role.findUniqueOrThrow({ where: { key: 'hotline_operator' } })).description).toBe('edited');

    await db.prisma.role.update({ where: { key: 'client_success' }, data: { permissions: { push: 'order.raed' } } });
    try {
      await expect(ensureSeedRoles({ prisma: db.prisma, plugins })).rejects.toThrow(/client_success: order\.raed/);
    } finally {
      const seeded = model.roles.find((r) => r.key === 'client_success')!;
      await db.prisma.role.update({ where: { key: 'client_success' }, data: { permissions: seeded.permissions } });
    }
  });
});

describe('the start', () => {
  const start = (pack: Plugin) =>
    createApp({
      config: loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app' }),
      logger: createLogger({ level: 'silent' }),
      db,
      plugins: [pack],
      sessionSecret: 'x'.repeat(64),
      unleashState: () => 'ok',
      audit: createAuditRecorder(),
      auditSigningKey: 'x'.repeat(48),
      mfaEncryptionKey: 'a'.repeat(64),
    });

  it.each<[string, Plugin, RegExp]>([
    ['a grant of an unknown key', { ...marketplacePlugin, seedGrants: { ...marketplacePlugin.seedGrants, 'order.raed': ['support_agent'] } }, /grants unknown permission order\.raed/],
    [
      'a resource requiring an unknown key',
      { ...marketplacePlugin, resources: marketplacePlugin.resources.map((r) => (r.model === 'Order' ? { ...r, access: { read: 'ordr.read' } } : r)) },
      /resource Order requires unknown permission ordr\.read/,
    ],
    ['a key with no seed grants written out', { ...marketplacePlugin, permissions: { ...marketplacePlugin.permissions, 'order.refund_all': 'x' } }, /declares order\.refund_all without/],
    ['a key declared twice', { ...marketplacePlugin, permissions: { ...marketplacePlugin.permissions, 'pii.read': 'x' } }, /redeclares permission pii\.read/],
  ])('fails on %s', (_name, pack, message) => {
    expect(() => start(pack)).toThrow(message);
  });
});
