// AdminJS configuration of the core's own models. Configuration only.
import type { ResourceDefinition } from '../platform/plugin.js';

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
      editProperties: ['key', 'name', 'description', 'permissions'],
      // @adminjs/prisma does not mark list columns as arrays; without this the show page is empty.
      properties: { permissions: { isArray: true } },
    },
  },
];
