// A real browser (Debian's chromium, driven by playwright-core) logs in to the backoffice with an
// operator's password and authenticator code and opens the orders list of the large-table resource.
import type { Browser } from 'playwright-core';
import { describeUi, openBrowser, type BrowserHarness } from './support/browser.js';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, type TestOperator } from './support/app.js';
import { authenticator } from './support/totp.js';
import { seedDemo } from '../plugins/marketplace/seed/demo.js';
import { createLogger } from '../src/platform/logger.js';

describeUi('backoffice in a browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: BrowserHarness;
  let browser: Browser;
  let baseUrl: string;
  let op: TestOperator;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemo({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 3 });
    op = await createOperator(db, { roles: ['support_agent'] });
    harness = await openBrowser(createTestApp(db));
    ({ browser, baseUrl } = harness);
  });
  afterAll(async () => {
    await harness?.close();
    await db?.drop();
  });

  it('logs in, shows the navigation groups and lists orders with their total', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${baseUrl}/admin`);
    await page.waitForURL(/\/admin\/login$/);
    await page.fill('input[name=email]', op.email);
    await page.fill('input[name=password]', op.password);
    await page.fill('input[name=totp]', await op.totp());
    await page.press('input[name=totp]', 'Enter');
    await page.waitForURL(new RegExp(`${baseUrl}/admin/?$`));
    for (const group of ['Orders', 'Shipping', 'Payments', 'Disputes', 'Risk', 'Trust & Catalog', 'Support', 'Administration']) {
      await page.getByText(group, { exact: true }).first().waitFor();
    }
    await page.goto(`${baseUrl}/admin/resources/Order`);
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(5);
    await page.screenshot({ path: '.data/backoffice-orders.png' });

    // A wrong password stays on the login page.
    const other = await browser.newPage();
    await other.goto(`${baseUrl}/admin/login`);
    await other.fill('input[name=email]', op.email);
    await other.fill('input[name=password]', 'wrong-password');
    await other.press('input[name=password]', 'Enter');
    await other.locator('input[name=password]').waitFor();
    expect(other.url()).toMatch(/\/admin\/login$/);
  });

  it('sends an operator without an authenticator to the Security page, where they set one up and get in', async () => {
    const newcomer = await createOperator(db, { roles: ['support_agent'], mfa: false });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${baseUrl}/admin/login`);
    await page.fill('input[name=email]', newcomer.email);
    await page.fill('input[name=password]', newcomer.password);
    await page.press('input[name=password]', 'Enter');
    await page.waitForURL(new RegExp(`${baseUrl}/admin/pages/security$`));
    await page.getByTestId('security-enrol').click();
    await page.getByTestId('security-qr').waitFor();
    const totp = authenticator((await page.getByTestId('security-secret').textContent())!.trim());
    await page.screenshot({ path: '.data/backoffice-mfa-enrolment.png' });
    await page.fill('input[name=totp]', await totp());
    await page.getByTestId('security-confirm').click();
    const codes = (await page.getByTestId('security-recovery-codes').textContent())!.trim().split('\n');
    expect(codes).toHaveLength(10);
    await page.getByTestId('security-continue').click();
    await page.waitForURL(new RegExp(`${baseUrl}/admin/?$`));
    await page.getByText('Orders', { exact: true }).first().waitFor();
    // From now on the login needs the code.
    const next = await browser.newPage();
    await next.goto(`${baseUrl}/admin/login`);
    await next.fill('input[name=email]', newcomer.email);
    await next.fill('input[name=password]', newcomer.password);
    await next.fill('input[name=totp]', await totp());
    await next.press('input[name=totp]', 'Enter');
    await next.waitForURL(new RegExp(`${baseUrl}/admin/?$`));
    await page.close();
    await next.close();
  });
});
