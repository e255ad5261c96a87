// shipment.open_investigation: opens a shipment investigation (lost parcel, delivered but not
// received, ...): a small record on the shipment that the consoles show, one open at a time. It is
// not a support case (that workflow lives with support cases); the action's note is its note.
import type { ShipmentInvestigation } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { hasOpenInvestigation } from './action-applicability.js';
import { lockShipment } from './shipment-support.js';
import { shipmentInvestigationColumns, withSqlText } from './sql-rows.js';

export const INVESTIGATION_KINDS = ['lost_in_transit', 'delivered_not_received', 'address_problem', 'label_problem', 'damaged', 'other'] as const;

export const shipmentOpenInvestigationAction = defineAction({
  id: 'shipment.open_investigation',
  title: 'Open shipment investigation',
  description: 'Start investigating a shipment (with the carrier, the seller and the buyer); shown on the shipping and order consoles.',
  permission: 'shipment.investigate',
  target: 'shipment',
  input: z.strictObject({ kind: z.enum(INVESTIGATION_KINDS) }),
  reasonCodes: ['buyer_report', 'seller_report', 'carrier_exception', 'tracking_stale', 'suspected_fraud', 'other'],

  appliesTo: (shipment) => !hasOpenInvestigation(shipment),

  load: async ({ sql, target }) => {
    // The shipment's lock serialises two operators opening one at once; the partial unique index is the backstop.
    const { shipment } = await lockShipment(sql, target);
    const [open] = await sql<{ id: number }>`SELECT id FROM shipment_investigations WHERE shipment_id = ${shipment.id} AND status = 'open'`;
    if (hasOpenInvestigation({ openInvestigationId: open?.id ?? null })) throw actionRefused('investigation_already_open', `Shipment ${shipment.id} already has open investigation ${open!.id}.`);
    return { shipment };
  },

  run: async (ctx) => {
    const { shipment } = ctx.state;
    const [investigation] = await withSqlText(ctx.sql)<ShipmentInvestigation>`
      INSERT INTO shipment_investigations (shipment_id, kind, reason_code, note, opened_by, opened_at)
      VALUES (${shipment.id}, ${ctx.input.kind}::"ShipmentInvestigationKind", ${ctx.reasonCode}, ${ctx.note}, ${ctx.actor.operatorId}, ${ctx.now})
      RETURNING ${shipmentInvestigationColumns()}`;
    ctx.changed({ entityType: 'shipment_investigation', entityId: String(investigation.id), before: null, after: investigation });
    ctx.emit({
      name: 'ShipmentInvestigationOpened', entityType: 'shipment', entityId: String(shipment.id),
      payload: { shipmentId: shipment.id, investigationId: investigation.id, kind: investigation.kind },
    });
    return { shipmentId: shipment.id, investigationId: investigation.id, kind: investigation.kind, status: investigation.status };
  },
});
