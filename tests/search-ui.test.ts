// The omnibox in a real browser (chromium via playwright-core): on every backoffice page, typing a
// tracking number shows the matches grouped by type, the exact one first, and opens its show page;
// an order id lists the order under Orders.
import type { Browser } from 'playwright-core';
import { describeUi, openBrowser, type BrowserHarness, logInPage } from './support/browser.js';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, type TestOperator } from './support/app.js';
import { createPaidOrder, type PaidOrder } from './support/commerce-fixtures.js';

describeUi('the omnibox in the backoffice', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: BrowserHarness;
  let browser: Browser;
  let baseUrl: string;
  let op: TestOperator;
  let order: PaidOrder;
  let shipmentId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    order = await createPaidOrder(db);
    shipmentId = (await db.prisma.shipment.create({ data: { orderId: order.orderId, carrier: 'dhl', trackingNumber: 'JD0000UI0001', status: 'in_transit', shippingCreditAmount: 0, currency: 'USD' } })).id;
    await db.prisma.shipment.create({ data: { orderId: order.orderId, carrier: 'dhl', trackingNumber: 'JD0000UI00012', status: 'label_purchased', shippingCreditAmount: 0, currency: 'USD' } });
    op = await createOperator(db, { roles: ['support_agent'] });
    harness = await openBrowser(createTestApp(db));
    ({ browser, baseUrl } = harness);
  });
  afterAll(async () => {
    await harness?.close();
    await db?.drop();
  });

  it('finds a shipment by tracking number from any page and opens it', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // The first page waits for the components bundle, rebuilt when a component changed (slow on a busy machine).
    page.setDefaultTimeout(240_000);
    await logInPage(page, { baseUrl, operator: op });
    await page.goto(`${baseUrl}/admin/resources/Order`);

    const box = page.getByTestId('omnibox-input');
    await box.fill('jd0000ui0001');
    const results = page.getByTestId('omnibox-result');
    await results.nth(1).waitFor();
    expect(await page.getByTestId('omnibox-group').first().textContent()).toContain('Shipments');
    expect(await results.first().getAttribute('data-match')).toBe('exact');
    expect(await results.first().textContent()).toContain('DHL JD0000UI0001');
    expect(await results.nth(1).getAttribute('data-match')).toBe('prefix');
    await page.screenshot({ path: '.data/backoffice-omnibox.png' });

    await box.press('Enter');
    await page.waitForURL(new RegExp(`/admin/resources/Shipment/records/${shipmentId}/show$`));

    // From the show page, an order id: the order, under Orders, links to its page.
    await page.getByTestId('omnibox-input').fill(String(order.orderId));
    const first = page.getByTestId('omnibox-result').first();
    await first.waitFor();
    expect(await page.getByTestId('omnibox-group').first().textContent()).toContain(`Order #${order.orderId}`);
    expect(await first.getAttribute('href')).toBe(`/admin/resources/Order/records/${order.orderId}/show`);
    await page.getByTestId('omnibox-input').fill('zzzz-no-such-thing');
    await page.getByTestId('omnibox-empty').waitFor();
  }, 300_000);
});
