// The operations dashboard in a real browser (Debian's chromium, driven by playwright-core): a
// Risk/Trust Agent logs in and lands on it, sees the figures the minute job computed (and only
// theirs), follows "Disputes past SLA" to the disputes console's filtered queue, opens the overdue
// dispute and finds its checklist and the runner's Resolve form as a button; then opens the risk
// console, a seller's flag and the seller's panel with the Hold payout form.
import { describeUi, openBrowser, type BrowserHarness } from './support/browser.js';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestPlatformApp, type TestOperator } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';

describeUi('the operations dashboard in a browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: BrowserHarness;
  let agent: TestOperator;
  let overdueId: number;
  let sellerName: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const platform = createTestPlatformApp(db);
    const order = await createPaidOrder(db);
    const dispute = async (status: string, due: string) =>
      (await db.pool.query<{ id: number }>(`INSERT INTO disputes (order_id, kind, status, sla_due_at) VALUES ($1, 'not_received', $2::"DisputeStatus", now() + $3::interval) RETURNING id`, [order.orderId, status, due])).rows[0].id;
    overdueId = await dispute('open', '-3 hours');
    await dispute('awaiting_evidence', '5 hours');
    await db.pool.query(`INSERT INTO dispute_evidence (dispute_id, kind, description) VALUES ($1, 'tracking_proof', 'Carrier scan')`, [overdueId]);
    sellerName = (await db.prisma.organization.findUniqueOrThrow({ where: { id: order.sellerOrgId } })).name;
    await db.pool.query(`INSERT INTO risk_flags (entity_type, entity_id, org_id, kind, severity, "trigger") VALUES ('organization', $1::int::text, $1::int, 'chargeback_rate', 'high', 'chargebacks > 2% over 7d')`, [order.sellerOrgId]);
    await platform.dashboard.refresh.refresh();
    agent = await createOperator(db, { roles: ['risk_agent'] });
    harness = await openBrowser(platform.app);
    await harness.buildComponents();
  }, 600_000);

  afterAll(async () => {
    await harness?.close();
    await db?.drop();
  });

  it('shows the figures on the home page and drills down to the list a figure counts', async () => {
    const page = await harness.logIn(agent);

    // ---- the home page is the dashboard, with this role's figures
    await page.getByTestId('ops-dashboard').waitFor({ timeout: 60_000 });
    const breached = page.locator('[data-figure="marketplace.disputes.sla_breached"]');
    await breached.waitFor();
    expect(await breached.getByTestId('figure-value').textContent()).toBe('1');
    expect(await page.locator('[data-figure="marketplace.disputes.awaiting_evidence"]').getByTestId('figure-value').textContent()).toBe('1');
    expect(await page.locator('[data-figure="core.runs.failed_open"]').count()).toBe(1);
    // Catalog figures do not exist; shipping's need shipment.read, which a risk agent has.
    expect(await page.getByTestId('dashboard-as-of').textContent()).toMatch(/As of \d{4}-\d\d-\d\d/);
    await page.screenshot({ path: '.data/backoffice-dashboard.png', fullPage: true });

    // ---- one drill-down: the disputes console, filtered to what the figure counted
    await breached.click();
    await page.waitForURL(new RegExp('/admin/pages/disputes\\?breached=true$'));
    const queue = page.getByTestId('dispute-queue');
    await queue.locator('tbody tr', { hasText: 'overdue by' }).first().waitFor({ timeout: 60_000 });
    expect(await queue.locator('tbody tr').count()).toBe(1);
    await queue.locator(`[data-dispute="${overdueId}"]`).click();
    const detail = page.getByTestId('dispute-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('checklist').locator('tbody tr', { hasText: 'tracking proof' }).textContent()).toContain('missing');
    const resolve = detail.locator('[data-action="dispute.resolve"]');
    expect(await resolve.getAttribute('href')).toBe(`/admin/resources/Dispute/records/${overdueId}/dispute-resolve`);
    await page.screenshot({ path: '.data/backoffice-disputes-console.png', fullPage: true });

    // ---- the risk console from the sidebar: the seller's flag, its trigger, and the seller's panel
    await page.getByText('Risk console', { exact: true }).click();
    await page.waitForURL(/\/admin\/pages\/risk$/);
    const flags = page.getByTestId('flags');
    await flags.locator('tbody tr', { hasText: 'chargebacks > 2% over 7d' }).waitFor({ timeout: 60_000 });
    await flags.getByRole('link', { name: sellerName }).click();
    await page.getByTestId('seller-risk').locator('[data-action="payout.hold"]').waitFor();
    await page.screenshot({ path: '.data/backoffice-risk-console.png', fullPage: true });
  }, 180_000);
});
