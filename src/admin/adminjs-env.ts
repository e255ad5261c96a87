// AdminJS reads ADMIN_JS_TMP_DIR when its module is first evaluated, so this module must be
// imported before 'adminjs'. Express 5 will not serve the default dot-folder (.adminjs).
import path from 'node:path';

process.env.ADMIN_JS_TMP_DIR ??= path.resolve(process.env.DATA_DIR || '.data', 'adminjs-bundle');
