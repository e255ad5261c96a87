// The projection's table and its checkpoints: batched writes (one INSERT ... SELECT FROM unnest per
// batch, idempotent on the (source, source id, entity) key), the checkpoint rows the projector and
// the rebuild take turns on, and the keyset read behind the API.
import type { SqlExecutor } from '../audit/types.js';
import type { TimelineRow } from './timeline-types.js';

export const TIMELINE_TABLE = 'entity_timeline';

/** The columns that make an entry what it is (everything but its id and projection time). */
export const CONTENT_COLUMNS = 'entity_type, entity_id, occurred_at, source, source_id, subject_type, subject_id, kind, actor_operator_id, data';

/** Inserts the rows into `table` (the live table or a replay's), skipping those already there; returns how many were new. */
export async function insertRows(db: SqlExecutor, table: string, rows: TimelineRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { rows: [{ n }] } = await db.query(
    `WITH added AS (
       INSERT INTO ${table} (${CONTENT_COLUMNS})
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[], $4::varchar[], $5::bigint[], $6::varchar[], $7::varchar[], $8::varchar[], $9::integer[], $10::jsonb[])
       ON CONFLICT (source, source_id, entity_type, entity_id) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS n FROM added`,
    [
      rows.map((r) => r.entity.type), rows.map((r) => r.entity.id), rows.map((r) => r.occurredAt), rows.map((r) => r.source),
      rows.map((r) => r.sourceId), rows.map((r) => r.subject.type), rows.map((r) => r.subject.id), rows.map((r) => r.kind),
      rows.map((r) => r.actorOperatorId), rows.map((r) => JSON.stringify(r.data)),
    ],
  );
  return n as number;
}

export async function ensureCheckpoints(db: SqlExecutor, sources: string[]): Promise<void> {
  await db.query('INSERT INTO timeline_checkpoints (source) SELECT unnest($1::varchar[]) ON CONFLICT (source) DO NOTHING', [sources]);
}

/**
 * The source's checkpoint, locked for this transaction; null when another transaction holds it
 * (another instance's projector, or a rebuild) and `wait` is false.
 */
export async function lockCheckpoint(db: SqlExecutor, source: string, { wait }: { wait: boolean }): Promise<string | null> {
  const { rows } = await db.query(
    `SELECT position::text AS position FROM timeline_checkpoints WHERE source = $1 FOR UPDATE${wait ? '' : ' SKIP LOCKED'}`,
    [source],
  );
  return rows.length ? String(rows[0].position) : null;
}

export async function saveCheckpoint(db: SqlExecutor, source: string, position: string): Promise<void> {
  await db.query('UPDATE timeline_checkpoints SET position = $2::bigint, updated_at = now() WHERE source = $1', [source, position]);
}

export type StoredEntry = {
  id: string; occurred_at: Date; source: string; source_id: string; subject_type: string; subject_id: string;
  kind: string; actor_operator_id: number | null; actor_name: string | null; data: Record<string, unknown>;
};

/**
 * One page of an entity's timeline, newest first, strictly after the cursor's (time, id). Entries
 * about other subjects show only when their type is in `subjectTypes` (what the reader may see).
 */
export async function readTimeline(db: SqlExecutor, { type, id, subjectTypes, before, limit }: {
  type: string;
  id: string;
  subjectTypes: string[];
  before: { at: Date; id: string } | null;
  limit: number;
}): Promise<StoredEntry[]> {
  const { rows } = await db.query(
    `SELECT t.id::text AS id, t.occurred_at, t.source, t.source_id::text AS source_id, t.subject_type, t.subject_id, t.kind,
       t.actor_operator_id, o.name AS actor_name, t.data
     FROM ${TIMELINE_TABLE} t LEFT JOIN operators o ON o.id = t.actor_operator_id
     WHERE t.entity_type = $1 AND t.entity_id = $2
       AND ((t.subject_type = $1 AND t.subject_id = $2) OR t.subject_type = ANY($3::varchar[]))
       AND ($4::timestamptz IS NULL OR (t.occurred_at, t.id) < ($4::timestamptz, $5::bigint))
     ORDER BY t.occurred_at DESC, t.id DESC
     LIMIT $6`,
    [type, id, subjectTypes, before?.at ?? null, before?.id ?? null, limit],
  );
  return rows as StoredEntry[];
}
