// shipment.close_investigation: closes a shipment's open investigation with how it ended (the
// parcel was delivered, found, lost, ...). The one legal move is open -> closed: closing when none
// is open, or one the operator did not mean (a newer one than the form named), is a 409 that changes
// nothing; a repeated request with the same Idempotency-Key gets the first answer (the runner). The
// ShipmentInvestigationClosed event puts it on the shipment's timeline and its order's, as opening does.
import type { ShipmentInvestigation } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { hasOpenInvestigation } from './action-applicability.js';
import { lockShipment } from './shipment-support.js';
import { shipmentInvestigationColumns, withSqlText } from './sql-rows.js';

export const INVESTIGATION_RESOLUTIONS = ['delivered', 'found_in_transit', 'lost', 'returned_to_sender', 'address_corrected', 'label_replaced', 'unfounded', 'other'] as const;

export const shipmentCloseInvestigationAction = defineAction({
  id: 'shipment.close_investigation',
  title: 'Close shipment investigation',
  description: 'Close the shipment\'s open investigation with its resolution (delivered, found, lost, returned, ...). '
    + 'Give `investigationId` to close only that one (409 if another, or none, is open).',
  permission: 'shipment.investigation.close',
  target: 'shipment',
  input: z.strictObject({
    resolution: z.enum(INVESTIGATION_RESOLUTIONS),
    investigationId: z.number().int().positive().max(2_147_483_647).optional(),
  }),
  reasonCodes: ['carrier_confirmed', 'buyer_confirmed', 'seller_confirmed', 'refunded_or_replaced', 'no_response', 'opened_in_error', 'other'],

  appliesTo: hasOpenInvestigation,

  load: async ({ sql, target, input }) => {
    // Under the shipment's lock, as opening is: an open and a close cannot cross.
    const { shipment } = await lockShipment(sql, target);
    const [open] = await withSqlText(sql)<ShipmentInvestigation>`
      SELECT ${shipmentInvestigationColumns()} FROM shipment_investigations WHERE shipment_id = ${shipment.id} AND status = 'open' FOR UPDATE`;
    if (!hasOpenInvestigation({ openInvestigationId: open?.id ?? null })) {
      throw actionRefused('no_open_investigation', `Shipment ${shipment.id} has no open investigation to close.`);
    }
    if (input.investigationId !== undefined && input.investigationId !== open.id) {
      throw actionRefused('investigation_not_open', `Investigation ${input.investigationId} is not open on shipment ${shipment.id}; its open one is ${open.id}.`);
    }
    return { shipment, investigation: open };
  },

  run: async (ctx) => {
    const { shipment, investigation: before } = ctx.state;
    const after: ShipmentInvestigation = { ...before, status: 'closed', closedAt: ctx.now, closedBy: ctx.actor.operatorId, resolution: ctx.input.resolution };
    ctx.send`UPDATE shipment_investigations SET status = 'closed'::"ShipmentInvestigationStatus", closed_at = ${ctx.now}, closed_by = ${ctx.actor.operatorId},
      resolution = ${ctx.input.resolution}::"ShipmentInvestigationResolution" WHERE id = ${before.id}`;
    ctx.changed({ entityType: 'shipment_investigation', entityId: String(before.id), before, after });
    ctx.emit({
      name: 'ShipmentInvestigationClosed', entityType: 'shipment', entityId: String(shipment.id),
      payload: { shipmentId: shipment.id, investigationId: before.id, kind: before.kind, resolution: ctx.input.resolution, note: ctx.note },
    });
    return { shipmentId: shipment.id, investigationId: before.id, status: after.status, resolution: ctx.input.resolution, closedAt: ctx.now.toISOString() };
  },
});
