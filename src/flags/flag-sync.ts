// Declared flags reach Unleash at start through its Admin API: each one missing is created with its
// type and description in the default project (open source has no other; impression data on for
// type experiment only), with a 100% rollout
// strategy in our environment, switched on there when its default is on. A flag that exists (also
// archived) is never touched: once created, product managers own it in the dashboard. Idempotent;
// instances starting together may both try, and the loser's 409 counts as "exists".
// The context fields opsdeck sends (roles, orgId) are registered the same way.
import type { FlagCatalog } from './flag-catalog.js';
import { FLAG_CONTEXT_FIELDS } from './flag-service.js';

type LogFn = (objOrMsg: unknown, msg?: string) => void;

export type FlagSyncResult = { created: string[]; existing: string[] };

const PROJECT = 'default';
const REQUEST_TIMEOUT_MS = 5_000;

export async function syncFlags({ url, adminToken, catalog, logger, environment = 'development' }: {
  /** The Unleash server's base URL (no /api). */
  url: string;
  adminToken: string;
  catalog: FlagCatalog;
  logger: { info: LogFn; warn: LogFn };
  /** The Unleash environment our client token reads. */
  environment?: string;
}): Promise<FlagSyncResult> {
  const base = `${url.replace(/\/$/, '')}/api/admin/projects/${PROJECT}/features`;
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, target = `${base}${path}`): Promise<number> => {
    const res = await fetch(target, {
      method,
      headers: { Authorization: adminToken, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const expect = (status: number, ok: number[], what: string) => {
    if (!ok.includes(status)) throw new Error(`Unleash answered ${status} to ${what}`);
  };

  // The custom context fields opsdeck evaluates with: created when missing, never changed after.
  const contextUrl = `${url.replace(/\/$/, '')}/api/admin/context`;
  for (const field of FLAG_CONTEXT_FIELDS) {
    const found = await call('GET', '', undefined, `${contextUrl}/${field.name}`);
    if (found === 200) continue;
    expect(found, [404], `GET context field ${field.name}`);
    expect(await call('POST', '', { name: field.name, description: field.description, legalValues: [], stickiness: false }, contextUrl), [200, 201, 409], `create context field ${field.name}`);
  }

  const result: FlagSyncResult = { created: [], existing: [] };
  for (const flag of catalog.values()) {
    const name = encodeURIComponent(flag.key);
    const found = await call('GET', `/${name}`);
    if (found === 200) {
      result.existing.push(flag.key);
      continue;
    }
    expect(found, [404], `GET feature ${flag.key}`);
    // An experiment flag reports each in-process getVariant as an impression: the exposures of the
    // opsdeck experiment named like it (src/experiments/impression-exposures.ts).
    const created = await call('POST', '', { name: flag.key, type: flag.type, description: flag.description, impressionData: flag.type === 'experiment' });
    // 409: created meanwhile by another instance, or archived (archived names stay taken; not revived).
    if (created === 409) {
      result.existing.push(flag.key);
      continue;
    }
    expect(created, [200, 201], `create feature ${flag.key}`);
    const env = `/${name}/environments/${encodeURIComponent(environment)}`;
    // A strategy even when off: switching it on in the dashboard then means "everyone".
    expect(await call('POST', `${env}/strategies`, {
      name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'default', groupId: flag.key },
    }), [200, 201], `add the rollout strategy of ${flag.key}`);
    if (flag.default) expect(await call('POST', `${env}/on`), [200], `enable ${flag.key} in ${environment}`);
    result.created.push(flag.key);
  }
  if (result.created.length > 0) logger.info({ created: result.created }, 'feature flags: declared flags created in Unleash');
  return result;
}
