// The two consoles in a real browser (Debian's chromium): an operator finds an order on the
// order/checkout console and sees the checkout with its shipping credit against label cost, opens
// the shipping console's carrier counts and queues, and follows a shipment action button to the
// runner's own form. The sidebar lists the consoles under their groups.
import type { Page } from 'playwright-core';
import { describeUi, openBrowser, type BrowserHarness } from './support/browser.js';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, type TestOperator } from './support/app.js';
import { createConsoleCheckout, type ConsoleCheckout } from './support/console-fixtures.js';

describeUi('the consoles in a browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: BrowserHarness;
  let baseUrl: string;
  let op: TestOperator;
  let fx: ConsoleCheckout;

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await createConsoleCheckout(db);
    op = await createOperator(db, { roles: ['support_agent'] });
    harness = await openBrowser(createTestApp(db));
    ({ baseUrl } = harness);
    await harness.buildComponents();
  }, 300_000);
  afterAll(async () => {
    await harness?.close();
    await db?.drop();
  });

  const logIn = (): Promise<Page> => harness.logIn(op, { timeout: 90_000 });

  it('finds an order on the order console and shows its checkout, shipping margin and actions', async () => {
    const page = await logIn();
    // The sidebar lists both consoles under their groups (the components bundle may still be building).
    await page.getByText('Orders consoles').first().waitFor({ timeout: 90_000 });
    await page.getByText('Shipping consoles').first().waitFor();
    await page.goto(`${baseUrl}/admin/pages/orders`);
    await page.fill('input[name=lookup]', String(fx.orderA));
    await page.getByTestId('find-order').click();
    await page.getByTestId('checkout').waitFor({ timeout: 30_000 });
    await page.getByTestId(`order-${fx.orderA}`).waitFor();
    await page.getByTestId(`order-${fx.orderB}`).waitFor();
    // 8.99 of credit on labelled shipments - 11.50 of labels = -2.51, for the order and the checkout.
    expect(await page.getByTestId(`shipping-difference-${fx.orderA}`).textContent()).toContain('= -2.51 USD');
    expect(await page.getByTestId('checkout-shipping-difference').textContent()).toContain('-2.51 USD');
    expect(await page.getByTestId(`shipments-${fx.orderA}`).textContent()).toContain('-2.00 USD');
    await page.getByTestId(`action-order.refund-${fx.orderA}`).waitFor();
    await page.screenshot({ path: '.data/console-orders.png', fullPage: true });
    await page.close();
  });

  it('shows carrier x status and the queues on the shipping console, and opens the runner\'s form from a queue', async () => {
    const page = await logIn();
    await page.goto(`${baseUrl}/admin/pages/shipping`);
    const matrix = page.getByTestId('carrier-status');
    await matrix.waitFor({ timeout: 60_000 });
    expect(await matrix.textContent()).toContain('fedex');
    await page.getByTestId('tab-label_purchase_failed').waitFor();
    const queue = page.getByTestId('queue-label_purchase_failed');
    await queue.getByText('label_purchase_failed').first().waitFor();
    await page.screenshot({ path: '.data/console-shipping.png', fullPage: true });
    await queue.getByText('Re-attempt label purchase').first().click();
    await page.waitForURL(new RegExp(`/admin/resources/Shipment/records/${fx.shipmentB1}/shipment-retry_label$`));
    await page.getByTestId('action-form').waitFor({ timeout: 30_000 });
    await page.close();
  });
});
