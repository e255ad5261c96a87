// The backoffice's calls to the impersonation API (src/impersonation/impersonation-routes.ts): the
// components never decide anything, they ask the same endpoints an API client would. The API root
// and the reason codes come from the server (AdminJS env, src/admin/create-admin.ts).
export type Impersonation = {
  id: string;
  targetUserId: number;
  targetOrgId: number | null;
  reasonCode: string;
  ticketId: string | null;
  startedAt: string;
  expiresAt: string;
  remainingSeconds: number;
  target: { id: number; orgId: number | null; orgName: string | null; email: string; name: string } | null;
};

export type Tenant = { id: number; name: string; domain: string | null; status: string; users: { id: number; email: string; name: string }[] };

export type StartRequest = { targetUserId: number; reason: string; note: string; ticketId: string | null; minutes: number };

type Env = { OPSDECK_API_ROOT?: string; OPSDECK_IMPERSONATION_REASONS?: string; OPSDECK_IMPERSONATION_MAX_MINUTES?: string };
const env = (): Env => ((window as unknown as { AdminJS?: { env?: Env } }).AdminJS?.env ?? {});

export const apiRoot = () => env().OPSDECK_API_ROOT ?? '/api';
export const reasonCodes = (): string[] => (env().OPSDECK_IMPERSONATION_REASONS ?? 'other').split(',');
export const maxMinutes = () => Number(env().OPSDECK_IMPERSONATION_MAX_MINUTES ?? 240);

export async function call(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(`${apiRoot()}${path}`, {
    credentials: 'same-origin', ...init,
    headers: { Accept: 'application/json', ...(init?.body ? { 'Content-Type': 'application/json' } : {}), ...init?.headers },
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

export const currentImpersonation = async (): Promise<Impersonation | null> => {
  const { status, body } = await call('/impersonations/current');
  return status === 200 ? (body.impersonation as Impersonation | null) : null;
};

export const endImpersonation = (id: string) => call(`/impersonations/${encodeURIComponent(id)}`, { method: 'DELETE' });

/** Starts one; `needsStepUp` when the server asks for a fresh TOTP code first. */
export async function startImpersonation(request: StartRequest): Promise<{ ok: true } | { ok: false; needsStepUp: boolean; detail: string }> {
  const { status, body } = await call('/impersonations', { method: 'POST', body: JSON.stringify(request) });
  if (status === 201) return { ok: true };
  return { ok: false, needsStepUp: body.code === 'step_up_required', detail: body.detail ?? `Not started (HTTP ${status}).` };
}

export async function stepUp(totp: string): Promise<string | null> {
  const { status, body } = await call('/session/step-up', { method: 'POST', body: JSON.stringify({ totp }) });
  return status >= 200 && status < 300 ? null : (body.detail ?? `The code was not accepted (HTTP ${status}).`);
}

export const formatRemaining = (seconds: number): string => {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s % 60).padStart(2, '0')}s`;
};

export const humanizeReason = (code: string) => code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
