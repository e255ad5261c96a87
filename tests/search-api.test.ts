// The omnibox over HTTP (docs/adr/0015-omnibox-search.md): exact matches first, then prefix and
// partial ones; an exact match carries its related entities; every entity type needs its read
// permission and rows stay within the operator's scope (impersonation), masked without pii.read;
// a partial match on personal data needs pii.read; bad queries are 422 problem+json.
import type { Express } from 'express';
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { loginAs } from './support/app.js';
import { createImpersonationTestApp, stepUp, type Login } from './support/impersonation-app.js';
import { createPaidOrder, type PaidOrder } from './support/commerce-fixtures.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Express;
let a: PaidOrder;
let b: PaidOrder;
let buyerEmail: string;
let sellerName: string;
let refundRef: string;
let caseId: number;
let disputeId: number;
const TRACKING = '1ZSEARCH0001';

const login = (roles: string[]) => loginAs(app, db, roles) as Promise<Login>;
type Item = { type: string; id: string; title: string; summary: string; href: string; matchKind: string; matchedOn: string; links?: { relation: string; type: string; id: string; title: string }[] };
const search = async (agent: request.Agent, q: string, expand?: string) => (await agent.get('/api/search').query({ q, expand }).expect(200)).body.items as Item[];

beforeAll(async () => {
  db = await createTestDatabase();
  app = createImpersonationTestApp(db).app;
  a = await createPaidOrder(db);
  b = await createPaidOrder(db);
  const order = await db.prisma.order.findUniqueOrThrow({ where: { id: a.orderId }, include: { buyerUser: true, sellerOrg: true } });
  buyerEmail = order.buyerUser.email;
  sellerName = order.sellerOrg.name;
  // Order A: two shipments (one tracking number the start of the other), a refund, a dispute, a case.
  for (const trackingNumber of [TRACKING, `${TRACKING}7`]) {
    await db.prisma.shipment.create({ data: { orderId: a.orderId, carrier: 'ups', trackingNumber, status: 'in_transit', shippingCreditAmount: 0, currency: 'USD' } });
  }
  refundRef = `re_search${a.orderId}`;
  await db.prisma.refund.create({ data: { orderId: a.orderId, paymentId: a.paymentId, providerRef: refundRef, amount: 500, currency: 'USD', status: 'succeeded', reasonCode: 'damaged' } });
  disputeId = (await db.prisma.dispute.create({ data: { orderId: a.orderId, kind: 'not_received', slaDueAt: new Date() } })).id;
  caseId = (await db.prisma.supportCase.create({ data: { subject: 'Where is my parcel', orderId: a.orderId, organizationId: a.buyerOrgId, customerUserId: a.buyerUserId, slaFirstResponseDueAt: new Date() } })).id;
});
afterAll(async () => {
  await db?.drop();
});

