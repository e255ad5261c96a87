// `npm run docs:rbac`: writes docs/rbac-matrix.md from the code (roles x permissions, resources x
// actions, API routes) for the installed packs. tests/rbac-matrix.test.ts checks the committed file.
import fs from 'node:fs/promises';
import { buildRbacModel } from '../src/rbac/rbac-model.js';
import { accessMatrix, renderAccessMatrix } from '../src/rbac/access-matrix.js';
import { projectPath } from '../src/platform/paths.js';
import { plugins } from '../plugins/index.js';

const file = projectPath('docs', 'rbac-matrix.md');
await fs.writeFile(file, renderAccessMatrix(accessMatrix(buildRbacModel({ plugins }))));
process.stdout.write(`wrote ${file}\n`);
