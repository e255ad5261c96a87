// Actors that are not opsdeck operators: a person acting in Unleash's dashboard, a machine client
// holding an API token, an SDK reporting from inside opsdeck (`sdk:unleash-impressions`: exposures
// from unleash-client's impression events, src/experiments/impression-exposures.ts). The chained row has no column for them, and adding one would change the
// canonical row of every sealed event (docs/adr/0004-audit-chain.md), so an external actor is
// written as no operator (`operator_id` NULL) with a single entry `<kind>:<name>` in the roles
// column. No role key contains a colon (src/rbac/seed-roles.ts keys are snake_case), so such a row
// cannot be mistaken for an operator's, and `externalActorOf` reads it back.
import type { AuditActor } from './types.js';

export const EXTERNAL_ACTOR_KINDS = ['unleash', 'token', 'sdk'] as const;
export type ExternalActorKind = (typeof EXTERNAL_ACTOR_KINDS)[number];

const NAME_MAX = 150;

/** `unleash:alice@example.com`, `token:7`: the actor of an imported or machine-made audit row. */
export function externalActor(kind: ExternalActorKind, name: string): AuditActor {
  return { operatorId: null, roles: [`${kind}:${name.slice(0, NAME_MAX) || 'unknown'}`] };
}

/** The external actor of a stored row (its operator id and roles), or null for an operator or the system. */
export function externalActorOf(row: { operatorId: number | null; operatorRoles: readonly string[] }): { kind: ExternalActorKind; name: string } | null {
  if (row.operatorId !== null || row.operatorRoles.length !== 1) return null;
  const [kind, ...rest] = row.operatorRoles[0].split(':');
  return (EXTERNAL_ACTOR_KINDS as readonly string[]).includes(kind) && rest.length > 0 ? { kind: kind as ExternalActorKind, name: rest.join(':') } : null;
}
