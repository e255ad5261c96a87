// The Timeline panel in a real browser: an order's show page renders its fields as before and,
// under them, the order's timeline newest first; "Load more" follows the keyset cursor.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createAuditService } from '../src/audit/audit-service.js';
import { describeUi, openBrowser, type BrowserHarness } from './support/browser.js';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestPlatformApp, credentials, TEST_AUDIT_KEY, type TestOperator } from './support/app.js';
import { createPaidOrder, type PaidOrder } from './support/commerce-fixtures.js';

describeUi('timeline panel in a browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: BrowserHarness;
  let baseUrl: string;
  let op: TestOperator;
  let order: PaidOrder;

  beforeAll(async () => {
    db = await createTestDatabase();
    const audit = createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY });
    const platform = createTestPlatformApp(db, { audit });
    op = await createOperator(db, { roles: ['support_agent'] });
    const api = request.agent(platform.app);
    await api.post('/api/session').send(await credentials(op)).expect(200);
    order = await createPaidOrder(db, { amount: 50_000 });
    // Eleven refunds: each puts its RefundIssued event and its refund's audit row on the order (22 entries).
    for (let i = 1; i <= 11; i++) {
      await api.post('/api/actions/order.refund').set('Idempotency-Key', randomUUID())
        .send({ target: { type: 'order', id: String(order.orderId) }, input: { amount: { amount: 100 * i, currency: 'USD' } }, reasonCode: 'goodwill_gesture' })
        .expect(200);
    }
    await audit.seal();
    await platform.timeline.projector.catchUp();
    harness = await openBrowser(platform.app);
    ({ baseUrl } = harness);
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await db?.drop();
  });

  it('shows the order with its timeline, newest first, and loads more', async () => {
    // The first page may wait for the components bundle to build (after a component changed).
    const page = await harness.logIn(op, { height: 1400, timeout: 180_000 });

    await page.goto(`${baseUrl}/admin/resources/Order/records/${order.orderId}/show`);
    const panel = page.getByTestId('timeline-panel');
    await panel.waitFor();
    // The stock show page is still there, above the panel.
    await page.getByText('Total Amount', { exact: false }).first().waitFor();
    const items = page.getByTestId('timeline-item');
    await items.nth(19).waitFor();
    expect(await items.count()).toBe(20);
    // Newest first: the last refund (1,100 minor units) leads.
    expect(await page.getByTestId('timeline-kind').first().textContent()).toMatch(/RefundIssued|order\.refund/);
    expect(await items.first().textContent()).toContain('1100');
    expect(await items.first().textContent()).toContain(`by ${op.email.split('@')[0]}`);
    await page.screenshot({ path: '.data/timeline-panel.png', fullPage: true });

    await page.getByTestId('timeline-load-more').click();
    await items.nth(21).waitFor();
    expect(await items.count()).toBe(22);
    expect(await page.getByTestId('timeline-load-more').count()).toBe(0);
    // The oldest entries are the first refund's (100 minor units).
    expect(await items.last().textContent()).toMatch(/amount: 100\b|"amount":100\b/);
  });
});