describe('GET /api/search', () => {
  it('finds an order by id first, with its checkout, payment, shipments, refund, buyer, seller, dispute and case', async () => {
    const { agent } = await login(['support_admin']);
    const items = await search(agent, String(a.orderId), 'links');
    expect(items[0]).toMatchObject({ type: 'order', id: String(a.orderId), matchKind: 'exact', matchedOn: 'id', href: `/admin/resources/Order/records/${a.orderId}/show` });
    // Without `expand`, items only.
    expect((await search(agent, String(a.orderId)))[0].links).toBeUndefined();
    const links = items[0].links!.map((l) => `${l.relation}:${l.type}`);
    expect(links).toEqual(expect.arrayContaining([
      'checkout:checkout', 'payment:payment', 'shipment:shipment', 'refund:refund', 'buyer:customer_user', 'seller:organization', 'dispute:dispute', 'support_case:support_case',
    ]));
    expect(items[0].links!.find((l) => l.type === 'refund')).toMatchObject({ id: expect.any(String), title: refundRef });
    // Every exact match comes before any partial one.
    const kinds = items.map((i) => i.matchKind);
    expect(kinds.indexOf('exact')).toBe(0);
    expect(kinds.lastIndexOf('exact')).toBeLessThan(Math.max(kinds.indexOf('prefix'), kinds.indexOf('contains'), kinds.length));
  });

  it('answers a tracking number exactly first, then the tracking numbers it starts', async () => {
    const { agent } = await login(['support_agent']);
    const items = await search(agent, TRACKING.toLowerCase(), 'links');
    expect(items.slice(0, 2).map((i) => [i.type, i.matchKind, i.title])).toEqual([
      ['shipment', 'exact', `UPS ${TRACKING}`],
      ['shipment', 'prefix', `UPS ${TRACKING}7`],
    ]);
    expect(items[0].links).toEqual([expect.objectContaining({ relation: 'order', type: 'order', id: String(a.orderId) })]);
  });

  it('finds payments by pi_ and ch_, refunds by re_, by whole reference or its start', async () => {
    const { agent } = await login(['support_agent']);
    const payment = await db.prisma.payment.findUniqueOrThrow({ where: { id: a.paymentId } });
    expect((await search(agent, payment.paymentIntentRef))[0]).toMatchObject({ type: 'payment', id: String(a.paymentId), matchKind: 'exact', matchedOn: 'payment_intent' });
    expect((await search(agent, payment.chargeRef!))[0]).toMatchObject({ type: 'payment', id: String(a.paymentId), matchKind: 'exact', matchedOn: 'charge' });
    expect((await search(agent, refundRef))[0]).toMatchObject({ type: 'refund', matchKind: 'exact', title: refundRef });
    const started = await search(agent, payment.paymentIntentRef.slice(0, 7));
    expect(started).toContainEqual(expect.objectContaining({ type: 'payment', id: String(a.paymentId), matchKind: 'prefix' }));
  });

  it('finds customers by email and organizations by name; partial matches on personal data need pii.read', async () => {
    const admin = await login(['support_admin']);
    expect((await search(admin.agent, buyerEmail.toUpperCase()))[0]).toMatchObject({ type: 'customer_user', id: String(a.buyerUserId), matchKind: 'exact', title: buyerEmail });
    const fragment = buyerEmail.split('@')[0];
    expect(await search(admin.agent, fragment)).toContainEqual(expect.objectContaining({ type: 'customer_user', id: String(a.buyerUserId), matchKind: 'contains' }));
    // The operator's LIKE wildcards match themselves, not every row.
    expect(await search(admin.agent, '%%%')).toEqual([]);
    expect(await search(admin.agent, '___')).toEqual([]);
    expect(await search(admin.agent, sellerName.slice(2).toLowerCase())).toContainEqual(expect.objectContaining({ type: 'organization', id: String(a.sellerOrgId), matchKind: 'contains', title: sellerName }));

    // Without pii.read: the whole address finds the customer, masked; a fragment of it finds nobody.
    const agent = (await login(['support_agent'])).agent;
    const exact = await search(agent, buyerEmail);
    expect(exact[0]).toMatchObject({ type: 'customer_user', id: String(a.buyerUserId), matchKind: 'exact' });
    expect(exact[0].title).not.toContain(fragment);
    expect(exact[0].title).toMatch(/^b•••@e•••\.test$/);
    expect((await search(agent, fragment)).filter((i) => i.type === 'customer_user')).toEqual([]);
    // Masked in links too: the order's buyer.
    const order = (await search(agent, String(a.orderId), 'links')).find((i) => i.type === 'order')!;
    expect(order.links!.find((l) => l.relation === 'buyer')!.title).toMatch(/^b•••@/);
    expect(JSON.stringify(order)).not.toContain(buyerEmail);
  });

  it('searches only the entity types the operator may read', async () => {
    // Catalog Admin: customers and listings, no orders, payments or shipments.
    const { agent } = await login(['catalog_admin']);
    const items = await search(agent, String(a.orderId));
    expect(items.filter((i) => ['order', 'checkout', 'payment', 'shipment', 'refund', 'dispute', 'support_case'].includes(i.type))).toEqual([]);
    expect(await search(agent, TRACKING)).toEqual([]);
    // The customer it may see links to its organization, not to anything it may not read.
    const customer = (await search(agent, buyerEmail, 'links'))[0];
    expect(customer.links!.map((l) => l.type)).toEqual(['organization']);
  });

  it('while impersonating, finds only the customer\'s organization\'s rows', async () => {
    const who = await login(['support_admin']);
    await stepUp(db, who);
    await who.agent.post('/api/impersonations').send({ targetUserId: a.buyerUserId, reason: 'customer_reported_issue', note: 'order question', ticketId: 'SUP-7' }).expect(201);
    expect((await search(who.agent, String(a.orderId))).filter((i) => i.type === 'order').map((i) => i.id)).toEqual([String(a.orderId)]);
    expect((await search(who.agent, String(b.orderId))).filter((i) => ['order', 'checkout'].includes(i.type) && i.id === String(b.orderId))).toEqual([]);
    const other = await db.prisma.customerUser.findUniqueOrThrow({ where: { id: b.buyerUserId } });
    expect(await search(who.agent, other.email)).toEqual([]);
    // The order's seller organization is another tenant: not linked.
    const order = (await search(who.agent, String(a.orderId), 'links,events')).find((i) => i.type === 'order')!;
    expect(order.links!.map((l) => l.type)).toContain('customer_user');
    expect(order.links!.map((l) => l.type)).not.toContain('organization');
    await who.agent.get(`/api/entities/order/${b.orderId}`).expect(404);
  });

  it('refuses bad queries with 422 problem+json, and anonymous callers with 401', async () => {
    const { agent } = await login(['support_agent']);
    for (const q of [undefined, '', '   ', 'x'.repeat(201), 'ab\u0000cd']) {
      const res = await agent.get('/api/search').query(q === undefined ? {} : { q }).expect(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'validation_failed', status: 422 });
    }
    await agent.get('/api/search?q=ab&q=cd').expect(422);
    await agent.get('/api/search').query({ q: 'abc', limit: 500 }).expect(422);
    await agent.get('/api/search').query({ q: 'abc', expand: 'everything' }).expect(422);
    expect((await agent.get('/api/search').query({ q: 'x'.repeat(200) }).expect(200)).body.items).toEqual([]);
    await request(app).get('/api/search').query({ q: 'abc' }).expect(401);
    // Documented, with its parameters and its problem.
    const openapi = (await agent.get('/api/openapi.json').expect(200)).body;
    expect(openapi.paths['/api/search'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['q', 'limit', 'expand']);
    expect(openapi.paths['/api/search'].get.responses['422']).toBeDefined();
    expect(openapi.paths['/api/entities/{type}/{id}'].get.responses['403']).toBeDefined();
  });
});

