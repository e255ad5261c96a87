// helmet for the backoffice's pages. The API keeps helmet's defaults (a strict CSP, no-referrer).
//
// AdminJS renders inline scripts and styles, so there is no script/style CSP here (a nonce would
// need AdminJS's templates). What costs nothing is a CSP of navigation directives only: no framing
// by other sites (clickjacking; X-Frame-Options says the same for old browsers), forms that post only
// back to us, no <base> hijack, no plugins.
//
// Referrer-Policy is `same-origin`, not helmet's `no-referrer`: under no-referrer a browser sends
// `Origin: null` on a form POST (Fetch standard), and the login form is one, so the Origin check
// (origin-check.ts) would refuse our own login. same-origin still sends nothing to other sites.
import helmet from 'helmet';

export function adminSecurityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        // Deliberately absent: see above. helmet insists that this is said out loud.
        defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
  });
}
