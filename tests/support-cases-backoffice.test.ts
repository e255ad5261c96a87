// The backoffice face of the case actions: the buttons derived from them (Open support case on an
// order, the case's own buttons), posted as the AdminJS action form posts them, run by the same
// runner; the case list's "SLA breached" filter.
import request from 'supertest';
import type { Express } from 'express';
import { createOperator, createTestPlatformApp, credentials } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import { createTestDatabase } from './support/database.js';

type Agent = ReturnType<typeof request.agent>;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Express;
let support: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  app = createTestPlatformApp(db).app;
  const operator = await createOperator(db, { roles: ['support_agent'] });
  support = request.agent(app);
  await support.post('/admin/login').type('form').send(await credentials(operator)).expect(302);
});
afterAll(async () => {
  await db?.drop();
});

let keys = 0;
const submit = (resource: string, id: number, action: string, body: object) =>
  support.post(`/admin/api/resources/${resource}/records/${id}/${action}`).send({ actionRequest: JSON.stringify(body), idempotencyKey: `case-ui-${(keys += 1)}` });

it('opens a case from an order, moves it, refuses an illegal move with an error notice, and filters breached cases', async () => {
  const order = await createPaidOrder(db);
  const show = await support.get(`/admin/api/resources/Order/records/${order.orderId}/show`).expect(200);
  expect(show.body.record.recordActions.map((a: { name: string }) => a.name)).toContain('case-open');

  const opened = await submit('Order', order.orderId, 'case-open', { input: { subject: 'Where is it?', links: `payment:${order.paymentId}` }, reasonCode: 'buyer_contact' }).expect(200);
  expect(opened.body.notice).toMatchObject({ type: 'success' });
  const { rows: [supportCase] } = await db.pool.query('SELECT id FROM support_cases WHERE order_id = $1', [order.orderId]);
  const caseShow = await support.get(`/admin/api/resources/SupportCase/records/${supportCase.id}/show`).expect(200);
  expect(caseShow.body.record.recordActions.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['case-add_note', 'case-transition']));
  // Reassigning is a lead's: no button for an agent.
  expect(caseShow.body.record.recordActions.map((a: { name: string }) => a.name)).not.toContain('case-reassign');

  await submit('SupportCase', supportCase.id, 'case-transition', { input: { to: 'waiting_on_buyer' }, reasonCode: 'awaiting_buyer' }).expect(200);
  const illegal = await submit('SupportCase', supportCase.id, 'case-transition', { input: { to: 'closed' }, reasonCode: 'resolved' }).expect(200);
  expect(illegal.body.notice.type).toBe('error');
  expect(illegal.body.outcome).toMatchObject({ status: 409, code: 'illegal_transition' });
  expect((await db.pool.query('SELECT status FROM support_cases WHERE id = $1', [supportCase.id])).rows[0].status).toBe('waiting_on_buyer');

  // The list's filter: breached or not.
  await db.pool.query(`UPDATE support_cases SET sla_breached_at = now() WHERE id = $1`, [supportCase.id]);
  const list = async (value: string) => (await support.get('/admin/api/resources/SupportCase/actions/list').query({ 'filters.slaBreached': value, perPage: 500 }).expect(200))
    .body.records.map((r: { id: string }) => Number(r.id));
  expect(await list('yes')).toContain(supportCase.id);
  expect(await list('no')).not.toContain(supportCase.id);
});
