// Typed flag evaluation over the in-process unleash-client: `isEnabled(key, context)` for a
// declared key only, with the operator as Unleash context, and the declared default whenever the
// client has no value for the flag (never fetched and no backup file, or no client at all). The
// client answers from memory, so this is synchronous and costs microseconds (bench/flags).
import type { Context } from 'unleash-client';
import type { FlagClient } from './unleash-client.js';
import type { FlagCatalog, FlagKey, FlagType } from './flag-catalog.js';

/** Who is asking. Unleash sees `userId` (the operator id), `environment`, and properties `roles` and `orgId`. */
export type FlagContext = {
  operatorId?: number | null;
  roles?: readonly string[];
  /** The customer organization in play (an impersonation's), when known. */
  orgId?: number | null;
};

/**
 * The custom context fields opsdeck sends (as properties), registered in Unleash at start
 * (flag-sync.ts) so a product manager can use them in strategy constraints in the dashboard.
 */
export const FLAG_CONTEXT_FIELDS = [
  { name: 'roles', description: "opsdeck: the operator's role keys, comma-separated (constrain with STR_CONTAINS)" },
  { name: 'orgId', description: 'opsdeck: the customer organization in play (while impersonating), as digits' },
] as const;

/** What the service needs of the client; tests and apps without Unleash pass null (defaults only). */
export type FlagEvaluator = Pick<FlagClient, 'isEnabled' | 'definition'>;

export type FlagView = {
  key: string;
  type: FlagType;
  description: string;
  enabled: boolean;
  default: boolean;
  /** `unleash`: the client holds the flag (fetched or from its backup); `default`: the declared default is served. */
  source: 'unleash' | 'default';
};

export type FlagService = {
  readonly catalog: FlagCatalog;
  isEnabled(key: FlagKey, context?: FlagContext): boolean;
  /** Every declared flag as evaluated for the context (GET /api/flags). */
  evaluateAll(context?: FlagContext): FlagView[];
};

export function createFlagService({ catalog, client, environment }: {
  catalog: FlagCatalog;
  client: FlagEvaluator | null;
  /** opsdeck's NODE_ENV, as the context's `environment` (strategy constraints may use it). */
  environment: string;
}): FlagService {
  const unleashContext = (context: FlagContext | undefined): Context => {
    if (!context) return { environment };
    const properties: Record<string, string> = {};
    if (context.roles) properties.roles = context.roles.join(',');
    if (context.orgId != null) properties.orgId = String(context.orgId);
    return { environment, userId: context.operatorId == null ? undefined : String(context.operatorId), properties };
  };

  const specOf = (key: string) => {
    const spec = catalog.get(key);
    // The set is closed: an undeclared key is a bug to surface, not a silent false.
    if (!spec) throw new Error(`flag ${key} is not declared (src/flags/flag-catalog.ts or a plugin's flags)`);
    return spec;
  };

  const isEnabled = (key: FlagKey, context?: FlagContext): boolean => {
    const spec = specOf(key);
    return client ? client.isEnabled(key, unleashContext(context), spec.default) : spec.default;
  };

  return {
    catalog,
    isEnabled,
    evaluateAll: (context) =>
      [...catalog.values()].map((spec) => ({
        key: spec.key,
        type: spec.type,
        description: spec.description,
        enabled: isEnabled(spec.key as FlagKey, context),
        default: spec.default,
        source: client?.definition(spec.key) ? 'unleash' : 'default',
      })),
  };
}
