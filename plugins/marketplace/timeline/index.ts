// The marketplace's part of the entity timeline (src/timeline/, docs/adr/0016-entity-timeline.md):
// links from its subjects to the entities they concern, the read permission (and personal data)
// of subjects that are no resource's entity type, and the support notes as a source.
import type { PluginTimeline } from '../../../src/timeline/timeline-types.js';
import { MARKETPLACE_TIMELINE_LINKS } from './timeline-links.js';
import { supportNotesSource } from './support-notes-source.js';

export const marketplaceTimeline: PluginTimeline = {
  links: MARKETPLACE_TIMELINE_LINKS,
  subjects: {
    refund: { read: 'payment.read' },
    shipment: { read: 'shipment.read' },
    payout_hold: { read: 'payout.read' },
    ledger_entry: { read: 'ledger.read' },
    support_case: { read: 'support_case.read' },
  },
  sources: [supportNotesSource],
};
