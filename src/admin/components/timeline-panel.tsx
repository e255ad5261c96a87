// The Timeline panel under every show page of a resource with an entity type: the entity's
// timeline from GET /api/entities/{type}/{id}/timeline (the same route API clients call, so the same
// permissions, masking and tenant scope), newest first, with "Load more" following the keyset cursor.
import React, { useCallback, useEffect, useState } from 'react';
import type { BasePropertyProps } from 'adminjs';
import { Box, Button, Label, Text } from '@adminjs/design-system';
import { call } from './impersonation-api';

type Item = {
  id: string; occurredAt: string; source: string; kind: string; subject: { type: string; id: string };
  isLinked: boolean; actorOperatorId: number | null; actorName: string | null; data: Record<string, unknown>;
};

// One line of what happened: the reason, the note body, the changed fields, or the event's payload.
function summary(item: Item): string {
  const { data } = item;
  if (typeof data.body === 'string') return data.body;
  const parts: string[] = [];
  if (data.reasonCode) parts.push(`reason: ${String(data.reasonCode)}`);
  if (data.note) parts.push(`note: ${String(data.note)}`);
  const shown = (data.after ?? data.payload) as Record<string, unknown> | null | undefined;
  if (shown && typeof shown === 'object') {
    const fields = Object.entries(shown).filter(([key]) => key !== 'reasonCode').slice(0, 6);
    parts.push(fields.map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`).join(', '));
  }
  return parts.filter(Boolean).join(' · ');
}

const TimelinePanel = ({ property, record }: BasePropertyProps) => {
  const type = (property.custom as { entityType: string }).entityType;
  const id = record?.id;
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [isLoading, setLoading] = useState(false);

  const load = useCallback(async (after: string | null) => {
    setLoading(true);
    const query = `limit=20${after ? `&cursor=${encodeURIComponent(after)}` : ''}`;
    const { status, body } = await call(`/entities/${encodeURIComponent(type)}/${encodeURIComponent(String(id))}/timeline?${query}`);
    setLoading(false);
    if (status !== 200) return setProblem(body.detail ?? `The timeline could not be loaded (HTTP ${status}).`);
    setItems((shown) => (after ? [...shown, ...body.items] : body.items));
    setCursor(body.nextCursor);
  }, [type, id]);

  useEffect(() => {
    if (id !== undefined) void load(null);
  }, [id, load]);

  return (
    <Box mb="xl" data-testid="timeline-panel">
      <Label>Timeline</Label>
      {problem ? <Text color="error">{problem}</Text> : null}
      {!problem && items.length === 0 && !isLoading ? <Text>Nothing has happened to this {type.replace(/_/g, ' ')} yet.</Text> : null}
      <ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {items.map((item) => (
          <li key={item.id} data-testid="timeline-item" style={{ borderLeft: '2px solid #c0c8d8', padding: '4px 0 8px 12px' }}>
            <Text fontSize="sm" color="grey60">
              {new Date(item.occurredAt).toLocaleString()} · {item.source === 'audit' ? 'operator action' : item.source === 'event' ? 'event' : 'note'}
              {item.actorOperatorId !== null ? ` · by ${item.actorName ?? `operator #${item.actorOperatorId}`}` : ''}
              {item.isLinked ? ` · via ${item.subject.type.replace(/_/g, ' ')} ${item.subject.id}` : ''}
            </Text>
            <Text fontWeight="bold" data-testid="timeline-kind">{item.kind}</Text>
            <Text fontSize="sm">{summary(item)}</Text>
          </li>
        ))}
      </ol>
      {cursor ? (
        <Button type="button" size="sm" variant="outlined" disabled={isLoading} onClick={() => void load(cursor)} data-testid="timeline-load-more">
          {isLoading ? 'Loading…' : 'Load more'}
        </Button>
      ) : null}
    </Box>
  );
};

export default TimelinePanel;
