// The impersonation token key and its tokens, without a server: which keys are accepted (EC P-256
// as PEM, PEM with escaped line breaks, or JWK; nothing else, and a bad one stops the start naming
// the variable), and what a token says (kid = the key's thumbprint, never past the impersonation).
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify } from 'jose';
import { loadConfig } from '../src/config/config.js';
import { createImpersonationTokens, generateSigningKey, parseSigningKey, TOKEN_MAX_SECONDS } from '../src/impersonation/impersonation-tokens.js';

describe('the token key', () => {
  const pem = generateSigningKey();

  it('is an EC P-256 private key given as PKCS#8 PEM, as PEM with `\\n` escapes, or as a JWK', () => {
    expect(parseSigningKey(pem).asymmetricKeyType).toBe('ec');
    expect(parseSigningKey(pem.replace(/\n/g, '\\n')).asymmetricKeyType).toBe('ec');
    const jwk = parseSigningKey(pem).export({ format: 'jwk' });
    expect(parseSigningKey(JSON.stringify(jwk)).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('refuses anything else: another curve, RSA, a public key, garbage', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const bad of [p384, rsa, publicPem, 'not a key', '{"kty":"EC"}']) expect(() => parseSigningKey(bad)).toThrow(/impersonation token key/);
  });

  it('stops the start with one line naming IMPERSONATION_JWT_PRIVATE_KEY when it is bad', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', IMPERSONATION_JWT_PRIVATE_KEY: 'secret' })).toThrow(/IMPERSONATION_JWT_PRIVATE_KEY must be an EC P-256 private key/);
    expect(loadConfig({ NODE_ENV: 'test', IMPERSONATION_JWT_PRIVATE_KEY: pem }).IMPERSONATION_JWT_PRIVATE_KEY).toBe(pem);
    const defaults = loadConfig({ NODE_ENV: 'test' });
    expect(defaults.IMPERSONATION_JWT_AUDIENCE).toBe('opsdeck-customer-app');
    expect(defaults.IMPERSONATION_JWT_ISSUER).toBeUndefined();
    expect(defaults.IMPERSONATION_JWT_PRIVATE_KEY).toBeUndefined();
  });
});

describe('a token', () => {
  const tokens = createImpersonationTokens({ privateKey: generateSigningKey(), issuer: 'https://ops.example.com', audience: 'customer-app' });

  it('names its key by its RFC 7638 thumbprint and verifies against the JWKS only', async () => {
    const [jwk] = tokens.jwks().keys;
    expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }));
    const now = new Date();
    const { token } = await tokens.issue({ impersonationId: 'imp-1', operatorId: 7, targetUserId: 42, impersonationExpiresAt: new Date(now.getTime() + 3_600_000), now });
    const { payload } = await jwtVerify(token, createLocalJWKSet(tokens.jwks()), { issuer: 'https://ops.example.com', audience: 'customer-app' });
    expect(payload).toMatchObject({ sub: '42', act: { sub: 'operator:7' }, imp: 'imp-1' });
    expect(payload.exp! - payload.iat!).toBe(TOKEN_MAX_SECONDS);
    const other = createImpersonationTokens({ privateKey: generateSigningKey(), issuer: 'https://ops.example.com', audience: 'customer-app' });
    await expect(jwtVerify(token, createLocalJWKSet(other.jwks()))).rejects.toThrow();
    await expect(jwtVerify(token, createLocalJWKSet(tokens.jwks()), { audience: 'someone-else' })).rejects.toThrow(/aud/);
  });

  it('ends with its impersonation when that comes first', async () => {
    const now = new Date();
    const { expiresAt } = await tokens.issue({ impersonationId: 'imp-2', operatorId: 7, targetUserId: 42, impersonationExpiresAt: new Date(now.getTime() + 90_000), now });
    expect(Math.abs(expiresAt.getTime() - (now.getTime() + 90_000))).toBeLessThan(1000);
  });
});
