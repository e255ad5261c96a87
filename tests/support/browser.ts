// A real browser against the app: Debian's chromium driven by playwright-core, and the app on a
// local port. CI installs chromium (.ci/run); a developer machine without it skips UI files, loudly.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasBrowser = fs.existsSync(CHROMIUM);
if (!hasBrowser && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install chromium`);

/** `describe`, or `describe.skip` where there is no chromium. */
export const describeUi = hasBrowser ? describe : describe.skip;

type Operator = { email: string; password: string; totp: () => Promise<string> };

export type BrowserHarness = {
  browser: Browser;
  baseUrl: string;
  /**
   * Requests the components bundle, which the first request builds (minutes on a loaded machine
   * after a component changed): called in beforeAll, so the build is not inside a test's timeout.
   */
  buildComponents: () => Promise<void>;
  /** A new page (1600 px wide), logged in as `operator`. */
  logIn: (operator: Operator, options?: { height?: number; timeout?: number }) => Promise<Page>;
  close: () => Promise<void>;
};

/** Serves `app` on a free local port and launches chromium. */
export async function openBrowser(app: http.RequestListener): Promise<BrowserHarness> {
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    baseUrl,
    buildComponents: async () => {
      const res = await fetch(`${baseUrl}/admin/frontend/assets/components.bundle.js`);
      if (res.status !== 200) throw new Error(`components bundle: HTTP ${res.status}`);
    },
    logIn: async (operator, { height = 1100, timeout } = {}) => {
      const page = await browser.newPage({ viewport: { width: 1600, height } });
      await logInPage(page, { baseUrl, operator, timeout });
      return page;
    },
    close: async () => {
      await browser.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Logs `operator` in through the backoffice's login page (password and a fresh TOTP code) and waits for the home page. */
export async function logInPage(page: Page, { baseUrl, operator, timeout }: {
  baseUrl: string;
  operator: Operator;
  /** For the first page of a run, which may wait for the components bundle to build. */
  timeout?: number;
}): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`, { timeout });
  await page.fill('input[name=email]', operator.email);
  await page.fill('input[name=password]', operator.password);
  await page.fill('input[name=totp]', await operator.totp());
  await page.press('input[name=totp]', 'Enter');
  await page.waitForURL(new RegExp(`${baseUrl}/admin/?$`), { timeout });
}
