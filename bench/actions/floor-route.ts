// The floor of any write on this machine, for the bench's scale: the same front as every action
// (session read, operator reload, JSON body) and then one autocommit INSERT of one small row, one
// commit (fsync) per request. No action can be cheaper than this; the ratio of the runner's figure
// to it says what the runner's guarantees cost. Only the bench mounts it.
import express, { Router, type RequestHandler } from 'express';
import type pg from 'pg';

export async function createFloorRoute({ pool, session, authenticated }: { pool: pg.Pool; session: RequestHandler; authenticated: RequestHandler }): Promise<Router> {
  await pool.query('CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, request_id text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  const router = Router();
  router.post('/floor/:id', express.json(), session, authenticated, async (req, res) => {
    await pool.query({ name: 'bench_floor_insert', text: 'INSERT INTO bench_floor (request_id) VALUES ($1)', values: [req.params.id] });
    res.json({ ok: true });
  });
  return router;
}
