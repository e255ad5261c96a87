// The backoffice's own React components (src/admin/components/) and their browser bundle. AdminJS
// bundles user components only in production at start, and in development serves whatever bundle
// file exists, however stale. So the bundle is built here, in every environment, when the entry or
// a component's source changed (a fingerprint file beside it), before AdminJS serves it; AdminJS's
// own production bundling is switched off (src/admin/adminjs-env.ts) so the two never race.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type AdminJS from 'adminjs';
import { ComponentLoader } from 'adminjs';
import { ADMIN_JS_TMP_DIR, COMPONENTS_OUTPUT_PATH, componentsBundler, generateUserComponentEntry } from 'adminjs/bundler';
import type { RequestHandler } from 'express';
import { projectPath } from '../platform/paths.js';
import { EXPERIMENT_RESULTS_COMPONENT } from '../experiments/experiment-admin-resource.js';
import * as commonjs from '@rollup/plugin-commonjs';

// The package's ESM build (the one Node loads) exports the plugin as `default`; its types describe
// the CommonJS build, hence the cast.
const strictCommonjs = () => (commonjs.default as unknown as (options: { strictRequires: boolean }) => { name: string })({ strictRequires: true });

const COMPONENTS_DIR = projectPath('src', 'admin', 'components');
const FINGERPRINT_FILE = path.join(ADMIN_JS_TMP_DIR, 'components.sha256');
const LOCK_DIR = path.join(ADMIN_JS_TMP_DIR, 'components.lock');
const LOCK_POLL_MS = 250;
const LOCK_WAIT_MS = 120_000;
const STALE_LOCK_MS = 120_000;

export function createComponents() {
  const loader = new ComponentLoader();
  const file = (name: string) => path.join(COMPONENTS_DIR, name);
  const components = {
    ActionForm: loader.add('OpsdeckActionForm', file('action-form.tsx')),
    BulkActionForm: loader.add('OpsdeckBulkActionForm', file('bulk-action-form.tsx')),
    ConfirmForm: loader.add('OpsdeckConfirmForm', file('confirm-form.tsx')),
    JsonValue: loader.add('OpsdeckJsonValue', file('json-value.tsx')),
    SecurityPage: loader.add('OpsdeckSecurityPage', file('security-page.tsx')),
    ImpersonateAction: loader.add('OpsdeckImpersonateAction', file('impersonate-action.tsx')),
    // The Experiments screen's show page (src/experiments/experiment-admin-resource.ts); bundles recharts.
    ExperimentResults: loader.add(EXPERIMENT_RESULTS_COMPONENT, file('experiment-results.tsx')),
    // The Timeline panel on show pages of resources with an entity type (src/timeline/timeline-admin.ts).
    TimelinePanel: loader.add('OpsdeckTimelinePanel', file('timeline-panel.tsx')),
    // The home page: the operations dashboard (src/dashboard/).
    Dashboard: loader.add('OpsdeckDashboard', file('dashboard.tsx')),
  };
  // Seed 003's tenant strip (the impersonation banner, the tenant switcher) above the stock top bar,
  // which it renders itself (AdminJS passes it as OriginalComponent).
  loader.override('TopBar', file('impersonation-top-bar.tsx'));
  // The omnibox (src/search/) in the top bar's version slot, on every page.
  loader.override('Version', file('omnibox.tsx'));
  // The login form with the authentication-code field (src/admin/admin-router.ts reads it).
  loader.override('Login', file('login.tsx'));
  // Console pages (src/consoles/) under their navigation groups, shown only to who may open them.
  loader.override('SidebarPages', file('sidebar-pages.tsx'));
  return { loader, components };
}

export type AdminComponents = ReturnType<typeof createComponents>['components'];

