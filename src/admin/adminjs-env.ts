// AdminJS reads ADMIN_JS_TMP_DIR when its module is first evaluated, so this module is imported
// before anything that loads 'adminjs' (first import of src/app.ts). Express 5 will not serve files
// under a dot-folder, so the bundle lives in a plain, git-ignored folder of the checkout.
import { projectPath } from '../platform/paths.js';

process.env.ADMIN_JS_TMP_DIR ??= projectPath('adminjs-bundle');
// The components bundle is built by src/admin/admin-components.ts in every environment (AdminJS's
// own build runs only in production, unawaited, and would race it).
process.env.ADMIN_JS_SKIP_BUNDLE ??= 'true';
