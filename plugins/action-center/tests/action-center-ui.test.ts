// The Action Center in a real browser (Debian's chromium): an operator opens a ticket and sees the
// order context and the order timeline on the same page, follows "Create internal task / note" to
// the runner's own form, creates the task, and finds it on the ticket and the order timeline.
import type { Page } from 'playwright-core';
import { describeUi, openBrowser, type BrowserHarness } from '../../../tests/support/browser.js';
import { createTestDatabase } from '../../../tests/support/database.js';
import { createOperator, createTestApp, type TestOperator } from '../../../tests/support/app.js';
import { createLogger } from '../../../src/platform/logger.js';
import { seedDemo } from '../seed/demo.js';

describeUi('the Action Center in a browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: BrowserHarness;
  let baseUrl: string;
  let op: TestOperator;
  let ticketId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    op = await createOperator(db, { roles: ['support_agent'] });
    await seedDemo({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 1 });
    ticketId = (await db.pool.query<{ id: number }>(`SELECT id FROM ac_tickets WHERE subject LIKE 'Where is my%'`)).rows[0].id;
    harness = await openBrowser(createTestApp(db));
    ({ baseUrl } = harness);
    await harness.buildComponents();
  }, 300_000);
  afterAll(async () => {
    await harness?.close();
    await db?.drop();
  });

  const logIn = (): Promise<Page> => harness.logIn(op, { height: 1400, timeout: 90_000 });

  it('shows the ticket with the order context and timeline, and creates a task from it', async () => {
    const page = await logIn();
    await page.goto(`${baseUrl}/admin/pages/action-center`);
    const list = page.getByTestId('tickets');
    await list.getByText('Where is my gift-wrapped poster? (#1001)').waitFor({ timeout: 90_000 });
    await list.locator(`[data-ticket="${ticketId}"]`).click();
    const context = page.getByTestId('order-context');
    await context.waitFor({ timeout: 30_000 });
    expect(await context.textContent()).toContain('117.72');
    expect(await context.textContent()).toContain('refunded');
    const timeline = page.getByTestId('order-timeline');
    for (const type of ['order_created', 'paid', 'address_changed', 'fulfillment_cancelled', 'refunded', 'cancelled']) {
      await timeline.getByText(type, { exact: true }).first().waitFor();
    }
    await page.screenshot({ path: '.data/action-center-ticket.png', fullPage: true });

    await page.locator('[data-action="ticket.create_task"]').click();
    await page.waitForURL(new RegExp(`/admin/resources/ActionCenterTicket/records/${ticketId}/ticket-create_task$`));
    await page.getByTestId('action-form').waitFor({ timeout: 30_000 });
    await page.fill('#field-title', 'Ask the carrier about the cancelled fulfillment');
    await page.selectOption('#field-reasonCode', 'follow_up');
    await page.getByTestId('action-submit').click();
    await page.getByText(/Create internal task \/ note: done/).first().waitFor({ timeout: 15_000 });
    const tasks = await db.pool.query(`SELECT title FROM ac_tasks WHERE ticket_id = $1 AND run_id IS NOT NULL`, [ticketId]);
    expect(tasks.rows).toEqual([{ title: 'Ask the carrier about the cancelled fulfillment' }]);

    await page.goto(`${baseUrl}/admin/pages/action-center?ticket=${ticketId}`);
    await page.getByTestId('order-timeline').getByText('task_created', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByTestId('ticket-tasks').getByText('Ask the carrier about the cancelled fulfillment').waitFor();
    await page.close();
  });
});