describe('GET /api/entities/{type}/{id}', () => {
  it('answers canonical details with links; masked without pii.read; 403 without the read permission; 404 otherwise', async () => {
    const admin = await login(['support_admin']);
    const order = await admin.agent.get(`/api/entities/order/${a.orderId}`).expect(200);
    expect(order.body).toMatchObject({ type: 'order', id: String(a.orderId), fields: { id: a.orderId, status: 'paid', buyerUserId: a.buyerUserId }, href: expect.any(String) });
    expect(order.body.fields.checkout).toBeUndefined();
    expect(order.body.links).toContainEqual(expect.objectContaining({ relation: 'dispute', type: 'dispute', id: String(disputeId) }));
    expect(order.body.links).toContainEqual(expect.objectContaining({ relation: 'support_case', type: 'support_case', id: String(caseId) }));
    expect((await admin.agent.get(`/api/entities/customer_user/${a.buyerUserId}`).expect(200)).body.fields.email).toBe(buyerEmail);

    const agent = (await login(['support_agent'])).agent;
    const customer = await agent.get(`/api/entities/customer_user/${a.buyerUserId}`).expect(200);
    expect(customer.body.fields.email).toMatch(/^b•••@/);
    expect(JSON.stringify(customer.body)).not.toContain(buyerEmail);
    // Operators' password hashes never leave the server.
    const self = await admin.agent.get('/api/session').expect(200);
    const operator = await admin.agent.get(`/api/entities/operator/${self.body.operator.id}`).expect(200);
    expect(operator.body.fields.passwordHash).toBeUndefined();

    const catalog = (await login(['catalog_admin'])).agent;
    expect((await catalog.get(`/api/entities/order/${a.orderId}`).expect(403)).body.code).toBe('forbidden');
    await agent.get('/api/entities/order/99999999').expect(404);
    await agent.get('/api/entities/order/not-a-number').expect(404);
    await agent.get('/api/entities/bid/1').expect(404);
  });
});
