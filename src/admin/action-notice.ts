// The backoffice's one mapping from the runner's answers (and AppErrors) to AdminJS notices: the
// same status and body the HTTP API sends, worded for the operator. `outcome` tells the form
// whether the request is settled (go to the record) and whether its Idempotency-Key is spent.
import type { NoticeMessage } from 'adminjs';
import { AppError } from '../http/errors.js';
import type { ActionResponse } from '../actions/types.js';

export type ActionOutcome = {
  status: number;
  code: string | null;
  runId: string | null;
  approvalId: string | null;
  /** The request was carried out or queued for approval: the form closes. */
  isDone: boolean;
  /** A final answer: the next submission needs a new key (only "still in flight" keeps it). */
  isKeySpent: boolean;
};

type Body = {
  run?: { id: string; status: string };
  approval?: { id: string; policyReason?: string };
  code?: string;
  detail?: string;
  title?: string;
  runId?: string;
};

const parse = (text: string): Body => {
  try {
    return JSON.parse(text) as Body;
  } catch {
    return {};
  }
};

export function actionNotice(title: string, response: ActionResponse): { notice: NoticeMessage; outcome: ActionOutcome } {
  const body = parse(response.body);
  const replay = response.isReplay ? ' (this request was already sent; its first answer is shown)' : '';
  if (response.status === 200 && body.run) {
    return {
      notice: { type: 'success', message: `${title}: done (run ${body.run.id})${replay}.` },
      outcome: { status: 200, code: null, runId: body.run.id, approvalId: null, isDone: true, isKeySpent: true },
    };
  }
  if (response.status === 202 && body.approval) {
    const why = body.approval.policyReason ? `: ${body.approval.policyReason}` : '';
    return {
      notice: { type: 'info', message: `${title}: sent for approval (request ${body.approval.id})${why}${replay}.` },
      outcome: { status: 202, code: null, runId: null, approvalId: body.approval.id, isDone: true, isKeySpent: true },
    };
  }
  const code = body.code ?? 'internal_error';
  const run = body.runId ? ` (run ${body.runId})` : '';
  return {
    notice: { type: 'error', message: `${title}: ${body.detail ?? body.title ?? `failed with HTTP ${response.status}`}${run}${replay}` },
    outcome: { status: response.status, code, runId: body.runId ?? null, approvalId: null, isDone: false, isKeySpent: code !== 'idempotency_key_in_flight' },
  };
}

/** An expected refusal thrown by a service (self-approval, not permitted, already decided). */
export function problemNotice(title: string, err: AppError): NoticeMessage {
  return { type: 'error', message: `${title}: ${err.message}` };
}
