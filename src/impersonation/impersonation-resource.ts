// The backoffice's "Impersonations" screen: who acted as which customer, why, for how long, and
// how it ended. Read-only (rows change only through src/impersonation/), for those who read the
// audit log: the same record, seen by session rather than by request.
import type { ResourceDefinition } from '../platform/plugin.js';

export const impersonationResource: ResourceDefinition = {
  model: 'Impersonation',
  entityType: 'impersonation',
  navigation: 'Administration',
  // A hash of the session id, but still nothing an operator needs to see.
  secretFields: ['sessionId'],
  access: { read: 'audit.read' },
  options: {
    listProperties: ['startedAt', 'operator', 'targetUserId', 'targetOrgId', 'reasonCode', 'ticketId', 'expiresAt', 'endedAt', 'endReason'],
    filterProperties: ['operator', 'targetUserId', 'targetOrgId', 'reasonCode', 'ticketId', 'endReason', 'startedAt'],
    showProperties: ['id', 'operator', 'targetUserId', 'targetOrgId', 'reasonCode', 'note', 'ticketId', 'startedAt', 'expiresAt', 'endedAt', 'endReason'],
    sort: { sortBy: 'startedAt', direction: 'desc' },
  },
};
