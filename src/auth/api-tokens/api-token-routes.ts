// The API tokens API: list (never a secret, only each token's prefix), create (the token is in this
// one answer and nowhere else, ever), revoke. Guards come from the route table; the service audits.
import { Router, type Response } from 'express';
import { z } from 'zod/v4';
import type { OperatorPrincipal } from '../operator-auth.js';
import type { RouteAccess } from '../../rbac/require-permission.js';
import { parseOr422 } from '../../http/validation.js';
import { API_TOKEN_SCOPES, type ApiTokenService } from './api-token-service.js';

export const createTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scope: z.enum(API_TOKEN_SCOPES),
});
const tokenId = z.coerce.number().int().positive().max(2_147_483_647);

export function createApiTokenRoutes({ tokens, access }: { tokens: ApiTokenService; access: RouteAccess }): Router {
  const router = Router();
  const actorOf = (res: Response) => {
    const operator = res.locals.operator as OperatorPrincipal;
    return { operatorId: operator.id, roles: operator.roles };
  };

  router.get('/tokens', ...access('GET /api/tokens'), async (_req, res) => {
    res.json({ items: await tokens.list() });
  });

  router.post('/tokens', ...access('POST /api/tokens'), async (req, res) => {
    const body = parseOr422(createTokenBody, req.body ?? {});
    const { token, apiToken } = await tokens.create({ ...body, actor: actorOf(res) });
    // Shown once: only its hash is kept.
    res.status(201).set('Cache-Control', 'no-store').json({ token, apiToken });
  });

  router.delete('/tokens/:id', ...access('DELETE /api/tokens/:id'), async (req, res) => {
    const id = parseOr422(tokenId, req.params.id, { where: 'path', prefix: ['id'] });
    res.json({ apiToken: await tokens.revoke({ id, actor: actorOf(res) }) });
  });

  return router;
}
