// CSRF protection for both faces: OWASP's "verifying origin with standard headers", on top of the
// SameSite=Strict session cookie (docs/adr/0009-request-security.md).
//
// A state-changing request is refused (403 `csrf_failed`, audited, nothing runs) when:
//   - it carries an Origin that is not this app's origin, or `Origin: null` (sandboxed frames,
//     data: URLs, cross-origin redirects), except `null` with `Sec-Fetch-Site: same-origin`: that is
//     a form POST from one of our own pages under a no-referrer policy (Fetch standard), and no page
//     can set Sec-Fetch-Site. Our pages use `same-origin` (admin-headers.ts); this covers browsers
//     or extensions that strip more;
//   - it has no Origin but a Referer from another origin;
//   - it has neither, but Sec-Fetch-Site says a browser sent it from elsewhere.
// A request with none of these headers is let through: browsers send Origin on every POST, PUT,
// PATCH and DELETE (Fetch standard), same-origin and cross-origin alike, and a page cannot remove
// it, so a request without it did not come from a browser that a hostile page could drive; it came
// from curl, a script or a test holding its own cookie. Refusing those would break API clients and
// protect nobody. The one browser gap (a pre-2020 browser sending no Origin on a form POST, from a
// page that suppressed its Referer) is closed by the SameSite=Strict cookie for cross-site pages;
// what remains is a same-site sibling (another port or subdomain of ours) driving such a browser.
//
// This app's origin is PUBLIC_URL's. Outside production the origin the request itself was sent to
// (its scheme and Host header) counts too, so http://127.0.0.1:3000 works beside
// http://localhost:3000 and tests may serve on any port: in a forged request the Host is still
// ours (the victim's browser addresses our server), and the host-only session cookie is never sent
// to another name. Production trusts PUBLIC_URL alone rather than headers a proxy may rewrite.
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors.js';
import type { DenialAudit } from './denial-audit.js';
import { isStateChanging } from './state-changing.js';

export const csrfFailed = () =>
  new AppError({
    status: 403,
    code: 'csrf_failed',
    title: 'Cross-site request refused',
    detail: 'State-changing requests must come from this application\'s own pages (Origin check).',
  });

const originOf = (url: string): string | null => {
  try {
    const origin = new URL(url).origin;
    // Opaque origins (data:, file:, about:) serialise as the string "null".
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
};

const clip = (value: string) => (value.length > 200 ? `${value.slice(0, 200)}...` : value);

/** Why a request is refused, or null when its headers place it on this app (or on no browser at all). */
export function originProblem(req: Pick<Request, 'get' | 'protocol'>, { publicOrigin, trustRequestHost }: { publicOrigin: string; trustRequestHost: boolean }): string | null {
  const isOurs = (origin: string | null) => {
    if (origin === null) return false;
    if (origin === publicOrigin) return true;
    const host = req.get('host');
    return trustRequestHost && !!host && origin === originOf(`${req.protocol}://${host}`);
  };
  const origin = req.get('origin');
  const site = req.get('sec-fetch-site');
  if (origin === 'null' && site === 'same-origin') return null;
  if (origin !== undefined) return isOurs(originOf(origin)) ? null : `Origin ${clip(origin)} is not this application's origin`;
  const referer = req.get('referer');
  if (referer !== undefined) return isOurs(originOf(referer)) ? null : `no Origin, and Referer ${clip(referer)} is from another origin`;
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `no Origin or Referer, and Sec-Fetch-Site is ${clip(site)}`;
  return null;
}

export function createOriginCheck({ publicUrl, trustRequestHost, recordDenial, isExempt = () => false }: {
  /** config.publicUrl: the origin browsers load the app from. */
  publicUrl: string;
  /** Also accept the origin the request was addressed to (scheme + Host): not in production. */
  trustRequestHost: boolean;
  recordDenial: DenialAudit;
  /** Requests no browser can forge, left through (bearer-token calls: src/auth/api-tokens/bearer-auth.ts). */
  isExempt?: (req: Request) => boolean;
}): RequestHandler {
  const publicOrigin = new URL(publicUrl).origin;
  return async (req, _res, next) => {
    if (!isStateChanging(req.method) || isExempt(req)) return next();
    const problem = originProblem(req, { publicOrigin, trustRequestHost });
    if (problem === null) return next();
    await recordDenial(req, { code: 'csrf_failed', note: `cross-site request refused: ${problem}` });
    throw csrfFailed();
  };
}
