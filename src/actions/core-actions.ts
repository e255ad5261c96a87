// The platform's own operator actions, beside those of the installed packs: capabilities every
// deployment has whatever its domain (today: four-eyes flag changes through Unleash). They are
// ordinary defineAction declarations run by the same runner; what they need besides the database
// reaches them through `ctx.platform` (define-action.ts ActionPlatform), wired in src/app.ts. The
// RBAC model lists them first, so the API, the backoffice, the docs and the matrix test see them.
import type { ActionDefinition } from './define-action.js';
import { flagChangeAction } from '../flags/flag-change-action.js';

export const coreActions: readonly ActionDefinition[] = [flagChangeAction];
