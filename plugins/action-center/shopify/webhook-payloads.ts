// The least each ingested topic's payload must carry; anything else in Shopify's payloads passes
// through (they grow with API versions). A signed payload without these is a 422, never a 500.
import { z } from 'zod/v4';

const id = z.union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)]);
const time = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date-time');

const order = z.looseObject({
  id, name: z.string().min(1).max(64), currency: z.string().length(3), total_price: z.union([z.string(), z.number()]),
  created_at: time, updated_at: time,
});
const fulfillment = z.looseObject({ id, order_id: id, status: z.string().min(1).max(32), created_at: time });
const refund = z.looseObject({ id, order_id: id, created_at: time, transactions: z.array(z.looseObject({ amount: z.union([z.string(), z.number()]) })).optional() });

export function payloadSchema(topic: string): z.ZodType {
  if (topic.startsWith('orders/')) return order;
  if (topic.startsWith('fulfillments/')) return fulfillment;
  return refund;
}
