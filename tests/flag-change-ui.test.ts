// Four-eyes flag changes in a real browser (Debian's chromium, playwright-core) over a real Unleash:
// an experiment with a declared winner offers "Request rollout of <winner> to 100%", which raises a
// flag change request; a second operator finds it in the Approvals screen with its exact payload,
// approves it there, and the winner's weight is 1000 in Unleash. The Flags screen lists the flags.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { FlagClient } from '../src/flags/unleash-client.js';
import { createUnleashAdmin } from '../src/flags/unleash-admin.js';
import { describeUi, openBrowser, type BrowserHarness } from './support/browser.js';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestPlatformApp, loginAs, type TestOperator } from './support/app.js';
import { startTestUnleash, type TestUnleash } from './support/unleash.js';

const key = `banner-colour-${randomBytes(3).toString('hex')}`;

describeUi('four-eyes flag changes in a browser', () => {
  let unleash: TestUnleash;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let flags: FlagClient;
  let harness: BrowserHarness;
  let baseUrl: string;
  let requester: TestOperator;
  let approver: TestOperator;

  beforeAll(async () => {
    [unleash, db] = await Promise.all([startTestUnleash(), createTestDatabase()]);
    await unleash.sync();
    await unleash.experimentFlag({ name: key, variants: [{ name: 'control', weight: 500 }, { name: 'green' }] });
    flags = unleash.flagClient({ appName: 'opsdeck-flag-change-ui-test', refreshIntervalMs: 500 });
    expect(await flags.ready(10_000)).toBe(true);
    const { app } = createTestPlatformApp(db, {
      unleash: flags.state, flagDefinitions: flags, flagClient: flags, unleashAdmin: createUnleashAdmin({ url: unleash.url, adminToken: unleash.adminToken }),
    });
    // A running experiment whose results declare green the winner (10% against 30%, 300 users each).
    const { agent } = await loginAs(app, db, ['platform_admin']);
    await agent.put(`/api/experiments/${key}`).send({
      name: 'Banner colour', status: 'running', minSamplePerVariant: 100, variants: [{ name: 'control', weight: 1, isControl: true }, { name: 'green', weight: 1 }],
    }).expect(201);
    const events = [['control', 30], ['green', 90]].flatMap(([variant, converted]) => Array.from({ length: 300 }, (_, i) => [
      { id: `${variant}-${i}-x`, type: 'exposure', userId: `${variant}-${i}`, variant },
      ...(i < Number(converted) ? [{ id: `${variant}-${i}-c`, type: 'conversion', userId: `${variant}-${i}` }] : []),
    ]).flat());
    await agent.post(`/api/experiments/${key}/events`).send({ events }).expect(200);
    [requester, approver] = await Promise.all([createOperator(db, { roles: ['platform_admin'] }), createOperator(db, { roles: ['super_admin'] })]);
    harness = await openBrowser(app);
    ({ baseUrl } = harness);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
    await unleash?.close();
    await db?.drop();
  });

  const login = (operator: TestOperator): Promise<Page> => harness.logIn(operator);

  it('raises the winner rollout from the experiment page; the second operator approves it in the Approvals screen', async () => {
    const page = await login(requester);
    await page.goto(`${baseUrl}/admin/resources/Flags`);
    await page.locator('table tbody tr', { hasText: 'opsdeck.bulk-actions' }).first().waitFor({ timeout: 60_000 });

    await page.goto(`${baseUrl}/admin/resources/Experiments/records/${key}/show`);
    await page.getByTestId('experiment-winner').waitFor({ timeout: 60_000 });
    await page.getByTestId('winner-rollout-submit').click();
    const outcome = await page.getByTestId('winner-rollout-outcome').textContent();
    expect(outcome).toMatch(/Flag change request [0-9a-f-]{36} is waiting for a second person's approval/);
    const approvalId = /([0-9a-f-]{36})/.exec(outcome!)![1];
    await page.screenshot({ path: '.data/backoffice-winner-rollout.png', fullPage: true });

    const second = await login(approver);
    await second.goto(`${baseUrl}/admin/resources/ApprovalRequest/records/${approvalId}/show`);
    await second.getByTestId('action-approve').waitFor({ timeout: 30_000 });
    await second.getByText('experiment_winner').first().waitFor();
    const shown = await second.locator('body').textContent();
    await second.screenshot({ path: '.data/backoffice-flag-change-approval.png', fullPage: true });
    expect(shown).toContain('flag.change');
    expect(shown).toContain('experiment_winner');
    expect(shown).toContain(key);
    await second.screenshot({ path: '.data/backoffice-flag-change-approval.png', fullPage: true });
    const weights = async () => (await unleash.admin('GET', `/projects/default/features/${key}`)).body.environments.find((e: any) => e.name === 'development').strategies[0].variants
      .map((v: { name: string; weight: number }) => [v.name, v.weight]);
    expect(await weights()).toEqual([['control', 500], ['green', 500]]);

    await second.getByTestId('action-approve').click();
    await second.getByTestId('confirm-form').waitFor();
    await second.fill('#field-note', 'winner confirmed');
    await second.getByTestId('action-submit').click();
    await second.getByText(/Approve flag\.change: approved and executed \(run [0-9a-f-]{36}\)/).first().waitFor({ timeout: 30_000 });
    expect(await weights()).toEqual([['control', 0], ['green', 1000]]);
  }, 180_000);
});
