// Short-lived tokens for the customer-facing app: an ES256 JWT whose subject is the customer user,
// with an RFC 8693 `act` claim naming the operator and `imp` the impersonation, so the customer
// app can show "support is acting as you" and its own logs keep both identities. Verified against
// GET /.well-known/jwks.json. The key comes from IMPERSONATION_JWT_PRIVATE_KEY (PEM or JWK) or the
// data folder's secrets (generated at first start); it is never defaulted in code.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/** A token lives at most this long, and never past its impersonation's expiry. */
export const TOKEN_MAX_SECONDS = 300;

export type PublicJwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' };

export type ImpersonationTokens = {
  jwks: () => { keys: PublicJwk[] };
  issue: (claims: { impersonationId: string; operatorId: number; targetUserId: number; impersonationExpiresAt: Date; now?: Date }) =>
    Promise<{ token: string; jti: string; expiresAt: Date }>;
};

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A private key from PEM (PKCS#8 or SEC1) or a JWK in JSON; it must be an EC P-256 key. */
export function parseSigningKey(text: string): KeyObject {
  // A PEM in an environment variable often arrives with its line breaks written as `\n`.
  const trimmed = text.trim().replace(/\\n/g, '\n');
  let key: KeyObject;
  try {
    key = trimmed.startsWith('{') ? createPrivateKey({ key: JSON.parse(trimmed), format: 'jwk' }) : createPrivateKey(trimmed);
  } catch {
    throw new Error('the impersonation token key is neither a PEM private key nor a private JWK');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('the impersonation token key must be an EC P-256 private key (ES256)');
  }
  return key;
}

/** A new P-256 private key as PKCS#8 PEM (first start, tests). */
export function generateSigningKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function createImpersonationTokens({ privateKey, issuer, audience }: { privateKey: string; issuer: string; audience: string }): ImpersonationTokens {
  const key = parseSigningKey(privateKey);
  const { x, y } = createPublicKey(key).export({ format: 'jwk' }) as { x: string; y: string };
  // RFC 7638 thumbprint: the kid changes exactly when the key does.
  const kid = base64url(createHash('sha256').update(JSON.stringify({ crv: 'P-256', kty: 'EC', x, y })).digest());
  const jwk: PublicJwk = { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' };

  return {
    jwks: () => ({ keys: [jwk] }),
    async issue({ impersonationId, operatorId, targetUserId, impersonationExpiresAt, now = new Date() }) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const exp = Math.min(issuedAt + TOKEN_MAX_SECONDS, Math.floor(impersonationExpiresAt.getTime() / 1000));
      const jti = randomUUID();
      const token = await new SignJWT({ act: { sub: `operator:${operatorId}` }, imp: impersonationId })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setSubject(String(targetUserId))
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt)
        .setExpirationTime(exp)
        .setJti(jti)
        .sign(key);
      return { token, jti, expiresAt: new Date(exp * 1000) };
    },
  };
}