// Our folder, and every other folder a registered component lives in (packs' console pages and
// the files beside them), outside node_modules.
const componentDirs = (admin: AdminJS): string[] => [
  ...new Set([COMPONENTS_DIR, ...Object.values(admin.componentLoader.getComponents()).map((file) => path.dirname(file)).filter((dir) => !dir.includes('node_modules'))]),
].sort();

async function fingerprint(entry: string, dirs: string[]): Promise<string> {
  // The build minifies in production only: the environment is part of what was built.
  // The build's own settings are part of it too (strict CommonJS wrapping since it was added).
  const hash = createHash('sha256').update(process.env.NODE_ENV === 'production' ? 'production' : 'development').update('commonjs-strict').update(entry);
  for (const dir of dirs) {
    for (const entryOf of (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
      hash.update(path.join(dir, entryOf.name)).update(await fs.readFile(path.join(dir, entryOf.name)));
    }
  }
  return hash.digest('hex');
}

const isCurrent = async (wanted: string) => {
  const [built, hasOutput] = await Promise.all([
    fs.readFile(FINGERPRINT_FILE, 'utf8').catch(() => null),
    fs.access(COMPONENTS_OUTPUT_PATH).then(() => true, () => false),
  ]);
  return built === wanted && hasOutput;
};

async function ensureBundle(admin: AdminJS): Promise<void> {
  const entry = generateUserComponentEntry(admin, ADMIN_JS_TMP_DIR);
  const wanted = await fingerprint(entry, componentDirs(admin));
  await fs.mkdir(ADMIN_JS_TMP_DIR, { recursive: true });
  // Processes sharing the folder (test workers, a dev server) build one at a time: a directory made
  // atomically is the lock; one left by a crashed build is taken over after two minutes.
  for (let waited = 0; !(await isCurrent(wanted)); waited += LOCK_POLL_MS) {
    if (waited > LOCK_WAIT_MS) throw new Error(`the AdminJS components bundle is still locked (${LOCK_DIR})`);
    const hasLock = await fs.mkdir(LOCK_DIR, { recursive: false }).then(() => true, () => false);
    if (!hasLock) {
      const age = await fs.stat(LOCK_DIR).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) await fs.rm(LOCK_DIR, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
      continue;
    }
    try {
      if (await isCurrent(wanted)) return;
      await componentsBundler.createEntry({ content: entry });
      // recharts and its d3 modules import each other in circles; rollup resolves them and warns on
      // every build. Only cycles among our own files are worth a line in the log.
      // The commonjs plugin's default ('auto') decides which CommonJS modules to wrap by the order
      // they happen to load, so two builds of the same sources can differ; under load one came out
      // broken (recharts' and d3's circular requires: "Object.defineProperty called on non-object",
      // every custom component gone). Wrapping every CommonJS module builds the same bundle each time.
      componentsBundler.setInputOption('plugins', componentsBundler.inputOptions.plugins.map((p) => (p.name === 'commonjs' ? strictCommonjs() : p)));
      componentsBundler.setInputOption('onwarn', (warning, warn) => {
        if (warning.code === 'CIRCULAR_DEPENDENCY' && (warning.ids ?? []).every((id) => id.includes('node_modules'))) return;
        warn(warning);
      });
      await componentsBundler.build();
      await fs.writeFile(FINGERPRINT_FILE, wanted);
    } finally {
      await fs.rm(LOCK_DIR, { recursive: true, force: true });
    }
  }
}

/**
 * Mount before the AdminJS router: the first request for the components bundle waits until it is
 * current (a few seconds after a component changed, instantly otherwise).
 */
export function componentsBundle(admin: AdminJS): RequestHandler {
  let ready: Promise<void> | null = null;
  const bundlePath = `${admin.options.rootPath}/frontend/assets/components.bundle.js`.replace(/^\/\//, '/');
  return async (req, _res, next) => {
    if (req.originalUrl.split('?')[0] !== bundlePath) return next();
    ready ??= ensureBundle(admin).catch((err) => {
      ready = null;
      throw err;
    });
    await ready;
    next();
  };
}
