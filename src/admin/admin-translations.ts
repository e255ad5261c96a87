// The backoffice's wording where AdminJS's own is unclear. A denied action (AdminJS's check, and
// the 403 of src/admin/admin-access-guard.ts, whose body carries the same `forbiddenError`
// notice) must say what happened and what to do. AdminJS's stock screens show their generic
// "error fetching" notice when a call answers 403 (e.g. after the operator's roles changed
// mid-session), so those name that cause too.
export const ADMIN_TRANSLATIONS = {
  labels: {
    AuditLog: 'Audit log',
    ApprovalRequest: 'Approvals',
    ActionRun: 'Runs & exceptions',
    OperatorSession: 'Sessions',
    security: 'Security',
  },
  // The core screens' buttons (the runner's are labelled with each action's title).
  actions: {
    approve: 'Approve',
    deny: 'Deny',
    pendingForMe: 'Pending for me',
    mine: 'Mine',
    decided: 'Decided',
    retry: 'Retry',
    openExceptions: 'Open exceptions',
    revoke: 'End session',
  },
  messages: {
    // The login form: one answer for a wrong email, password or code (no enumeration).
    invalidCredentials: 'Wrong email, password or authentication code.',
    forbiddenError: 'You do not have the permission for this action. Ask a role manager if your work needs it.',
    anyForbiddenError: 'You do not have the permission for this action. Ask a role manager if your work needs it.',
    errorFetchingRecords: 'These records could not be loaded. Your roles may not allow them (reload the page if your roles just changed), or the server failed.',
    errorFetchingRecord: 'This record could not be loaded. Your roles may not allow it (reload the page if your roles just changed), or the server failed.',
  },
} as const;
