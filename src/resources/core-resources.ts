// AdminJS configuration of the core's own models. Configuration only: the approvals inbox's
// Approve / Deny and the runs screen's Retry are wired to their services in src/admin/.
import type { ResourceDefinition } from '../platform/plugin.js';
import { inboxViewWhere, visibleTo, type InboxView } from '../approvals/approval-routes.js';
import { runsVisibleTo } from '../actions/run-visibility.js';
import { impersonationResource } from '../impersonation/impersonation-resource.js';

const INBOX_VIEWS: { value: InboxView; label: string }[] = [
  { value: 'for_me', label: 'Pending for me' },
  { value: 'mine', label: 'Mine' },
  { value: 'decided', label: 'Decided' },
];
const isInboxView = (value: string): value is InboxView => INBOX_VIEWS.some((v) => v.value === value);

export const coreResources: ResourceDefinition[] = [
  {
    model: 'Operator',
    navigation: 'Administration',
    secretFields: ['passwordHash'],
    // Operators are created with `npm run operator` (a password is generated) and disabled, never
    // deleted: their ids stay on what they did.
    access: { read: 'operator.read', write: 'operator.manage' },
    options: {
      titleProperty: 'name',
      listProperties: ['id', 'email', 'name', 'status', 'lastLoginAt', 'createdAt'],
      filterProperties: ['email', 'name', 'status', 'createdAt'],
      showProperties: ['id', 'email', 'name', 'status', 'lastLoginAt', 'createdAt', 'updatedAt'],
      editProperties: ['email', 'name', 'status'],
    },
  },
  {
    // The "Roles & permissions" screen: read-only unless role.manage (edits are validated against
    // the permission catalog). No delete: operators' role rows refer to it; empty its permissions.
    model: 'Role',
    navigation: 'Administration',
    access: { read: 'role.read', create: 'role.manage', write: 'role.manage' },
    options: {
      listProperties: ['id', 'key', 'name', 'description'],
      filterProperties: ['key', 'name'],
      showProperties: ['id', 'key', 'name', 'description', 'permissions', 'createdAt'],
      // stepUpCode is no column: saving a role needs a fresh code (src/hooks/step-up-hook.ts).
      editProperties: ['key', 'name', 'description', 'permissions', 'stepUpCode'],
      // @adminjs/prisma does not mark list columns as arrays; without this the show page is empty.
      properties: {
        permissions: { isArray: true },
        stepUpCode: { type: 'string', isVisible: { list: false, show: false, filter: false, edit: true }, description: 'The current code from your authenticator app (not needed again for 5 minutes after one).' },
      },
    },
  },
  {
    // Who is logged in, and a Revoke that ends one session at once (the same service as
    // DELETE /api/sessions/:id). Rows are written by the session store only: no new, edit or delete.
    model: 'OperatorSession',
    navigation: 'Administration',
    secretFields: ['sid', 'sess'],
    access: { read: 'session.read', actions: { revoke: 'session.revoke' } },
    options: {
      listProperties: ['operator', 'createdAt', 'lastSeenAt', 'expire', 'ip', 'userAgent'],
      filterProperties: ['operator', 'ip', 'createdAt'],
      showProperties: ['id', 'operator', 'createdAt', 'lastSeenAt', 'expire', 'ip', 'userAgent'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
    },
  },
  {
    // Machine clients' API tokens (src/auth/api-tokens/): who holds which scope, last use, revocation,
    // and a Revoke (the same service as DELETE /api/tokens/:id). Tokens are created through the API
    // or the CLI, which show the secret once; no new, edit or delete here.
    model: 'ApiToken',
    navigation: 'Administration',
    secretFields: ['tokenHash'],
    access: { read: 'api_token.read', actions: { revoke: 'api_token.manage' } },
    options: {
      listProperties: ['id', 'name', 'prefix', 'scope', 'createdAt', 'lastUsedAt', 'revokedAt'],
      filterProperties: ['name', 'scope', 'createdAt', 'revokedAt'],
      showProperties: ['id', 'name', 'prefix', 'scope', 'createdById', 'createdAt', 'lastUsedAt', 'revokedAt', 'revokedById'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
    },
  },
  {
    // The Approvals inbox. Everyone may open it, and sees only their own requests and those they
    // could decide (the same rule as GET /api/approvals), whatever they filter or search for.
    // Read-only: a request changes only by a decision (Approve / Deny, approvals.decide).
    model: 'ApprovalRequest',
    navigation: 'Actions',
    access: {
      read: 'approval.read',
      actions: { approve: 'approval.decide', deny: 'approval.decide', pendingForMe: 'approval.read', mine: 'approval.read', decided: 'approval.read' },
    },
    visibleTo: (operator) => visibleTo(operator),
    virtualFilters: {
      view: { values: INBOX_VIEWS, where: (value, operator) => (isInboxView(value) ? inboxViewWhere(value, operator) : null) },
    },
    options: {
      listProperties: ['createdAt', 'actionId', 'status', 'requester', 'targetType', 'targetId', 'policyReason', 'expiresAt'],
      filterProperties: ['view', 'status', 'actionId', 'requester', 'targetType', 'targetId', 'createdAt'],
      showProperties: [
        'id', 'status', 'actionId', 'requester', 'requesterRoles', 'targetType', 'targetId', 'policyReason', 'payload', 'payloadHash',
        'approvalsRequired', 'approverPermission', 'decisions', 'runId', 'createdAt', 'expiresAt', 'decidedAt',
      ],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      properties: { requesterRoles: { isArray: true } },
    },
  },
  {
    // Runs & exceptions: every execution of an action. Own runs, everyone's with run.read. A failed
    // run not yet retried is an open exception, with a Retry (runs.retry re-checks the permission).
    model: 'ActionRun',
    navigation: 'Actions',
    isLarge: true,
    sortable: ['startedAt'],
    access: { read: 'run.own.read', actions: { retry: 'run.own.read', openExceptions: 'run.own.read' } },
    visibleTo: (operator) => runsVisibleTo(operator),
    virtualFilters: {
      exception: {
        values: [{ value: 'open', label: 'Open (failed, not retried)' }],
        where: (value) => (value === 'open' ? { status: 'failed', retriedByRunId: null } : null),
      },
    },
    options: {
      listProperties: ['startedAt', 'actionId', 'status', 'operator', 'targetType', 'targetId', 'reasonCode', 'errorCode', 'durationMs'],
      filterProperties: ['status', 'exception', 'actionId', 'operator', 'targetType', 'targetId', 'errorCode'],
      showProperties: [
        'id', 'actionId', 'status', 'operator', 'operatorRoles', 'impersonatedUserId', 'targetType', 'targetId', 'input', 'reasonCode', 'note',
        'result', 'errorCode', 'error', 'approvalId', 'bulkJobId', 'retryOfRunId', 'retriedByRunId', 'startedAt', 'finishedAt', 'durationMs',
      ],
      sort: { sortBy: 'startedAt', direction: 'desc' },
      properties: { operatorRoles: { isArray: true } },
    },
  },
  impersonationResource,
];
