// The security headers both faces send (helmet): HSTS, no MIME sniffing, no framing by other sites,
// and a Referrer-Policy; the API with helmet's strict CSP, the backoffice with a navigation-only CSP
// (AdminJS renders inline scripts) and `same-origin` referrers, which its login form needs to send
// a real Origin (src/http/security/admin-headers.ts).
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createConfiguredApp } from './support/security-app.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: ReturnType<typeof createConfiguredApp>;
let secure: ReturnType<typeof createConfiguredApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = createConfiguredApp(db);
  secure = createConfiguredApp(db, { env: { COOKIE_SECURE: 'true' } });
});
afterAll(async () => {
  await db.drop();
});

const directives = (csp: string) => Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));

describe('the API', () => {
  it('sends nosniff, no framing, no referrer and a strict CSP, on answers and on problems alike', async () => {
    for (const res of [await request(app).get('/api/openapi.json'), await request(app).get('/api/session'), await request(app).post('/api/session').set('Origin', 'https://evil.example')]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(directives(res.headers['content-security-policy'])).toMatchObject({ 'default-src': "'self'", 'frame-ancestors': "'self'", 'script-src': "'self'", 'object-src': "'none'" });
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('sends HSTS when served over TLS (COOKIE_SECURE)', async () => {
    const res = await request(secure).get('/api/session').set('X-Forwarded-Proto', 'https');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=(\d+); includeSubDomains$/);
    expect(Number(/max-age=(\d+)/.exec(res.headers['strict-transport-security'])![1])).toBeGreaterThanOrEqual(180 * 24 * 3600);
  });
});

describe('the backoffice', () => {
  it('sends nosniff, no framing by other sites, same-origin referrers and a navigation-only CSP', async () => {
    const page = await request(app).get('/admin/login');
    expect(page.status).toBe(200);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    // Not helmet's no-referrer: the login form would then post `Origin: null`.
    expect(page.headers['referrer-policy']).toBe('same-origin');
    const csp = directives(page.headers['content-security-policy']);
    expect(csp).toEqual({ 'frame-ancestors': "'self'", 'form-action': "'self'", 'base-uri': "'self'", 'object-src': "'none'" });
    expect(page.headers['x-powered-by']).toBeUndefined();
  });

  it('sends HSTS when served over TLS (COOKIE_SECURE)', async () => {
    const page = await request(secure).get('/admin/login').set('X-Forwarded-Proto', 'https');
    expect(page.headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
  });
});
