// The action forms in a real browser (Debian's chromium, driven by playwright-core): a risk agent
// freezes an organization from its show page, a support agent's refund over the limit goes for
// approval, a finance admin approves it from the Approvals inbox and the refund runs, the requester's
// own approval is refused, a failed run is retried from Runs & exceptions, and a bulk takedown shows
// its progress. What the browser shows is checked against the database.
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { describeUi, openBrowser, type BrowserHarness } from './support/browser.js';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestPlatformApp, type TestOperator } from './support/app.js';
import { patchSessions } from './support/session-fixtures.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import type { ActionServices } from '../src/actions/action-services.js';

// The first page load may build the components bundle (a few seconds).
jest.setTimeout(120_000);

describeUi('action forms in a browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: BrowserHarness;
  let browser: Browser;
  let baseUrl: string;
  let actions: ActionServices;

  const count = async (sql: string, params: unknown[] = []) => Number((await db.pool.query<{ n: string }>(sql, params)).rows[0].n);
  const auditCount = (action: string, entityType: string, entityId: string, outcome: string) =>
    count(
      `SELECT count(*) AS n FROM (SELECT action, entity_type, entity_id, outcome FROM audit.inbox UNION ALL SELECT action, entity_type, entity_id, outcome FROM audit.events) l
       WHERE action = $1 AND entity_type = $2 AND entity_id = $3 AND outcome = $4`,
      [action, entityType, entityId, outcome],
    );

  async function logIn(roles: string[]): Promise<{ page: Page; id: number; op: TestOperator }> {
    const op = await createOperator(db, { roles });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${baseUrl}/admin/login`);
    await page.fill('input[name=email]', op.email);
    await page.fill('input[name=password]', op.password);
    await page.fill('input[name=totp]', await op.totp());
    await page.press('input[name=totp]', 'Enter');
    await page.waitForURL(new RegExp(`${baseUrl}/admin/?$`));
    return { page, id: op.id, op };
  }

  /** Opens a record's action form from its show page: the header's "Actions" menu, then the action. */
  async function openAction(page: Page, resource: string, id: string | number, actionName: string) {
    await page.goto(`${baseUrl}/admin/resources/${resource}/records/${id}/show`);
    await page.locator('a:has(+ section.adminjs_DropDownMenu)', { hasText: 'Actions' }).click();
    await page.getByTestId(`action-${actionName}`).click();
    await page.getByTestId('action-form').waitFor();
  }

  const notice = (page: Page, text: RegExp) => page.getByText(text).first().waitFor({ timeout: 15_000 });

  beforeAll(async () => {
    db = await createTestDatabase();
    const platform = createTestPlatformApp(db);
    actions = platform.actions;
    harness = await openBrowser(platform.app);
    ({ browser, baseUrl } = harness);
  });
  afterAll(async () => {
    await harness?.close();
    await db?.drop();
  });

  it('a risk agent freezes an organization from its show page, once, with a reason', async () => {
    const org = await db.prisma.organization.create({ data: { kind: 'seller', name: 'Fraudulent Widgets Ltd' } });
    const { page, id } = await logIn(['risk_agent']);
    await openAction(page, 'Organization', org.id, 'org-freeze');
    // No reason, no request.
    await page.getByTestId('action-submit').click();
    await page.getByTestId('action-problem').getByText('Choose a reason first.').waitFor();
    await page.selectOption('#field-reasonCode', 'suspected_fraud');
    await page.fill('#field-note', 'chargeback ring');
    // A double click sends the same Idempotency-Key twice at most: one run.
    await page.getByTestId('action-submit').dblclick();
    await notice(page, /Freeze organization: done \(run [0-9a-f-]{36}\)/);
    await page.waitForURL(new RegExp(`/admin/resources/Organization/records/${org.id}/show`));
    await page.screenshot({ path: '.data/backoffice-freeze.png' });

    expect(await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ status: 'frozen', frozenBy: id, freezeReason: 'suspected_fraud: chargeback ring' });
    expect(await db.prisma.actionRun.count({ where: { actionId: 'org.freeze', targetId: String(org.id) } })).toBe(1);
    expect(await auditCount('org.freeze', 'organization', String(org.id), 'succeeded')).toBe(1);
    await page.close();
  });

  it('an unfreeze asks for a fresh authentication code in its form, and is sent for approval with one', async () => {
    const org = await db.prisma.organization.create({ data: { kind: 'seller', name: 'Cleared Widgets Ltd', status: 'frozen', frozenAt: new Date() } });
    const { page, id, op } = await logIn(['risk_agent']);
    // The login's code was entered more than five minutes ago.
    await patchSessions(db, id, { stepUpAt: Date.now() - 6 * 60_000 });
    await openAction(page, 'Organization', org.id, 'org-unfreeze');
    await page.selectOption('#field-reasonCode', 'investigation_cleared');
    await page.getByTestId('action-submit').click();
    await page.getByTestId('action-problem').getByText(/Unfreeze organization needs a fresh authentication code/).waitFor();
    expect(await db.prisma.approvalRequest.count({ where: { targetId: String(org.id) } })).toBe(0);
    await page.fill('#field-stepUpCode', await op.totp());
    await page.screenshot({ path: '.data/backoffice-step-up.png' });
    await page.getByTestId('action-submit').click();
    await notice(page, /Unfreeze organization: sent for approval \(request [0-9a-f-]{36}\)/);
    expect(await db.prisma.approvalRequest.count({ where: { targetId: String(org.id), status: 'pending' } })).toBe(1);
    await page.close();
  });

  it('a support agent\'s refund over the limit is sent for approval; a finance admin approves it from the inbox and it runs', async () => {
    const order = await createPaidOrder(db, { amount: 40_000 });
    const support = await logIn(['support_agent']);
    await openAction(support.page, 'Order', order.orderId, 'order-refund');
    await support.page.getByTestId('action-form').waitFor();
    // The currency comes from the order; the amount is typed as people read it.
    expect(await support.page.inputValue('[name="amount.currency"]')).toBe('USD');
    await support.page.fill('[name="amount.amount"]', '150.00');
    await support.page.selectOption('#field-reasonCode', 'item_damaged');
    await support.page.screenshot({ path: '.data/backoffice-refund-form.png' });
    await support.page.getByTestId('action-submit').click();
    await notice(support.page, /Refund order: sent for approval \(request [0-9a-f-]{36}\): refund of 150\.00 USD is above your limit of 100\.00 USD/);
    const request = await db.prisma.approvalRequest.findFirstOrThrow({ where: { requestedBy: support.id, targetId: String(order.orderId) } });
    expect(request).toMatchObject({ status: 'pending', payload: { input: { amount: { amount: 15_000, currency: 'USD' } }, reasonCode: 'item_damaged' } });
    expect(await db.prisma.refund.count({ where: { orderId: order.orderId } })).toBe(0);

    const finance = await logIn(['finance_admin']);
    await finance.page.goto(`${baseUrl}/admin/resources/ApprovalRequest`);
    await finance.page.getByTestId('action-pendingForMe').click();
    await finance.page.waitForURL(/filters\.view=for_me/);
    await finance.page.locator(`[data-id="${request.id}"]`).first().waitFor();
    await finance.page.screenshot({ path: '.data/backoffice-approvals.png' });
    await finance.page.locator(`[data-id="${request.id}"]`).first().click();
    await finance.page.waitForURL(new RegExp(`/ApprovalRequest/records/${request.id}/show`));
    await finance.page.getByText(request.payloadHash).first().waitFor();
    await finance.page.getByTestId('action-approve').click();
    await finance.page.getByTestId('confirm-form').waitFor();
    await finance.page.getByTestId('summary-payloadHash').getByText(request.payloadHash).waitFor();
    await finance.page.fill('#field-note', 'photos checked');
    await finance.page.getByTestId('action-submit').click();
    await notice(finance.page, /Approve order\.refund: approved and executed \(run [0-9a-f-]{36}\)/);
    await finance.page.screenshot({ path: '.data/backoffice-approved.png' });

    expect(await db.prisma.refund.count({ where: { orderId: order.orderId } })).toBe(1);
    expect(await db.prisma.refund.findFirstOrThrow({ where: { orderId: order.orderId } })).toMatchObject({ amount: 15_000 });
    expect(await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: 'approved', runId: expect.any(String) });
    await support.page.close();
    await finance.page.close();
  });

  it('refuses the requester\'s own approval with a clear notice', async () => {
    const order = await createPaidOrder(db, { amount: 40_000 });
    // Decides approvals in general (approval.decide), never their own.
    const { page, id } = await logIn(['support_agent', 'hotline_supervisor']);
    await openAction(page, 'Order', order.orderId, 'order-refund');
    await page.fill('[name="amount.amount"]', '120');
    await page.selectOption('#field-reasonCode', 'goodwill_gesture');
    await page.getByTestId('action-submit').click();
    await notice(page, /sent for approval/);
    const request = await db.prisma.approvalRequest.findFirstOrThrow({ where: { requestedBy: id } });

    await page.goto(`${baseUrl}/admin/resources/ApprovalRequest/records/${request.id}/approve`);
    await page.getByTestId('action-submit').click();
    await page.getByTestId('action-problem').getByText('The requester, or anyone acting as the requester, cannot decide their own request.').waitFor();
    expect((await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('pending');
    await page.close();
  });

  it('shows a failed run in Runs & exceptions, with a Retry that runs it again', async () => {
    const org = await db.prisma.organization.create({ data: { kind: 'seller', name: 'Already Frozen Inc', status: 'frozen', frozenAt: new Date() } });
    const { page } = await logIn(['risk_agent']);
    await openAction(page, 'Organization', org.id, 'org-freeze');
    await page.selectOption('#field-reasonCode', 'legal_order');
    await page.getByTestId('action-submit').click();
    await page.getByTestId('action-problem').getByText(/is already frozen/).waitFor();
    const failed = await db.prisma.actionRun.findFirstOrThrow({ where: { targetId: String(org.id), status: 'failed' } });

    await page.goto(`${baseUrl}/admin/resources/ActionRun`);
    await page.getByTestId('action-openExceptions').click();
    await page.waitForURL(/filters\.exception=open/);
    await page.locator(`[data-id="${failed.id}"]`).first().waitFor();
    await page.screenshot({ path: '.data/backoffice-runs.png' });
    await page.locator(`[data-id="${failed.id}"]`).first().click();
    await page.getByText('already_frozen').first().waitFor();
    // The cause is dealt with; Retry runs the stored request again.
    await db.prisma.organization.update({ where: { id: org.id }, data: { status: 'active', frozenAt: null } });
    await page.getByTestId('action-retry').click();
    await page.getByTestId('confirm-form').waitFor();
    await page.getByTestId('action-submit').click();
    await notice(page, /Retry of org\.freeze: done \(run [0-9a-f-]{36}\)/);
    const retried = await db.prisma.actionRun.findUniqueOrThrow({ where: { id: failed.id } });
    expect(retried.retriedByRunId).not.toBeNull();
    await page.waitForURL(new RegExp(`/ActionRun/records/${retried.retriedByRunId}/show`));
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('frozen');
    await page.close();
  });

  it('takes selected listings down in bulk and shows the job\'s progress', async () => {
    const org = await db.prisma.organization.create({ data: { kind: 'seller', name: 'Counterfeit Corner' } });
    const listings = await Promise.all([1, 2, 3].map((n) => db.prisma.listing.create({ data: { sellerOrgId: org.id, title: `Fake watch ${n}`, priceAmount: 9_900, currency: 'USD' } })));
    const { page } = await logIn(['risk_agent']);
    await page.goto(`${baseUrl}/admin/resources/Listing?filters.sellerOrg=${org.id}`);
    await page.locator(`[data-id="${listings[0].id}"]`).first().waitFor();
    // The design system draws the checkbox over the input.
    for (const listing of listings) await page.locator(`[data-id="${listing.id}"] input[type=checkbox] + *`).first().click();
    await page.getByTestId('action-listing-takedown-bulk').click();
    await page.getByTestId('bulk-action-form').waitFor();
    await page.selectOption('#field-reasonCode', 'counterfeit');
    await page.getByTestId('action-submit').click();
    await page.getByTestId('bulk-progress').waitFor();
    // The job runs on the bulk worker; here the test works it.
    const job = await db.prisma.bulkJob.findFirstOrThrow({ where: { actionId: 'listing.takedown' }, orderBy: { createdAt: 'desc' } });
    await actions.bulk.process(job.id);
    await page.getByTestId('bulk-progress').getByText('Completed: 3 of 3 (3 succeeded, 0 failed, 0 sent for approval)').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: '.data/backoffice-bulk.png' });
    expect(await db.prisma.listing.count({ where: { sellerOrgId: org.id, status: 'taken_down' } })).toBe(3);
    await page.close();
  });
});
