// One way to put any face of a feature behind a flag (src/flags/README.md "Gating"):
//   - `gateByFlag`: Express middleware for a route (a plugin's HTTP route, an AdminJS page's data
//     route): while the flag is off for the caller, 403 problem+json `feature_disabled` and an
//     `access.denied` audit row (src/flags/feature-gate.ts). Mount it after the route's
//     authentication, so the row names the operator.
//   - `isFlagOnFor`: the synchronous check for AdminJS `isAccessible`/`isVisible` (cosmetic: the
//     server-side gate is what refuses).
//   - `flag` on a ResourceDefinition and on an action: wired by the platform (create-admin.ts,
//     admin-access-guard.ts, runner-actions.ts, the action runner) from these two.
import type { RequestHandler } from 'express';
import { AppError } from '../http/errors.js';
import type { FeatureGate } from './feature-gate.js';
import type { FlagCatalog, FlagKey } from './flag-catalog.js';
import type { FlagService } from './flag-service.js';

type OperatorLike = { id: number; roles: string[] };

/** Refuses the route while `flag` is off for the caller (audited); `what` names the feature in the answer. */
export function gateByFlag({ gate, flag, what, entityType = 'route', entityId }: {
  gate: Pick<FeatureGate, 'require'>;
  flag: FlagKey;
  what: string;
  /** The audit row's entity (default: the route, `METHOD /path`). */
  entityType?: string;
  entityId?: string;
}): RequestHandler {
  return async (req, res, next) => {
    const operator = (res.locals.operator ?? req.session?.adminUser) as OperatorLike | undefined;
    await gate.require(flag, {
      actor: { operatorId: operator?.id ?? null, roles: operator?.roles ?? [] },
      entityType,
      entityId: entityId ?? `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`.slice(0, 200),
      what,
    });
    next();
  };
}

/** For AdminJS options (`isAccessible`, `isVisible`): whether `flag` is on for the current operator. */
export const isFlagOnFor = (flags: Pick<FlagService, 'isEnabled'>, flag: FlagKey) =>
  ({ currentAdmin }: { currentAdmin?: unknown }): boolean => {
    // AdminJS types its current admin loosely; ours is the session's OperatorPrincipal.
    const operator = currentAdmin as Partial<OperatorLike> | null | undefined;
    return flags.isEnabled(flag, { operatorId: operator?.id ?? null, roles: operator?.roles ?? [] });
  };

/** The same refusal with AdminJS's notice, for the backoffice's data calls (the frontend shows `notice`). */
export function withAdminNotice(err: unknown): unknown {
  if (!(err instanceof AppError) || err.code !== 'feature_disabled') return err;
  return new AppError({ status: err.status, code: err.code, title: err.title, detail: err.message, extensions: { ...err.extensions, notice: { message: err.message, type: 'error' } } });
}

/** Every resource's `flag` must be declared: a typo would otherwise leave the console ungated. */
export function checkResourceFlags(catalog: FlagCatalog, resources: readonly { model: string; flag?: string }[]): void {
  for (const resource of resources) {
    if (resource.flag !== undefined && !catalog.has(resource.flag)) throw new Error(`resource ${resource.model} names flag ${resource.flag}, which no one declares`);
  }
}
