// The backoffice face of the timeline: a Timeline panel at the end of every show page of a
// resource with an entity type. It is a virtual property (not a column) shown on the show page
// only, so the stock show page renders as before with the panel under it; the panel reads the
// same API route as any client (src/admin/components/timeline-panel.tsx).
import type { PropertyOptions } from 'adminjs';
import type { ResourceDefinition } from '../platform/plugin.js';
import type { AdminComponents } from '../admin/admin-components.js';

export const TIMELINE_PROPERTY = 'timeline';

export function timelineProperties(definition: ResourceDefinition, components: AdminComponents): Record<string, PropertyOptions> {
  if (!definition.entityType) return {};
  return {
    [TIMELINE_PROPERTY]: {
      type: 'string',
      position: 10_000,
      isVisible: { list: false, filter: false, edit: false, show: true },
      components: { show: components.TimelinePanel },
      custom: { entityType: definition.entityType },
    },
  };
}

/** A resource that lists its show properties gets the panel appended (without a list, every property shows). */
export function withTimelineShown(definition: ResourceDefinition): { showProperties?: string[] } {
  const showProperties = definition.options?.showProperties;
  return definition.entityType && showProperties ? { showProperties: [...showProperties, TIMELINE_PROPERTY] } : {};
}
