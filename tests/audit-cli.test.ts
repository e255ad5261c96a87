// `npm run audit:verify`: exit code 0 and a summary on an intact chain, 1 and the first bad sequence
// number on a broken one.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from './support/database.js';
import { SIGNING_KEY, appendMany, createTestAudit, tamper } from './support/audit-fixtures.js';

const run = promisify(execFile);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsdeck-audit-cli-'));
  const audit = createTestAudit(db);
  await appendMany(audit, 12);
  await audit.seal();
  await audit.checkpoint();
});
afterAll(async () => {
  await db.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

const verifyCli = () =>
  run(process.execPath, ['--import', 'tsx', 'bin/audit-verify.ts'], {
    env: { PATH: process.env.PATH, DATABASE_URL: db.url, AUDIT_SIGNING_KEY: SIGNING_KEY, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
  );

describe('npm run audit:verify', () => {
  it('exits 0 on an intact chain and 1 naming the first bad sequence number on a broken one', async () => {
    const intact = await verifyCli();
    expect(intact).toMatchObject({ code: 0, stdout: expect.stringMatching(/^audit chain intact: 12 rows from 1 to 12, 1 checkpoints/) });

    await tamper(db, 'DELETE FROM audit.events WHERE seq = 9');
    const broken = await verifyCli();
    expect(broken).toMatchObject({ code: 1, stdout: expect.stringMatching(/^audit chain BROKEN: first bad sequence number 9 \(missing/) });
  });
});
