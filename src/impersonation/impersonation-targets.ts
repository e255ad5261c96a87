// Which installed pack owns the customer users that can be impersonated. One at most: two packs
// each claiming "the" customers would make a target id ambiguous, so that stops the start.
import type { Plugin } from '../platform/plugin.js';
import type { ImpersonationTargets } from './impersonation-types.js';

export function impersonationTargets(plugins: readonly Plugin[]): ImpersonationTargets | null {
  const declaring = plugins.filter((p) => p.impersonation);
  if (declaring.length > 1) throw new Error(`only one pack may declare impersonation targets: ${declaring.map((p) => p.id).join(', ')}`);
  return declaring[0]?.impersonation ?? null;
}
