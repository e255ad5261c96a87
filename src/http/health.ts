// Liveness and readiness (../shared/API.md "Health and operations").
import { Router } from 'express';
import type pg from 'pg';

export type UnleashState = () => 'ok' | 'degraded';

export function createHealthRoutes({ pool, unleashState }: { pool: pg.Pool; unleashState: UnleashState }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    // A hung database must make readiness fail, not hang.
    const probe = pool.query('SELECT 1').then(() => 'ok' as const, () => 'unavailable' as const);
    const timeout = new Promise<'unavailable'>((resolve) => setTimeout(() => resolve('unavailable'), 2_000).unref());
    const database = await Promise.race([probe, timeout]);
    // Flags degrade to last-known or default values, so Unleash being down does not make us unready.
    const body = { database, unleash: unleashState() };
    res.status(database === 'ok' ? 200 : 503).json(body);
  });
  return router;
}
