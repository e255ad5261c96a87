// Impersonation in a real browser (Debian's chromium, driven by playwright-core): a support admin
// opens a customer user, starts an impersonation from its "Impersonate" form (reason, note,
// ticket, minutes), lands in the backoffice with the banner (who, tenant, time left) and lists
// scoped to the customer's organization, and ends it with "End now". Then the tenant switcher:
// search a tenant by domain, pick a user, start. The operator's session comes from loginAs (the API
// login) and is handed to the browser, so the test does not depend on the login form's steps.
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { describeUi, openBrowser, type BrowserHarness } from './support/browser.js';
import { createTestDatabase } from './support/database.js';
import { loginAs } from './support/app.js';
import { createImpersonationTestApp, sessionCookie, stepUp, type Login } from './support/impersonation-app.js';

// The first page load may build the components bundle (a few seconds).
jest.setTimeout(120_000);

describeUi('impersonation in a browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: BrowserHarness;
  let browser: Browser;
  let baseUrl: string;
  let app: ReturnType<typeof createImpersonationTestApp>['app'];
  let customer: number;
  let orgA: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = createImpersonationTestApp(db).app;
    harness = await openBrowser(app);
    ({ browser, baseUrl } = harness);
    orgA = (await db.prisma.organization.create({ data: { kind: 'buyer', name: 'Acme Corp', domain: 'acme.example' } })).id;
    const orgB = (await db.prisma.organization.create({ data: { kind: 'seller', name: 'Globex Ltd', domain: 'globex.example' } })).id;
    customer = (await db.prisma.customerUser.create({ data: { email: 'alice@acme.example', name: 'Alice Buyer', organizationId: orgA } })).id;
    await db.prisma.customerUser.create({ data: { email: 'bob@globex.example', name: 'Bob Seller', organizationId: orgB } });
  });
  afterAll(async () => {
    await harness?.close();
    await db?.drop();
  });

  /** A page whose browser holds a freshly stepped-up support admin's session. */
  async function supportAdminPage(): Promise<{ page: Page; who: Login }> {
    const who = (await loginAs(app, db, ['support_admin'])) as Login;
    await stepUp(db, who);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const { name, value } = sessionCookie(who.agent);
    await page.context().addCookies([{ name, value, url: baseUrl, httpOnly: true, sameSite: 'Strict' }]);
    return { page, who };
  }

  async function fillStartForm(page: Page) {
    await page.getByTestId('impersonation-form').waitFor();
    await page.locator('#impersonation-reason').fill('reproduce');
    await page.keyboard.press('Enter');
    await page.fill('#impersonation-note', 'invoices page is blank for them');
    await page.fill('#impersonation-ticket', 'SUP-77');
    await page.fill('#impersonation-minutes', '90');
    await page.getByTestId('impersonation-start').click();
  }

  it('starts from the customer user\'s record, shows the banner and scoped lists, and ends with "End now"', async () => {
    const { page, who } = await supportAdminPage();
    await page.goto(`${baseUrl}/admin/resources/CustomerUser/records/${customer}/impersonate`);
    await fillStartForm(page);

    const banner = page.getByTestId('impersonation-banner');
    await banner.waitFor({ timeout: 30_000 });
    await banner.getByText('Alice Buyer (alice@acme.example)').waitFor();
    await banner.getByText('Acme Corp').waitFor();
    await banner.getByText('ticket SUP-77').waitFor();
    const remaining = await page.getByTestId('impersonation-remaining').textContent();
    expect(remaining).toMatch(/^1h (29|30)m$/);
    const running = await db.prisma.impersonation.findFirstOrThrow({ where: { operatorId: who.id, endedAt: null } });
    expect(running).toMatchObject({ targetUserId: customer, targetOrgId: orgA, reasonCode: 'reproduce_bug', note: 'invoices page is blank for them', ticketId: 'SUP-77' });

    // Lists show the customer's organization only.
    await page.goto(`${baseUrl}/admin/resources/CustomerUser`);
    await page.getByText('alice@acme.example').first().waitFor();
    expect(await page.getByText('bob@globex.example').count()).toBe(0);
    await page.screenshot({ path: '.data/backoffice-impersonation.png' });

    await page.getByTestId('impersonation-end').click();
    await page.waitForURL(new RegExp(`${baseUrl}/admin/?$`));
    await page.getByTestId('tenant-strip').waitFor();
    expect(await page.getByTestId('impersonation-banner').count()).toBe(0);
    expect(await db.prisma.impersonation.findUniqueOrThrow({ where: { id: running.id } })).toMatchObject({ endReason: 'ended', endedAt: expect.any(Date) });
    await page.close();
  });

  it('starts from the tenant switcher: search by domain, pick a user, give the reason', async () => {
    const { page, who } = await supportAdminPage();
    await page.goto(`${baseUrl}/admin`);
    await page.getByTestId('tenant-switch').click();
    await page.fill('#tenant-search', 'acme.example');
    await page.getByTestId('tenant-search-submit').click();
    await page.getByTestId(`tenant-${orgA}`).waitFor();
    await page.getByTestId(`impersonate-user-${customer}`).click();
    await fillStartForm(page);
    await page.getByTestId('impersonation-banner').getByText('Alice Buyer (alice@acme.example)').waitFor({ timeout: 30_000 });
    expect(await db.prisma.impersonation.count({ where: { operatorId: who.id, endedAt: null, targetUserId: customer } })).toBe(1);
    await page.close();
  });
});
