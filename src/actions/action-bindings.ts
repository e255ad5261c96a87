// Which operator actions a backoffice resource offers, derived from the actions themselves: every
// installed action whose targets include the resource's `entityType` is a record action (a button
// on the record), and those the resource lists in `bulkActions` are bulk actions too. Each binding
// carries the action's own permission, so the RBAC model, AdminJS's isAccessible and the access
// guard all read one source: the action declaration.
import type { ResourceDefinition } from '../platform/plugin.js';
import type { Permission } from '../rbac/permissions.js';
import { targetTypes, type ActionDefinition } from './define-action.js';

export type ActionBinding = {
  /** The AdminJS action name: `order.refund` -> `order-refund` (a dot would split translation keys). */
  name: string;
  kind: 'record' | 'bulk';
  action: ActionDefinition;
  permission: Permission;
};

export const recordActionName = (actionId: string): string => actionId.replace(/[^A-Za-z0-9_]+/g, '-');
export const bulkActionName = (actionId: string): string => `${recordActionName(actionId)}-bulk`;

/** The runner's actions on one resource, record actions first, in the packs' order. */
export function actionBindings(resource: Pick<ResourceDefinition, 'entityType' | 'bulkActions'>, actions: readonly ActionDefinition[]): ActionBinding[] {
  const { entityType } = resource;
  if (!entityType) return [];
  const targeting = actions.filter((a) => targetTypes(a).includes(entityType));
  const bulk = new Set(resource.bulkActions ?? []);
  return [
    ...targeting.map((action) => ({ name: recordActionName(action.id), kind: 'record' as const, action, permission: action.permission })),
    ...targeting.filter((a) => bulk.has(a.id)).map((action) => ({ name: bulkActionName(action.id), kind: 'bulk' as const, action, permission: action.permission })),
  ];
}

/** Configuration mistakes in a resource's bindings (a bulk action that is not installed or does not target it). */
export function bindingProblems(resource: ResourceDefinition, actions: readonly ActionDefinition[]): string[] {
  const problems: string[] = [];
  for (const id of resource.bulkActions ?? []) {
    const action = actions.find((a) => a.id === id);
    if (!action) problems.push(`resource ${resource.model} offers bulk action ${id}, which no installed pack declares`);
    else if (!resource.entityType || !targetTypes(action).includes(resource.entityType)) {
      problems.push(`resource ${resource.model} offers bulk action ${id}, which does not act on ${resource.entityType ?? '(no entityType)'}`);
    }
  }
  for (const binding of actionBindings(resource, actions)) {
    if (Object.hasOwn(resource.access?.actions ?? {}, binding.name)) {
      problems.push(`resource ${resource.model} declares ${binding.name} itself, which is the derived button of ${binding.action.id}`);
    }
  }
  return problems;
}
