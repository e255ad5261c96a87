// The Experiments screen in a real browser (Debian's chromium, driven by playwright-core): a reader
// opens the list, then an experiment, and sees the verdict, the recharts bar chart with one error
// bar per variant, and the table of statistics, all from GET /api/experiments/{key}/results.
import { describeUi, openBrowser, type BrowserHarness } from './support/browser.js';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, loginAs, type TestOperator } from './support/app.js';

describeUi('the Experiments screen in a browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: BrowserHarness;
  let baseUrl: string;
  let reader: TestOperator;
  const key = 'checkout-button-colour';

  beforeAll(async () => {
    db = await createTestDatabase();
    const app = createTestApp(db);
    const { agent } = await loginAs(app, db, ['platform_admin']);
    await agent.put(`/api/experiments/${key}`).send({
      name: 'Checkout button colour', status: 'running', minSamplePerVariant: 500,
      variants: [{ name: 'control', weight: 1, isControl: true }, { name: 'green', weight: 1 }, { name: 'orange', weight: 1 }],
    }).expect(201);
    // 1,000 users per arm; conversions 10%, 15%, 11%.
    const events = [['control', 100], ['green', 150], ['orange', 110]].flatMap(([variant, converted]) => Array.from({ length: 1000 }, (_, i) => [
      { id: `${variant}-${i}-x`, type: 'exposure', userId: `${variant}-${i}`, variant },
      ...(i < Number(converted) ? [{ id: `${variant}-${i}-c`, type: 'conversion', userId: `${variant}-${i}` }] : []),
    ]).flat());
    await agent.post(`/api/experiments/${key}/events`).send({ events }).expect(200);
    reader = await createOperator(db, { roles: ['client_success'] });
    harness = await openBrowser(app);
    ({ baseUrl } = harness);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await db?.drop();
  });

  it('lists experiments and shows one with its chart and statistics', async () => {
    const page = await harness.logIn(reader);
    await page.getByText('Flags & experiments', { exact: true }).first().waitFor();

    await page.goto(`${baseUrl}/admin/resources/Experiments`);
    await page.locator('table tbody tr', { hasText: key }).first().waitFor();

    await page.goto(`${baseUrl}/admin/resources/Experiments/records/${key}/show`);
    await page.getByTestId('experiment-results').waitFor({ timeout: 60_000 });
    // Green beats control (z = 3.38, p = 0.0007, Bonferroni-adjusted 0.0014 < 0.05).
    expect(await page.getByTestId('experiment-winner').textContent()).toContain('green');
    await page.locator('.recharts-bar-rectangle').nth(2).waitFor();
    expect(await page.locator('.recharts-bar-rectangle').count()).toBe(3);
    expect(await page.locator('.recharts-errorBar').count()).toBe(3);
    expect(await page.getByTestId('variant-green').textContent()).toContain('15.00%');
    expect(await page.getByTestId('experiment-srm').textContent()).toContain('consistent with the weights');
    await page.screenshot({ path: '.data/backoffice-experiment.png', fullPage: true });
  }, 120_000);
});
