// Ingestion done naively, for the bench's comparison: the same front (session, operator reload,
// permission), the same validation, the same rows and counts, but one statement per event, each on
// its own autocommit (so one round trip and one commit, fsync included, per event). It is what a
// handler that loops over the batch tends to look like. Only the bench mounts it.
import express, { Router, type RequestHandler } from 'express';
import type pg from 'pg';
import type { OperatorPrincipal } from '../../src/auth/operator-auth.js';
import { can } from '../../src/rbac/access.js';
import { parseEventBatch } from '../../src/experiments/event-batch.js';
import { ingestBatch } from '../../src/experiments/event-ingest.js';

export function createNaiveIngestRoute({ pool, session, authenticated }: { pool: pg.Pool; session: RequestHandler; authenticated: RequestHandler }): Router {
  const router = Router();
  router.post('/naive/experiments/:key/events', express.json({ limit: '4mb' }), session, authenticated, async (req, res) => {
    if (!can(res.locals.operator as OperatorPrincipal, 'experiment.ingest')) return void res.status(403).json({ code: 'forbidden' });
    const { rows: [experiment] } = await pool.query(
      `SELECT e.id, array_agg(v.name ORDER BY v.position) AS variants FROM experiments e JOIN experiment_variants v ON v.experiment_id = e.id WHERE e.key = $1 GROUP BY e.id`,
      [req.params.key],
    );
    if (!experiment) return void res.status(404).json({ code: 'not_found' });
    const { events, received } = parseEventBatch(req.body, experiment.variants);
    let accepted = 0;
    for (const event of events) accepted += (await ingestBatch(pool, experiment.id, [event])).accepted;
    res.json({ received, accepted, duplicates: received - accepted });
  });
  return router;
}
