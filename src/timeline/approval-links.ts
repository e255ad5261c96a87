// The core's one link: an approval request's audit rows (requested, approved, denied) belong on the
// entity the action would change, so an order's timeline shows "refund requested, waiting for a
// second person" next to the refund that follows.
import type { TimelineLinkResolver } from './timeline-types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const approvalTargets: TimelineLinkResolver = async (db, ids) => {
  const keys = ids.filter((id) => UUID.test(id));
  if (keys.length === 0) return [];
  const { rows } = await db.query('SELECT id::text AS id, target_type, target_id FROM approval_requests WHERE id = ANY($1::uuid[])', [keys]);
  return rows.map((r) => ({ id: String(r.id), type: String(r.target_type), linkedId: String(r.target_id) }));
};
