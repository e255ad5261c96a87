// `prisma migrate diff` between two datamodels. With the js engine the CLI connects to a database
// even for a pure datamodel diff, so callers pass an empty scratch database it may touch.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

import { PROJECT_ROOT } from '../platform/paths.js';

const run = promisify(execFile);

export type DiffSource = { kind: 'empty' } | { kind: 'datamodel'; path: string };

const flag = (side: 'from' | 'to', source: DiffSource) =>
  source.kind === 'empty' ? [`--${side}-empty`] : [`--${side}-schema-datamodel`, source.path];

export async function prismaDiff({
  scratchDatabaseUrl,
  from,
  to,
}: {
  scratchDatabaseUrl: string;
  from: DiffSource;
  to: DiffSource;
}): Promise<string> {
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const { stdout } = await run(
    process.execPath,
    [cli, 'migrate', 'diff', ...flag('from', from), ...flag('to', to), '--script'],
    { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: scratchDatabaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' }, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** True when a diff script holds no statement (Prisma prints only comments for "no change"). */
export function isEmptyDiff(sql: string): boolean {
  return sql
    .split('\n')
    .map((l) => l.trim())
    .every((l) => l === '' || l.startsWith('--'));
}
