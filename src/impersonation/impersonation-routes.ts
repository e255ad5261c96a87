// The impersonation API (../shared/API.md "Impersonation", extended as documented in
// docs/adr/0010-impersonation.md): start, the current one, end, a token for the customer-facing
// app, and the tenant switcher's search. Routes translate HTTP; the service decides and audits.
import { Router, type Response } from 'express';
import { z } from 'zod/v4';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import { isSteppedUp, stepUpRequired } from '../auth/step-up.js';
import type { AuditService } from '../audit/types.js';
import { AppError, notFound } from '../http/errors.js';
import { parseOr422 } from '../http/validation.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import { impersonationOf } from './impersonation-context.js';
import { activeView, alreadyImpersonating, isOpen, type ImpersonationService } from './impersonation-service.js';
import type { ImpersonationTokens } from './impersonation-tokens.js';
import { DEFAULT_MINUTES, IMPERSONATION_REASONS, MAX_MINUTES } from './impersonation-types.js';
import { rotateSession } from './session-rotation.js';

const userId = z.number().int().positive().max(2_147_483_647);

/** The body of POST /api/impersonations (published in the OpenAPI document). */
export const startBody = z.strictObject({
  targetUserId: z.union([userId, z.string().regex(/^\d{1,10}$/).transform(Number).pipe(userId)]),
  /** A code from the list; `note` says the rest in words. */
  reason: z.enum(IMPERSONATION_REASONS),
  note: z.string().trim().min(3).max(2000),
  ticketId: z.string().trim().max(100).nullish().transform((v) => v || null),
  minutes: z.number().int().min(1).max(MAX_MINUTES, `an impersonation lasts at most ${MAX_MINUTES} minutes`).default(DEFAULT_MINUTES),
});

const tenantQuery = z.strictObject({ q: z.string().trim().max(200).optional() });

const tokensUnavailable = () => new AppError({
  status: 503, code: 'impersonation_tokens_unavailable', title: 'Tokens unavailable',
  detail: 'This deployment has no impersonation token key (IMPERSONATION_JWT_PRIVATE_KEY).',
});

const isUuid = (value: string) => z.uuid().safeParse(value).success;
const operatorOf = (res: Response) => res.locals.operator as OperatorPrincipal;

export function createImpersonationRoutes({ service, access, tokens, audit }: {
  service: ImpersonationService;
  /** Guards by route key (src/rbac/api-routes.ts). */
  access: RouteAccess;
  /** Null without a signing key: tokens are refused (503), the rest works. */
  tokens: ImpersonationTokens | null;
  audit: AuditService;
}): Router {
  const router = Router();

  router.post('/impersonations', ...access('POST /api/impersonations'), async (req, res) => {
    const input = parseOr422(startBody, req.body ?? {});
    if (impersonationOf(res)) throw alreadyImpersonating();
    if (!isSteppedUp(req)) throw stepUpRequired('Starting an impersonation');
    const operator = operatorOf(res);
    const row = await service.start({ operator, input, rotateSession: () => rotateSession(req, () => {}) });
    req.session.impersonation = { id: row.id, operatorId: operator.id };
    res.status(201).json(await service.describe(activeView(row), operator));
  });

  router.get('/impersonations/current', ...access('GET /api/impersonations/current'), async (_req, res) => {
    const impersonation = impersonationOf(res);
    res.json({ impersonation: impersonation ? await service.describe(impersonation, operatorOf(res)) : null });
  });

  router.get('/impersonations/tenants', ...access('GET /api/impersonations/tenants'), async (req, res) => {
    const { q } = parseOr422(tenantQuery, req.query, { where: 'query' });
    res.json(await service.tenants({ operator: operatorOf(res), text: q ?? '' }));
  });

  router.delete('/impersonations/:id', ...access('DELETE /api/impersonations/:id'), async (req, res) => {
    const id = String(req.params.id);
    const operator = operatorOf(res);
    const row = isUuid(id) ? await service.get(id) : null;
    // Someone else's impersonation does not exist for this operator.
    if (!row || row.operatorId !== operator.id) throw notFound(`No impersonation ${id}.`);
    const ended = (await service.end({ id, reason: 'ended', operator })) ?? row;
    if (req.session.impersonation?.id === id) {
      await rotateSession(req, (session) => {
        delete session.impersonation;
      });
    }
    res.json({ id: ended.id, endedAt: ended.endedAt?.toISOString() ?? null, endReason: ended.endReason });
  });

  router.post('/impersonations/:id/token', ...access('POST /api/impersonations/:id/token'), async (req, res) => {
    const id = String(req.params.id);
    const impersonation = impersonationOf(res);
    // Only the impersonation running in this very session hands out tokens.
    if (!impersonation || impersonation.id !== id) throw notFound(`No running impersonation ${id} in this session.`);
    if (!tokens) throw tokensUnavailable();
    const row = await service.get(id);
    const now = new Date();
    if (!row || !isOpen(row, new Date(now.getTime() + 1000))) throw notFound(`No running impersonation ${id} in this session.`);
    const issued = await tokens.issue({ impersonationId: id, operatorId: row.operatorId, targetUserId: row.targetUserId, impersonationExpiresAt: row.expiresAt, now });
    const operator = operatorOf(res);
    await audit.appendStandalone({
      actor: { operatorId: operator.id, roles: operator.roles, impersonatedUserId: row.targetUserId },
      action: 'impersonation.token_issued', entityType: 'impersonation', entityId: id,
      after: { jti: issued.jti, expiresAt: issued.expiresAt.toISOString(), operatorId: operator.id, targetUserId: row.targetUserId }, outcome: 'succeeded',
    });
    res.set('Cache-Control', 'no-store').json({ token: issued.token, tokenType: 'Bearer', expiresAt: issued.expiresAt.toISOString(), impersonationId: id });
  });

  return router;
}

/** GET /.well-known/jwks.json: the public key the customer-facing app verifies tokens with. */
export function createJwksRoute({ tokens }: { tokens: ImpersonationTokens | null }): Router {
  const router = Router();
  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(tokens ? tokens.jwks() : { keys: [] });
  });
  return router;
}
