// `npm run audit:verify [-- --from <seq>]`: recomputes the audit chain on the database `npm start`
// uses and checks it against the signed checkpoints. Prints one line; exit code 0 when intact,
// 1 when broken (naming the first bad sequence number), 2 when it could not check.
import { parseArgs } from 'node:util';
import { withCliDatabase } from '../db/cli-database.js';
import { verifyAuditChain } from './verifier.js';

export async function runAuditVerify(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const fromSeq = values.from === undefined ? 1 : Number(values.from);
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 1) {
    process.stderr.write('usage: npm run audit:verify [-- --from <sequence number>] [--json]\n');
    return 2;
  }
  try {
    return await withCliDatabase({ role: 'owner', max: 3 }, async ({ db, secrets }) => {
      const started = performance.now();
      const result = await verifyAuditChain({ pool: db.pool, signingKey: secrets.auditSigningKey, fromSeq });
      const seconds = (performance.now() - started) / 1000;
      if (values.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } else if (result.ok) {
        process.stdout.write(
          `audit chain intact: ${result.checked.toLocaleString('en')} rows from ${fromSeq} to ${result.headSeq}, ` +
            `${result.checkpointsChecked} checkpoints, in ${seconds.toFixed(1)} s\n`,
        );
      } else {
        process.stdout.write(`audit chain BROKEN: first bad sequence number ${result.firstBadSeq} (${result.problem?.kind}: ${result.problem?.detail})\n`);
      }
      return result.ok ? 0 : 1;
    });
  } catch (err) {
    process.stderr.write(`audit:verify could not check the chain: ${(err as Error).message}\n`);
    return 2;
  }
}
