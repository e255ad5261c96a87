// Four-eyes flag changes in a real browser (Debian's chromium, playwright-core) over a real Unleash:
// an experiment with a declared winner offers "Request rollout of <winner> to 100%", which raises a
// flag change request; a second operator finds it in the Approvals screen with its exact payload,
// approves it there, and the winner's weight is 1000 in Unleash. The Flags screen lists the flags.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUnleashSupervisor, type UnleashSupervisor } from '../src/flags/unleash-supervisor.js';
import { createFlagClient, type FlagClient } from '../src/flags/unleash-client.js';
import { createUnleashAdmin } from '../src/flags/unleash-admin.js';
import { buildFlagCatalog } from '../src/flags/flag-catalog.js';
import { syncFlags } from '../src/flags/flag-sync.js';
import { freePort } from '../src/platform/free-port.js';
import { createApp } from '../src/app.js';
import { createAuditService } from '../src/audit/audit-service.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/platform/logger.js';
import { plugins } from '../plugins/index.js';
import { describeUi, openBrowser, type BrowserHarness, logInPage } from './support/browser.js';
import { createEmptyDatabase, createTestDatabase } from './support/database.js';
import { createOperator, loginAs, TEST_AUDIT_KEY, TEST_MFA_KEY, type TestOperator } from './support/app.js';

const secret = () => randomBytes(24).toString('hex');
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const adminToken = `*:*.${secret()}`;
const clientToken = `default:development.${secret()}`;
const backupPath = path.resolve(`.data/test-flag-change-ui-${secret().slice(0, 8)}`);
const key = `banner-colour-${secret().slice(0, 6)}`;

describeUi('four-eyes flag changes in a browser', () => {
  let unleashDb: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let supervisor: UnleashSupervisor;
  let flags: FlagClient;
  let harness: BrowserHarness;
  let browser: Browser;
  let baseUrl: string;
  let requester: TestOperator;
  let approver: TestOperator;

  const unleash = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${supervisor.url}/api/admin/projects/default/features${route}`, {
      method, headers: { Authorization: adminToken, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  beforeAll(async () => {
    [unleashDb, db] = await Promise.all([createEmptyDatabase(), createTestDatabase()]);
    supervisor = createUnleashSupervisor({ databaseUrl: unleashDb.url, port: await freePort(), adminPassword: `${secret()}Aa1!`, adminToken, clientToken, logger: silent });
    await supervisor.start();
    await syncFlags({ url: supervisor.url, adminToken, catalog: buildFlagCatalog(plugins), logger: silent });
    expect((await unleash('POST', '', { name: key, type: 'experiment' })).status).toBe(201);
    expect((await unleash('POST', `/${key}/environments/development/strategies`, {
      name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'default', groupId: key },
      variants: [{ name: 'control', weight: 500, weightType: 'fix', stickiness: 'default' }, { name: 'green', weight: 0, weightType: 'variable', stickiness: 'default' }],
    })).status).toBe(200);
    expect((await unleash('POST', `/${key}/environments/development/on`)).status).toBe(200);
    flags = createFlagClient({ url: supervisor.url, clientToken, appName: 'opsdeck-flag-change-ui-test', backupPath, logger: silent, refreshIntervalMs: 500 });
    expect(await flags.ready(10_000)).toBe(true);
    const { app } = createApp({
      config: loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app' }), logger: createLogger({ level: 'silent' }), db, plugins,
      sessionSecret: secret(), unleashState: flags.state, audit: createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY }), auditSigningKey: TEST_AUDIT_KEY,
      mfaEncryptionKey: TEST_MFA_KEY, flagDefinitions: flags, flagClient: flags, unleashAdmin: createUnleashAdmin({ url: supervisor.url, adminToken }),
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
    ({ browser, baseUrl } = harness);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
    await flags?.destroy();
    await supervisor?.stop();
    await Promise.all([unleashDb?.drop(), db?.drop()]);
    await fs.rm(backupPath, { recursive: true, force: true });
  });

  async function login(operator: TestOperator): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
    await logInPage(page, { baseUrl, operator: operator });
    return page;
  }

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
    const weights = async () => (await unleash('GET', `/${key}`)).body.environments.find((e: any) => e.name === 'development').strategies[0].variants
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
