// The permission catalog: code, not data. Roles (data) grant these keys; anything not granted is
// refused. Plugins add their own keys through definePlugin({ permissions }).
export const CORE_PERMISSIONS = {
  'operator.read': 'See operator accounts',
  'operator.manage': 'Create, disable and edit operator accounts',
  'role.read': 'See roles and the permission matrix',
  'role.manage': 'Create and edit roles and role assignments',
  'audit.read': 'Read the audit log',
  'audit.export': 'Export the audit log',
  'audit.verify': 'Run the audit chain verifier',
  'run.own.read': 'See one\'s own action runs and exceptions in the backoffice (a retry needs the action\'s permission)',
  'run.read': 'See every operator\'s action runs and exceptions, not only one\'s own',
  'approval.read': 'See the Approvals inbox: one\'s own requests, and those one may decide',
  'approval.decide': 'Approve or deny another operator\'s request',
  'pii.read': 'See personal data unmasked (emails, phones, addresses, payment details)',
  'user.impersonate': 'Start an impersonation of a customer user',
  'flag.read': 'See feature flags as evaluated',
  'flag.change': 'Request a feature flag change in Unleash (on/off, rollout, variant weights), and approve another operator\'s (with approval.decide)',
  'experiment.read': 'See experiments and their results (rates, intervals, p-values, the sample-ratio check, the winner)',
  'experiment.manage': 'Create experiments and change their design and lifecycle (draft, running, paused, concluded)',
  'experiment.ingest': 'Send exposure and conversion events of an experiment (POST /api/experiments/{key}/events)',
  'api_token.read': 'See the API tokens of machine clients (name, scope, prefix, last used; never the token)',
  'api_token.manage': 'Create API tokens for machine clients (shown once) and revoke them',
  'session.read': 'See who is logged in: every operator\'s live sessions, with address and user agent',
  'session.revoke': 'End another operator\'s session (its row is deleted; they are logged out at once)',
} as const;

export type Permission = string;

export type PermissionCatalog = Record<Permission, string>;
