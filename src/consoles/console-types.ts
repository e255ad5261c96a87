// A console (seed 000 "Core internal consoles"): one AdminJS page over a pack's read models, and
// the API routes under /api/consoles/<id>/ that the page renders. Headless first: the page has no
// data of its own; it calls the routes, which any API client can call too. See README.md here.
import type { Permission } from '../rbac/permissions.js';
import type { FlagKey } from '../flags/flag-catalog.js';
import type { InstalledPluginRoute, PluginRoute } from '../platform/plugin-routes.js';

export type ConsoleDefinition = {
  /** Lower-case id: the AdminJS page `<rootPath>/pages/<id>` and the API prefix `/api/consoles/<id>`. */
  id: string;
  /** Shown as the page's sidebar entry and heading. */
  title: string;
  /** Sidebar group (src/admin/navigation.ts), e.g. 'Orders'. */
  navigation: string;
  icon?: string;
  /** Needed to open the page (and, by default, to call its routes). Deny by default. */
  permission: Permission;
  /** A declared flag gating the page and, by default, its routes (403 feature_disabled, audited). */
  flag?: FlagKey;
  /**
   * Absolute path of the page's React component (a pack's .tsx; `fileURLToPath(new URL(..., import.meta.url))`).
   * It is bundled with the backoffice's own components; its folder is fingerprinted for rebuilds.
   */
  component: string;
  /**
   * Read-model routes, paths relative to `/api/consoles/<id>` ('' is the prefix itself). A route
   * without a permission of its own takes the console's (`permission: undefined`); `null` still
   * means any logged-in operator and must be written out.
   */
  routes: (Omit<PluginRoute, 'permission'> & { permission?: Permission | null })[];
};

export function defineConsole(definition: ConsoleDefinition): ConsoleDefinition {
  return definition;
}

export const CONSOLE_API_PREFIX = '/api/consoles';
const CONSOLE_ID = /^[a-z][a-z0-9-]{1,40}$/;

/** The console's routes as installed routes: prefixed, with the console's permission and flag as defaults. */
export function consoleRoutes(pluginId: string, console: ConsoleDefinition): InstalledPluginRoute[] {
  return console.routes.map((route) => ({
    ...route,
    permission: route.permission === undefined ? console.permission : route.permission,
    flag: route.flag ?? console.flag,
    path: route.path,
    fullPath: `${CONSOLE_API_PREFIX}/${console.id}${route.path}`,
    pluginId,
  }));
}

/** Configuration mistakes: a malformed or repeated id, an id taken by a core page. */
export function consoleProblems(consoles: readonly { pluginId: string; console: ConsoleDefinition }[], reservedPages: readonly string[]): string[] {
  const problems: string[] = [];
  const ids = new Set(reservedPages);
  for (const { pluginId, console } of consoles) {
    if (!CONSOLE_ID.test(console.id)) problems.push(`console ${console.id} of plugin ${pluginId}: the id must match ${CONSOLE_ID}`);
    if (ids.has(console.id)) problems.push(`console ${console.id} of plugin ${pluginId} is declared twice (or is a core page)`);
    ids.add(console.id);
  }
  return problems;
}
