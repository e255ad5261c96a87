// A realistic audit log of `rows` rows, built through the real path in bulk: rows enter audit.inbox
// (generated in SQL, shaped like backoffice actions with a diff, a note and request context), then
// audit.seal() chains them, with a signed checkpoint every 100,000 rows as the platform would write.
import type pg from 'pg';
import { sealAuditLog } from '../../src/audit/sealer.js';
import { writeCheckpoint } from '../../src/audit/checkpoints.js';

const BATCH = 100_000;

export async function buildAuditLog({ pool, rows, signingKey, log }: {
  pool: pg.Pool;
  rows: number;
  signingKey: string;
  log: (line: string) => void;
}): Promise<void> {
  const started = performance.now();
  for (let done = 0; done < rows; done += BATCH) {
    const n = Math.min(BATCH, rows - done);
    await pool.query(
      `INSERT INTO audit.inbox (operator_id, operator_roles, impersonated_user_id, action, entity_type, entity_id,
         reason_code, note, before, after, ip, user_agent, correlation_id, outcome)
       SELECT 1 + i % 40,
              CASE i % 3 WHEN 0 THEN ARRAY['support_agent'] WHEN 1 THEN ARRAY['finance_ops', 'support_agent'] ELSE ARRAY['trust_safety'] END,
              CASE WHEN i % 50 = 0 THEN 100000 + i % 997 END,
              (ARRAY['Order.refund', 'Listing.takedown', 'Organization.freeze', 'PayoutHold.place', 'session.login'])[1 + i % 5],
              (ARRAY['Order', 'Listing', 'Organization', 'PayoutHold', 'Operator'])[1 + i % 5],
              (1 + (i * 7919) % 2000000)::text,
              (ARRAY['customer_request', 'fraud_suspected', 'policy_violation', NULL])[1 + i % 4],
              'ticket ' || (10000 + i % 90000) || ': handled after review',
              json_build_object('amount', (i % 5000) * 100, 'status', 'paid'),
              json_build_object('amount', 0, 'status', 'refunded'),
              '10.' || (i % 250) || '.' || (i % 199) || '.' || (i % 97),
              'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
              md5(i::text),
              (ARRAY['succeeded', 'succeeded', 'succeeded', 'failed', 'denied'])[1 + i % 5]
         FROM generate_series($1::bigint, $2::bigint) i`,
      [done + 1, done + n],
    );
    await sealAuditLog({ pool, batchSize: 25_000 });
    await writeCheckpoint({ pool, signingKey });
    log(`  ${(done + n).toLocaleString('en')} rows chained (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  // As autovacuum would have by then: the log analysed, the inbox's dead rows (all of them) gone.
  await pool.query('VACUUM (ANALYZE) audit.events');
  await pool.query('VACUUM (ANALYZE) audit.inbox');
  // Settle the build's dirty pages now rather than under the measurements.
  await pool.query('CHECKPOINT');
}
