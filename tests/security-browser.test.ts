// The Origin check in a real browser (Debian's chromium, driven by playwright-core). The backoffice's
// own requests carry our Origin and pass: the login form (a form POST, which under helmet's default
// `Referrer-Policy: no-referrer` would carry `Origin: null`) and an action form's XHR POST. A hostile
// page on another port of the same host, a sibling the SameSite=Strict cookie does not protect
// against (same site, other origin), auto-submits a form to an action: the operator's browser sends
// the cookie, and the Origin check alone refuses it. The operator's session comes from loginAs (the
// API login) and is handed to the browser, so these tests do not depend on the login form's steps.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import type { Browser, Page, Request } from 'playwright-core';
import { describeUi, openBrowser, type BrowserHarness } from './support/browser.js';
import { createTestDatabase } from './support/database.js';
import { createTestApp, loginAs } from './support/app.js';
import { cookieHeader } from './support/security-app.js';

// The first page load may build the components bundle (a few seconds).
jest.setTimeout(120_000);

describeUi('the Origin check in a browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: BrowserHarness;
  let browser: Browser;
  let baseUrl: string;
  let app: ReturnType<typeof createTestApp>;
  let attacker: http.Server;
  let attackerUrl: string;
  let attackPage = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    app = createTestApp(db);
    harness = await openBrowser(app);
    ({ browser, baseUrl } = harness);
    attacker = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage));
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    attacker?.closeAllConnections();
    await new Promise((r) => attacker?.close(r));
    await harness?.close();
    await db?.drop();
  });

  const postsOf = (page: Page) => {
    const posts: { url: string; origin: string | undefined }[] = [];
    page.on('request', async (req: Request) => {
      if (req.method() === 'POST') posts.push({ url: req.url(), origin: (await req.allHeaders()).origin });
    });
    return posts;
  };

  /** A page whose browser holds a risk agent's session (the same session store as the served app). */
  async function loggedInPage(): Promise<Page> {
    const { agent } = await loginAs(app, db, ['risk_agent']);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const cookies = cookieHeader(agent).split('; ').map((pair) => pair.split('='));
    await page.context().addCookies(cookies.map(([name, value]) => ({ name, value, url: baseUrl, httpOnly: true, sameSite: 'Strict' as const })));
    return page;
  }

  it('the login form posts with our Origin and reaches the login (not the Origin check)', async () => {
    const page = await browser.newPage();
    const posts = postsOf(page);
    await page.goto(`${baseUrl}/admin/login`);
    await page.fill('input[name=email]', 'nobody@test.local');
    await page.fill('input[name=password]', 'not-the-password');
    const answer = page.waitForResponse((res) => res.request().method() === 'POST');
    await page.press('input[name=password]', 'Enter');
    const res = await answer;
    expect(posts).toEqual([{ url: `${baseUrl}/admin/login`, origin: baseUrl }]);
    // AdminJS answers a wrong password with its login page again; the Origin check would say 403.
    expect(res.status()).toBe(200);
    await page.locator('input[name=password]').waitFor();
    await page.close();
  });

  it('the backoffice\'s action form posts with our Origin and runs', async () => {
    const org = await db.prisma.organization.create({ data: { kind: 'seller', name: 'Browser Origin Ltd' } });
    const page = await loggedInPage();
    const posts = postsOf(page);
    await page.goto(`${baseUrl}/admin/resources/Organization/records/${org.id}/show`);
    await page.locator('a:has(+ section.adminjs_DropDownMenu)', { hasText: 'Actions' }).click();
    await page.getByTestId('action-org-freeze').click();
    await page.getByTestId('action-form').waitFor();
    await page.selectOption('#field-reasonCode', 'suspected_fraud');
    await page.getByTestId('action-submit').click();
    await page.getByText(/Freeze organization: done/).first().waitFor({ timeout: 15_000 });

    expect(posts).toEqual([{ url: `${baseUrl}/admin/api/resources/Organization/records/${org.id}/org-freeze`, origin: baseUrl }]);
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('frozen');
    await page.close();
  });

  it('a hostile page on a sibling port cannot make the logged-in browser run an action', async () => {
    const org = await db.prisma.organization.create({ data: { kind: 'seller', name: 'Forgery Target Ltd' } });
    const page = await loggedInPage();
    const target = `${baseUrl}/admin/api/resources/Organization/records/${org.id}/org-freeze`;
    attackPage = `<!doctype html><form method="POST" action="${target}">
      <input name="actionRequest" value='{"reasonCode":"suspected_fraud"}'><input name="idempotencyKey" value="forged-1">
      </form><script>document.forms[0].submit()</script>`;
    const refused = page.waitForResponse((res) => res.url() === target);
    await page.goto(`${attackerUrl}/cute-cats.html`);
    const res = await refused;
    expect(res.request().headers()).toMatchObject({ origin: attackerUrl });
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'csrf_failed' });
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('active');
    await page.close();
  });
});
