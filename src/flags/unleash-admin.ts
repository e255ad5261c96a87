// Unleash's Admin API for flag changes (docs/adr/0013-flag-change-requests.md): read one flag with
// its environments and strategies, switch it in an environment, replace one strategy. opsdeck holds
// the only admin token, so every change made here is one an approved request asked for.
//
// Failures are AppErrors the runner records as a failed run with Retry: Unleash unreachable (or
// answering 5xx) is 503 `unleash_unavailable`; Unleash refusing the change (4xx) is 502
// `unleash_refused` with Unleash's own message, so nothing is ever recorded as applied that Unleash
// did not accept.
import { AppError } from '../http/errors.js';

/** Open source has only this project. */
export const UNLEASH_PROJECT = 'default';
const REQUEST_TIMEOUT_MS = 5_000;

export type UnleashVariant = { name: string; weight: number; weightType?: 'fix' | 'variable'; stickiness?: string; payload?: unknown };

export type UnleashStrategy = {
  id: string;
  name: string;
  title?: string | null;
  disabled?: boolean | null;
  sortOrder?: number;
  parameters?: Record<string, string>;
  constraints?: unknown[];
  variants?: UnleashVariant[];
  segments?: number[];
};

export type UnleashEnvironment = { name: string; enabled: boolean; strategies: UnleashStrategy[] };

export type UnleashFlag = { name: string; type: string; archived?: boolean; environments: UnleashEnvironment[] };

export type UnleashAdmin = {
  /** The flag with its environments, or null when Unleash has no such (live) flag. */
  readFlag(key: string): Promise<UnleashFlag | null>;
  setEnabled(key: string, environment: string, enabled: boolean): Promise<void>;
  /** Replaces one strategy's configuration; answers the strategy as Unleash stored it. */
  updateStrategy(key: string, environment: string, strategy: UnleashStrategy): Promise<UnleashStrategy>;
};

export const unleashUnavailable = (detail: string) =>
  new AppError({ status: 503, code: 'unleash_unavailable', title: 'Unleash unavailable', detail: `${detail} Nothing was changed; retry once Unleash is back.` });

export const unleashRefused = (status: number, message: string) =>
  new AppError({ status: 502, code: 'unleash_refused', title: 'Unleash refused the change', detail: `Unleash answered ${status}: ${message}`, extensions: { unleashStatus: status } });

export function createUnleashAdmin({ url, adminToken, timeoutMs = REQUEST_TIMEOUT_MS }: {
  /** The Unleash server's base URL (no /api). */
  url: string;
  adminToken: string;
  timeoutMs?: number;
}): UnleashAdmin {
  const base = `${url.replace(/\/$/, '')}/api/admin/projects/${UNLEASH_PROJECT}/features`;
  const envPath = (key: string, environment: string) => `/${encodeURIComponent(key)}/environments/${encodeURIComponent(environment)}`;

  async function call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<{ status: number; json: any }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: adminToken, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw unleashUnavailable(`Unleash did not answer (${(err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message}).`);
    }
    const text = await res.text();
    if (res.status >= 500) throw unleashUnavailable(`Unleash answered ${res.status}.`);
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (an HTML error page): the status says enough.
    }
    return { status: res.status, json };
  }

  const refusedUnless = ({ status, json }: { status: number; json: any }, ok: number[]) => {
    if (!ok.includes(status)) throw unleashRefused(status, String(json?.details?.[0]?.message ?? json?.message ?? json?.error ?? 'no message'));
  };

  return {
    async readFlag(key) {
      const answer = await call('GET', `/${encodeURIComponent(key)}`);
      if (answer.status === 404) return null;
      refusedUnless(answer, [200]);
      const flag = answer.json as UnleashFlag;
      return flag.archived ? null : flag;
    },
    async setEnabled(key, environment, enabled) {
      refusedUnless(await call('POST', `${envPath(key, environment)}/${enabled ? 'on' : 'off'}`), [200]);
    },
    async updateStrategy(key, environment, strategy) {
      const { id, ...config } = strategy;
      const answer = await call('PUT', `${envPath(key, environment)}/strategies/${encodeURIComponent(id)}`, config);
      refusedUnless(answer, [200]);
      return answer.json as UnleashStrategy;
    },
  };
}
