// The newcomer's path: `npm start` with no DATABASE_URL and no UNLEASH_URL brings up embedded
// PostgreSQL, migrations, demo data, Unleash and the backoffice; Ctrl-C leaves nothing behind;
// the second start is a warm start.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { processesWithMarker, startPlatformProcess, waitForReady } from './support/platform-process.js';
import { authenticator } from './support/totp.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsdeck-boot-'));
  await fs.chmod(dataDir, 0o711);
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

type Credentials = { operators: { email: string; password: string; role: string; totpSecret: string }[]; unleash: { url: string; username: string; password: string } };

it('boots the whole platform without DATABASE_URL, stops cleanly on SIGINT, and warm-starts', async () => {
  // ---- cold start
  const cold = await startPlatformProcess({ dataDir });
  try {
    expect(await waitForReady(cold)).toEqual({ database: 'ok', unleash: 'ok' });
    expect(cold.output()).toMatch(/initialised PostgreSQL data folder/);
    expect(cold.output()).toMatch(/Backoffice\s+http:\/\/localhost:\d+\/admin/);

    const file = path.join(dataDir, 'credentials.json');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const credentials = JSON.parse(await fs.readFile(file, 'utf8')) as Credentials;
    expect(credentials.operators.length).toBeGreaterThanOrEqual(5);
    // The key that seals the TOTP secrets in the database was generated into the data folder's secrets.
    const secrets = JSON.parse(await fs.readFile(path.join(dataDir, 'secrets.json'), 'utf8')) as { mfaEncryptionKey?: string };
    expect(secrets.mfaEncryptionKey).toMatch(/^[0-9a-f]{64}$/);

    // The printed credentials open the API and the backoffice (with a code of the demo authenticator)...
    const admin = credentials.operators.find((o) => o.role === 'super_admin')!;
    const totp = authenticator(admin.totpSecret);
    const login = await fetch(`${cold.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin.email, password: admin.password, totp: await totp() }),
    });
    expect(login.status).toBe(200);
    const form = await fetch(`${cold.baseUrl}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: admin.email, password: admin.password, totp: await totp() }),
      redirect: 'manual',
    });
    expect(form.status).toBe(302);
    expect(form.headers.get('location')).toBe('/admin');

    // ...and the Unleash dashboard with its admin user.
    expect((await fetch(`${cold.unleashUrl}/`)).status).toBe(200);
    const unleashLogin = await fetch(`${cold.unleashUrl}/auth/simple/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: credentials.unleash.username, password: credentials.unleash.password }),
    });
    expect(unleashLogin.status).toBe(200);
  } finally {
    expect(await cold.stop('SIGINT')).toBe(0);
  }
  expect(cold.output()).toMatch(/stopped embedded PostgreSQL/);
  expect(await processesWithMarker(cold.marker)).toEqual([]);
  await expect(fs.access(path.join(dataDir, 'pg', 'postmaster.pid'))).rejects.toThrow();

  // ---- warm start: same data folder, no initdb, no second demo seed
  const warm = await startPlatformProcess({ dataDir });
  try {
    expect(await waitForReady(warm)).toEqual({ database: 'ok', unleash: 'ok' });
    expect(warm.output()).not.toMatch(/initialised PostgreSQL data folder|first run: demo data/);
    expect(warm.output()).toMatch(/"applied":0/);
  } finally {
    expect(await warm.stop('SIGTERM')).toBe(0);
  }
  expect(await processesWithMarker(warm.marker)).toEqual([]);
}, 240_000);
