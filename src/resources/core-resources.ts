// AdminJS configuration of the core's own models. Configuration only.
import type { ResourceDefinition } from '../platform/plugin.js';

export const coreResources: ResourceDefinition[] = [
  {
    model: 'Operator',
    navigation: 'Administration',
    secretFields: ['passwordHash'],
    options: {
      listProperties: ['id', 'email', 'name', 'status', 'lastLoginAt', 'createdAt'],
      filterProperties: ['email', 'name', 'status', 'createdAt'],
      showProperties: ['id', 'email', 'name', 'status', 'lastLoginAt', 'createdAt', 'updatedAt'],
    },
  },
  {
    model: 'Role',
    navigation: 'Administration',
    options: {
      listProperties: ['id', 'key', 'name', 'description'],
      filterProperties: ['key', 'name'],
    },
  },
];
