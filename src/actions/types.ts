// The runner's face toward its two callers (the HTTP routes and the AdminJS actions): a request in,
// a response out with the HTTP status and body the API contract names (../shared/API.md). Expected
// outcomes (refused, approval needed, replay) are responses, not exceptions.
import type { OperatorPrincipal } from '../auth/operator-auth.js';

/** The body of `POST /api/actions/{actionId}`. */
export type ActionRequestBody = {
  target: { type: string; id: string };
  input?: Record<string, unknown>;
  reasonCode: string;
  note?: string | null;
};

export type ActionRequest = {
  actionId: string;
  operator: OperatorPrincipal & { impersonatedUserId?: number | null };
  /** The Idempotency-Key header; missing is a 400. */
  idempotencyKey: string | undefined;
  /** Unvalidated JSON as received. */
  body: unknown;
};

export type ActionResponse = {
  status: number;
  /** JSON text exactly as sent the first time (replays send the same bytes). */
  body: string;
  /** True when this is a stored response replayed for a retried key. */
  isReplay: boolean;
};

/** What GET /api/actions lists per action. */
export type ActionSummary = {
  id: string;
  title: string;
  description: string | null;
  permission: string;
  targetTypes: string[];
  inputSchema: Record<string, unknown>;
  reasonCodes: string[];
  isEmergency: boolean;
  policy: { approval: { approvals: number; approverPermission: string; isConditional: boolean } | null; limits: Record<string, unknown> | null };
};

export type ActionRunner = {
  /** Runs (or queues for approval) one action request, end to end. */
  submit: (request: ActionRequest) => Promise<ActionResponse>;
  /** The actions this operator may run, with their input schemas and policies. */
  listFor: (operator: Pick<OperatorPrincipal, 'id' | 'roles' | 'permissions'>) => ActionSummary[];
};
