// shipment.update_metadata: corrects a shipment's carrier, tracking number or address note (e.g. the
// seller bought the label outside the platform, or support learnt the buzzer code). Audited with
// the shipment before and after; a tracking number already on another shipment is refused, and a
// delivered or returned shipment keeps its carrier and tracking (they are the delivery's record).
import type { Shipment } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { isShipmentDone, lockShipment } from './shipment-support.js';

const input = z.strictObject({
  carrier: z.string().regex(/^[a-z0-9_-]{2,32}$/, 'a carrier code in lower case, e.g. ups').optional(),
  trackingNumber: z.string().regex(/^[A-Z0-9]{8,40}$/, '8 to 40 capital letters and digits').optional(),
  addressNote: z.string().trim().min(1).max(500).nullable().optional(),
}).refine((v) => v.carrier !== undefined || v.trackingNumber !== undefined || v.addressNote !== undefined, 'give at least one of carrier, trackingNumber, addressNote');

type Changes = Partial<Pick<Shipment, 'carrier' | 'trackingNumber' | 'addressNote'>>;

export const shipmentUpdateMetadataAction = defineAction({
  id: 'shipment.update_metadata',
  title: 'Update shipment metadata',
  description: 'Correct the carrier, the tracking number or the address note of a shipment.',
  permission: 'shipment.update',
  target: 'shipment',
  input,
  reasonCodes: ['seller_correction', 'carrier_correction', 'buyer_request', 'data_fix'],

  load: async ({ sql, target, input: wanted }) => {
    const { shipment } = await lockShipment(sql, target);
    const changes: Changes = {};
    if (wanted.carrier !== undefined && wanted.carrier !== shipment.carrier) changes.carrier = wanted.carrier;
    if (wanted.trackingNumber !== undefined && wanted.trackingNumber !== shipment.trackingNumber) changes.trackingNumber = wanted.trackingNumber;
    if (wanted.addressNote !== undefined && wanted.addressNote !== shipment.addressNote) changes.addressNote = wanted.addressNote;
    if (Object.keys(changes).length === 0) throw actionRefused('nothing_to_change', `Shipment ${shipment.id} already has these values.`);
    if (isShipmentDone(shipment) && (changes.carrier !== undefined || changes.trackingNumber !== undefined)) {
      throw actionRefused('shipment_done', `Shipment ${shipment.id} is ${shipment.status}; its carrier and tracking number are the delivery's record.`);
    }
    if (changes.trackingNumber !== undefined) {
      const [other] = await sql<{ id: number }>`SELECT id FROM shipments WHERE tracking_number = ${changes.trackingNumber} AND id <> ${shipment.id}`;
      if (other) throw actionRefused('tracking_number_taken', `Tracking number ${changes.trackingNumber} belongs to shipment ${other.id}.`);
    }
    return { shipment, changes };
  },

  run: async (ctx) => {
    const { shipment: before, changes } = ctx.state;
    const after: Shipment = { ...before, ...changes };
    // One statement whatever changed: unchanged columns are written back as they were (locked: no one else changed them).
    ctx.send`UPDATE shipments SET carrier = ${after.carrier}, tracking_number = ${after.trackingNumber}, address_note = ${after.addressNote} WHERE id = ${before.id}`;
    ctx.changed({ entityType: 'shipment', entityId: String(before.id), before, after });
    ctx.emit({ name: 'ShipmentMetadataUpdated', entityType: 'shipment', entityId: String(before.id), payload: { shipmentId: before.id, fields: Object.keys(changes) } });
    return { shipmentId: before.id, changed: Object.keys(changes), carrier: after.carrier, trackingNumber: after.trackingNumber, addressNote: after.addressNote };
  },
});
