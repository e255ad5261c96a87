// The audit row of a request refused by the request-level checks (CSRF, IP allowlist): an
// `access.denied` like the permission guard's, with the problem code as its reason code, and the
// operator whose session the request carried (the victim of a forged request, or the owner of a
// cookie used from outside the allowlist).
//
// These refusals can be caused by anyone: a scanner outside the allowlist, or a hostile page looping
// forged requests through a victim's browser. One audit row per request would let them write to a
// log that is kept for years at their own rate, so the same refusal (code, operator or address) is
// recorded at most once a minute per process; every refusal is still logged.
import type { Request } from 'express';
import type { AuditService } from '../../audit/types.js';
import type { Logger } from '../../platform/logger.js';

export type DenialCode = 'csrf_failed' | 'ip_not_allowed';

const WINDOW_MS = 60_000;
// Bounded memory: a flood from many addresses resets the map rather than growing it.
const MEMORY = 10_000;

export type DenialAudit = (req: Request, denial: { code: DenialCode; note: string }) => Promise<void>;

export function createDenialAudit({ audit, logger, windowMs = WINDOW_MS }: { audit: AuditService; logger: Logger; windowMs?: number }): DenialAudit {
  const lastRecorded = new Map<string, number>();
  return async (req, { code, note }) => {
    const operator = req.session?.adminUser;
    const route = `${req.method} ${req.baseUrl}${req.path}`;
    logger.warn({ code, route, ip: req.ip, operatorId: operator?.id ?? null, note }, 'request refused');
    const key = `${code}|${operator ? `op:${operator.id}` : `ip:${req.ip}`}`;
    const now = Date.now();
    if ((lastRecorded.get(key) ?? -Infinity) + windowMs > now) return;
    if (lastRecorded.size >= MEMORY) lastRecorded.clear();
    lastRecorded.set(key, now);
    await audit.appendStandalone({
      actor: { operatorId: operator?.id ?? null, roles: operator?.roles ?? [] },
      action: 'access.denied',
      entityType: 'route',
      entityId: route.slice(0, 200),
      reasonCode: code,
      note,
      outcome: 'denied',
    });
  };
}
