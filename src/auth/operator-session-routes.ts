// GET /api/sessions (session.read): live operator sessions, newest first, keyset-paginated;
// DELETE /api/sessions/:id (session.revoke): ends one, audited. The backoffice's sessions screen
// calls the same service.
import { Router } from 'express';
import { z } from 'zod/v4';
import { notFound } from '../http/errors.js';
import { parseOr422 } from '../http/validation.js';
import { decodeKey, keyPage, timeKeys } from '../http/keyset-cursor.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import type { OperatorPrincipal } from './operator-auth.js';
import type { OperatorSessions } from './operator-sessions.js';

const listQuery = z.strictObject({
  operatorId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export function createOperatorSessionRoutes({ sessions, access }: { sessions: OperatorSessions; access: RouteAccess }): Router {
  const router = Router();

  router.get('/sessions', ...access('GET /api/sessions'), async (req, res) => {
    const { operatorId, limit, cursor } = parseOr422(listQuery, req.query, { where: 'query' });
    const rows = await sessions.list({ limit: limit + 1, operatorId, before: cursor ? decodeKey(cursor, timeKeys.uuid) : undefined });
    res.json(keyPage(rows, limit, (s) => [s.createdAt, s.id]));
  });

  router.delete('/sessions/:id', ...access('DELETE /api/sessions/:id'), async (req, res) => {
    const id = String(req.params.id);
    if (!z.uuid().safeParse(id).success) throw notFound(`No session ${id}.`);
    await sessions.revoke({ id, actor: res.locals.operator as OperatorPrincipal });
    res.status(204).end();
  });

  return router;
}
