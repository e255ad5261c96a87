// The server-side gate in front of AdminJS's data API (`<rootPath>/api/resources/:resourceId/...`).
// AdminJS checks isAccessible too, but only after running before-hooks, loading and populating
// the record, and it answers a denial with HTTP 200. Here a denied call stops before any of
// that, is recorded as a security event, and answers 403 problem+json (`code: forbidden`) like
// the HTTP API, with AdminJS's own `forbiddenError` notice in the body. Same mapping as the
// isAccessible functions: requiredPermission(resource.access, action).
//
// Mount after the session is loaded and the operator refreshed, before the AdminJS router.
import type { RequestHandler } from 'express';
import type { AuditService } from '../audit/types.js';
import type { ResourceDefinition } from '../platform/plugin.js';
import { can } from '../rbac/access.js';
import { requiredPermission } from '../rbac/rbac-model.js';
import { forbidden } from '../http/errors.js';
import type { FeatureGate } from '../flags/feature-gate.js';
import type { FlagKey } from '../flags/flag-catalog.js';
import { withAdminNotice } from '../flags/flag-gating.js';

type ResourceCall = { resourceId: string; action: string; recordIds: string | null };

// AdminJS's data routes (adminjs/lib/backend/utils/router/router.js). The page routes
// (`/resources/...` without `/api`) only render the app shell and carry no records.
const ROUTES: [RegExp, (m: RegExpMatchArray, query: Record<string, unknown>) => ResourceCall][] = [
  [/^\/api\/resources\/([^/]+)\/actions\/([^/]+)(?:\/[^/]*)?\/?$/, (m) => ({ resourceId: m[1], action: m[2], recordIds: null })],
  [/^\/api\/resources\/([^/]+)\/records\/([^/]+)\/([^/]+)\/?$/, (m) => ({ resourceId: m[1], action: m[3], recordIds: m[2] })],
  [/^\/api\/resources\/([^/]+)\/bulk\/([^/]+)\/?$/, (m, q) => ({ resourceId: m[1], action: m[2], recordIds: typeof q.recordIds === 'string' ? q.recordIds : null })],
  [/^\/api\/resources\/([^/]+)\/search(?:\/[^/]*)?\/?$/, (m) => ({ resourceId: m[1], action: 'search', recordIds: null })],
];

function parse(path: string, query: Record<string, unknown>): ResourceCall | null {
  for (const [pattern, toCall] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const call = toCall(match, query);
    try {
      return { ...call, resourceId: decodeURIComponent(call.resourceId), action: decodeURIComponent(call.action), recordIds: call.recordIds && decodeURIComponent(call.recordIds) };
    } catch {
      return { ...call, action: '' };
    }
  }
  return null;
}

/**
 * `resources`: the RBAC model's resources; a resource registered with AdminJS outside the model
 * (e.g. one not backed by Prisma) is guarded once it is listed here with its `access`, and is left
 * to AdminJS's own isAccessible otherwise.
 */
export function createAdminAccessGuard({ resources, audit, gate }: {
  resources: Pick<ResourceDefinition, 'model' | 'access' | 'flag'>[];
  audit: AuditService;
  /** Refuses every data call of a resource whose `flag` is off for the operator (403 feature_disabled, audited). */
  gate?: Pick<FeatureGate, 'require'>;
}): RequestHandler {
  const byModel = new Map(resources.map((r) => [r.model, r]));
  return async (req, _res, next) => {
    const call = parse(req.path, req.query as Record<string, unknown>);
    const operator = req.session?.adminUser;
    // Not a data call, or no operator: AdminJS serves the shell or sends the caller to its login.
    if (!call || !operator) return next();
    const definition = byModel.get(call.resourceId);
    // An unknown resource has no data; AdminJS answers it.
    if (!definition) return next();
    const permission = requiredPermission(definition.access, call.action);
    if (permission && can(operator, permission)) {
      if (!definition.flag || !gate) return next();
      await gate
        .require(definition.flag as FlagKey, {
          actor: { operatorId: operator.id, roles: operator.roles }, entityType: 'resource', entityId: definition.model, what: `The ${definition.model} screen`,
        })
        .catch((err: unknown) => {
          throw withAdminNotice(err);
        });
      return next();
    }

    const missing = permission ? `missing permission ${permission}` : 'no permission allows this action';
    await audit.appendStandalone({
      actor: { operatorId: operator.id, roles: operator.roles },
      action: 'access.denied',
      entityType: definition.model,
      entityId: call.recordIds,
      note: `backoffice ${call.action} on ${definition.model}: ${missing}`,
      outcome: 'denied',
    });
    throw forbidden(
      permission ? `Your roles do not grant ${permission} (${call.action} on ${definition.model}).` : `Nobody may ${call.action} ${definition.model} in the backoffice.`,
      { notice: { message: 'forbiddenError', type: 'error' } },
    );
  };
}
