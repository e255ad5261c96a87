import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { checkPackSettings } from '../src/config/pack-settings.js';
import { marketplacePlugin } from '../plugins/marketplace/index.js';
import { actionCenterPlugin } from '../plugins/action-center/index.js';

const run = promisify(execFile);
// A production configuration needs the key that signs impersonation tokens.
const JWT_KEY = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
// ...and the key that seals operators' TOTP secrets (32 bytes, hex or base64).
const MFA_KEY = randomBytes(32).toString('hex');

describe('config', () => {
  it('applies defaults in development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ NODE_ENV: 'development', PORT: 3000, UNLEASH_PORT: 4242, cookieSecure: false, isProduction: false });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /DATABASE_URL must be a postgres/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ NODE_ENV: 'production', UNLEASH_ADMIN_TOKEN: 'a'.repeat(20), UNLEASH_CLIENT_TOKEN: 'b'.repeat(20) }, /SESSION_SECRET is required when NODE_ENV=production/],
    [{ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }, /UNLEASH_ADMIN_TOKEN is required when NODE_ENV=production/],
    [{ SESSION_SECRET: 'short' }, /SESSION_SECRET must be at least 32 characters/],
    [{ UNLEASH_URL: 'http://unleash.internal:4242' }, /UNLEASH_ADMIN_TOKEN is required when UNLEASH_URL is set/],
    [{ UNLEASH_ADMIN_TOKEN: 'admin-token-123' }, /UNLEASH_ADMIN_TOKEN must look like \*:\*\./],
    [{ UNLEASH_CLIENT_TOKEN: 'default.development:x' }, /UNLEASH_CLIENT_TOKEN must look like/],
    [{ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), UNLEASH_URL: 'https://u.example.com', UNLEASH_ADMIN_TOKEN: 'a'.repeat(20), UNLEASH_CLIENT_TOKEN: 'b'.repeat(20), AUDIT_SIGNING_KEY: 'k'.repeat(40), IMPERSONATION_JWT_PRIVATE_KEY: JWT_KEY, MFA_ENCRYPTION_KEY: MFA_KEY, COOKIE_SECURE: 'false' }, /COOKIE_SECURE cannot be false/],
    [{ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), UNLEASH_ADMIN_TOKEN: 'a'.repeat(20), UNLEASH_CLIENT_TOKEN: 'b'.repeat(20) }, /AUDIT_SIGNING_KEY is required when NODE_ENV=production/],
    [{ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), UNLEASH_ADMIN_TOKEN: 'a'.repeat(20), UNLEASH_CLIENT_TOKEN: 'b'.repeat(20), AUDIT_SIGNING_KEY: 'k'.repeat(40) }, /IMPERSONATION_JWT_PRIVATE_KEY is required when NODE_ENV=production/],
    [{ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), UNLEASH_ADMIN_TOKEN: 'a'.repeat(20), UNLEASH_CLIENT_TOKEN: 'b'.repeat(20), AUDIT_SIGNING_KEY: 'k'.repeat(40), IMPERSONATION_JWT_PRIVATE_KEY: JWT_KEY }, /MFA_ENCRYPTION_KEY is required when NODE_ENV=production/],
    [{ MFA_ENCRYPTION_KEY: 'a'.repeat(63) }, /MFA_ENCRYPTION_KEY must be 32 bytes written as 64 hex characters or as base64/],
    [{ MFA_ENCRYPTION_KEY: 'correct horse battery staple, but not a key' }, /MFA_ENCRYPTION_KEY must be 32 bytes/],
    [{ MFA_ENCRYPTION_KEY: randomBytes(16).toString('base64') }, /MFA_ENCRYPTION_KEY must be 32 bytes/],
    [{ AUDIT_SIGNING_KEY: 'short' }, /AUDIT_SIGNING_KEY must be at least 32 characters/],
    [{ AUDIT_RETENTION_YEARS: '0' }, /AUDIT_RETENTION_YEARS/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      IMPERSONATION_JWT_PRIVATE_KEY: JWT_KEY,
      NODE_ENV: 'production',
      SESSION_SECRET: 's'.repeat(40),
      UNLEASH_URL: 'https://unleash.example.com/',
      UNLEASH_ADMIN_TOKEN: '*:*.secret-admin',
      UNLEASH_CLIENT_TOKEN: 'default:production.secret',
      AUDIT_SIGNING_KEY: 'k'.repeat(40),
      MFA_ENCRYPTION_KEY: MFA_KEY,
      DATABASE_URL: 'postgresql://u:p@db:5432/opsdeck',
      SHOPIFY_WEBHOOK_SECRET: 'w'.repeat(32),
    });
    expect(config).toMatchObject({ isProduction: true, cookieSecure: true, UNLEASH_URL: 'https://unleash.example.com', MFA_ENCRYPTION_KEY: MFA_KEY });
  });

  it('checks a pack\'s own settings only while the pack is enabled: the Shopify webhook secret in production', () => {
    const base = { IMPERSONATION_JWT_PRIVATE_KEY: JWT_KEY, NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), UNLEASH_URL: 'https://unleash.example.com/', UNLEASH_ADMIN_TOKEN: '*:*.secret-admin', UNLEASH_CLIENT_TOKEN: 'default:production.secret', AUDIT_SIGNING_KEY: 'k'.repeat(40), MFA_ENCRYPTION_KEY: MFA_KEY };
    const config = loadConfig(base);
    expect(() => checkPackSettings(config, [marketplacePlugin, actionCenterPlugin])).toThrow(/SHOPIFY_WEBHOOK_SECRET is required/);
    expect(() => checkPackSettings(config, [marketplacePlugin])).not.toThrow();
    expect(() => checkPackSettings(loadConfig({ ...base, SHOPIFY_WEBHOOK_SECRET: 'w'.repeat(32) }), [actionCenterPlugin])).not.toThrow();
    // A pack's malformed variable names itself, like the core's.
    expect(() => checkPackSettings(loadConfig({ SHIPPING_TRACKING_STALE_HOURS: 'soon' }), [marketplacePlugin])).toThrow(/invalid configuration: SHIPPING_TRACKING_STALE_HOURS/);
    expect(() => checkPackSettings(loadConfig({ SHOPIFY_SHOP_DOMAIN: 'example.com' }), [actionCenterPlugin])).toThrow(/invalid configuration: SHOPIFY_SHOP_DOMAIN must look like/);
    // A pack may have several (the marketplace: shipping, and support with its non-fulfilment workflow).
    expect(() => checkPackSettings(loadConfig({ NONFULFILMENT_GRACE_HOURS: 'soon' }), [marketplacePlugin])).toThrow(/invalid configuration: NONFULFILMENT_GRACE_HOURS Expected number/);
    expect(() => checkPackSettings(loadConfig({ SUPPORT_BUSINESS_DAYS: 'mon-funday' }), [marketplacePlugin])).toThrow(/invalid configuration: SUPPORT_BUSINESS_DAYS "mon-funday" is not a day/);
    expect(() => checkPackSettings(loadConfig({ SUPPORT_HOLIDAYS: '2026-12-25,boxing day' }), [marketplacePlugin])).toThrow(/invalid configuration: SUPPORT_HOLIDAYS dates as YYYY-MM-DD/);
    expect(() => checkPackSettings(loadConfig({ SUPPORT_BUSINESS_HOURS: '17:00-09:00' }), [marketplacePlugin])).toThrow(/invalid configuration: .*SUPPORT_BUSINESS_HOURS business hours must open before they close/);
    expect(() => checkPackSettings(loadConfig({ SUPPORT_TIME_ZONE: 'Europe/Berlin', SUPPORT_BUSINESS_DAYS: 'sun-thu', NONFULFILMENT_SLA_HOURS: '24' }), [marketplacePlugin])).not.toThrow();
  });

  it('takes MFA_ENCRYPTION_KEY as 64 hex characters or as base64', () => {
    const key = randomBytes(32);
    for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
      expect(loadConfig({ MFA_ENCRYPTION_KEY: text }).MFA_ENCRYPTION_KEY).toBe(text);
    }
    // Unset outside production: generated once into the data folder's secrets (src/config/secrets.ts).
    expect(loadConfig({}).MFA_ENCRYPTION_KEY).toBeUndefined();
  });

  // A pack's settings are checked with the core's, before anything starts.
  it.each([
    ['a core variable', { PORT: 'not-a-port' }, /^opsdeck: invalid configuration: PORT /],
    ['a pack setting', { SUPPORT_TIME_ZONE: 'Nowhere/Else' }, /^opsdeck: invalid configuration: SUPPORT_TIME_ZONE /],
  ])('stops the process with exit code 1 and one line naming the variable (%s)', async (_, bad, line) => {
    const err = await run(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
      env: { PATH: process.env.PATH, ...bad, DATA_DIR: '.data/never-used' },
    }).then(() => null, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(err).not.toBeNull();
    expect(err!.code).toBe(1);
    expect(err!.stderr.trim().split('\n')).toEqual([expect.stringMatching(line)]);
    expect(err!.stdout).toBe('');
  });
});
