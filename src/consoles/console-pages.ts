// The backoffice face of consoles: each console is an AdminJS page (AdminJS `pages`) whose React
// component comes from the pack, and a guard in front of AdminJS that refuses the page to operators
// without its permission (or with its flag off), as the API refuses its routes. AdminJS pages have
// no isAccessible of their own, and the sidebar lists every page: the guard is the real check; the
// sidebar override (src/admin/components/sidebar-pages.tsx) only hides what would be refused.
import type { ComponentLoader } from 'adminjs';
import type { RequestHandler } from 'express';
import type { AuditService } from '../audit/types.js';
import type { FeatureGate } from '../flags/feature-gate.js';
import { can } from '../rbac/access.js';
import { forbidden } from '../http/errors.js';
import type { ConsoleDefinition } from './console-types.js';
import { CONSOLE_API_PREFIX } from './console-types.js';

/** What the browser needs to list and open consoles (AdminJS env `OPSDECK_CONSOLES`, JSON). */
export type ConsoleSpec = { id: string; title: string; navigation: string; permission: string; apiPrefix: string };

const componentName = (id: string) => `OpsdeckConsole_${id.replace(/[^A-Za-z0-9]/g, '_')}`;

/** Registers each console's component and returns AdminJS's `pages`, their titles and the env entry. */
export function consolePages({ consoles, loader }: { consoles: readonly { console: ConsoleDefinition }[]; loader: ComponentLoader }) {
  const pages = Object.fromEntries(
    consoles.map(({ console }) => [console.id, { component: loader.add(componentName(console.id), console.component), icon: console.icon ?? 'Monitor' }]),
  );
  const titles = Object.fromEntries(consoles.map(({ console }) => [console.id, console.title]));
  const specs: ConsoleSpec[] = consoles.map(({ console }) => ({
    id: console.id, title: console.title, navigation: console.navigation, permission: console.permission, apiPrefix: `${CONSOLE_API_PREFIX}/${console.id}`,
  }));
  return { pages, titles, env: { OPSDECK_CONSOLES: JSON.stringify(specs) } };
}

// `<rootPath>/pages/<id>` renders the shell; `<rootPath>/api/pages/<id>` is AdminJS's page data call.
const PAGE_PATH = /^\/(?:api\/)?pages\/([^/]+)\/?$/;

/**
 * Mount in the backoffice chain after the operator is refreshed, before the AdminJS router: a
 * console page without its permission is a 403 problem+json (`forbidden`), with its flag off a 403
 * `feature_disabled`; both are audited. Other pages pass.
 */
export function createConsolePageGuard({ consoles, audit, gate }: {
  consoles: readonly { console: ConsoleDefinition }[];
  audit: Pick<AuditService, 'appendStandalone'>;
  gate: FeatureGate;
}): RequestHandler {
  const byId = new Map(consoles.map(({ console }) => [console.id, console]));
  return async (req, _res, next) => {
    const match = PAGE_PATH.exec(req.path);
    const console = match ? byId.get(decodeURIComponent(match[1])) : undefined;
    const operator = req.session?.adminUser;
    // Not a console page, or no operator: AdminJS sends the caller to its login.
    if (!console || !operator) return next();
    const actor = { operatorId: operator.id, roles: operator.roles };
    if (!can(operator, console.permission)) {
      await audit.appendStandalone({
        actor, action: 'access.denied', entityType: 'console', entityId: console.id,
        note: `backoffice console ${console.id}: missing permission ${console.permission}`, outcome: 'denied',
      });
      throw forbidden(`Your roles do not grant ${console.permission} (console ${console.title}).`, { notice: { message: 'forbiddenError', type: 'error' } });
    }
    if (console.flag) await gate.require(console.flag, { actor, entityType: 'console', entityId: console.id, what: `The ${console.title} console` });
    next();
  };
}
