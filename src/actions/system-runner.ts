// Runs an action as a system principal (src/auth/system-principals.ts): the same `submit` an HTTP
// request goes through, with the principal in the operator's place. So RBAC (a missing permission
// is a 403 and an `access.denied` audit row, never a silent pass), kill switches, validation, the
// Idempotency-Key claim (scoped to the principal), approvals, the transaction and its audit rows
// all apply unchanged. The work runs under a request context of its own: its audit rows carry a
// `system:<key>:...` correlation id and user agent `opsdeck-system`, beside the principal's
// operator id and `system:<key>` role (docs/adr/0017-support-cases-and-system-workflows.md).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { loadSystemPrincipal, systemPrincipalId } from '../auth/system-principals.js';
import { runWithRequestContext } from '../http/request-context.js';
import type { ActionRunner } from './types.js';

export type SystemRunResult = {
  status: number;
  body: Record<string, unknown>;
  /** Answered from the stored response of an earlier run with the same key. */
  isReplay: boolean;
};

export type SystemRunRequest = {
  /** The system principal's key, e.g. `non-fulfilment`. */
  principal: string;
  actionId: string;
  target: { type: string; id: string };
  input?: Record<string, unknown>;
  reasonCode: string;
  note?: string | null;
  /** Derive it from what the step is (order id + step): a re-run then replays instead of acting twice. */
  idempotencyKey: string;
  /** Groups the audit rows of one sweep (default: a new id per call). */
  correlationId?: string;
};

export function createSystemRunner({ pool, runner }: { pool: Pick<pg.Pool, 'query'>; runner: Pick<ActionRunner, 'submit'> }) {
  async function run({ principal, actionId, target, input = {}, reasonCode, note = null, idempotencyKey, correlationId }: SystemRunRequest): Promise<SystemRunResult> {
    // Loaded per call, like an operator on every request: a permission revoked meanwhile bites now.
    const operator = await loadSystemPrincipal(pool, principal);
    if (!operator) throw new Error(`system principal ${systemPrincipalId(principal)} is missing: start-up creates it (ensureSystemPrincipals)`);
    const context = { ip: null, userAgent: 'opsdeck-system', correlationId: correlationId ?? `${systemPrincipalId(principal)}:${randomUUID()}` };
    const response = await runWithRequestContext(context, () => runner.submit({
      actionId, operator: { ...operator, impersonatedUserId: null }, idempotencyKey, body: { target, input, reasonCode, note },
    }));
    return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown>, isReplay: response.isReplay };
  }
  return { run };
}

export type SystemRunner = ReturnType<typeof createSystemRunner>;
