// Server-side gating: a feature behind a flag that is off is refused before anything of it runs,
// with 403 problem+json `feature_disabled` and an audit row (`access.denied`, reason code
// `feature_disabled`), whichever face the request came through. The services call it (runner, bulk
// jobs, impersonation, experiment ingestion), never the UI alone.
import type { AuditActor, AuditService } from '../audit/types.js';
import { AppError } from '../http/errors.js';
import type { FlagKey } from './flag-catalog.js';
import type { FlagContext, FlagService } from './flag-service.js';

export const featureDisabled = (flag: string, what: string) =>
  new AppError({
    status: 403, code: 'feature_disabled', title: 'Feature disabled',
    detail: `${what} is turned off for now (feature flag ${flag}).`, extensions: { flag },
  });

export type FeatureGate = {
  /** Whether the flag is on for this actor (no audit: for listings). */
  isOn(flag: FlagKey, actor: AuditActor, orgId?: number | null): boolean;
  /** Returns when the flag is on; otherwise audits the denial and throws `feature_disabled`. */
  require(flag: FlagKey, { actor, entityType, entityId, what, orgId }: {
    actor: AuditActor; entityType: string; entityId: string | null; what: string; orgId?: number | null;
  }): Promise<void>;
};

export const flagContextOf = (actor: AuditActor, orgId?: number | null): FlagContext => ({ operatorId: actor.operatorId, roles: actor.roles, orgId });

export function createFeatureGate({ flags, audit }: { flags: FlagService; audit: Pick<AuditService, 'appendStandalone'> }): FeatureGate {
  return {
    isOn: (flag, actor, orgId) => flags.isEnabled(flag, flagContextOf(actor, orgId)),
    async require(flag, { actor, entityType, entityId, what, orgId }) {
      if (flags.isEnabled(flag, flagContextOf(actor, orgId))) return;
      await audit.appendStandalone({
        actor, action: 'access.denied', entityType, entityId, reasonCode: 'feature_disabled', note: `flag ${flag} is off`, outcome: 'denied',
      });
      throw featureDisabled(flag, what);
    },
  };
}
