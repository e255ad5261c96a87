// Notifications to an order's two parties, queued in the action's transaction and sent by the
// outbox only after it commits. The buyer is the order's customer user; a seller organization has
// no mailbox of its own, so its oldest active staff account stands for it (the seed gives each
// seller one). No staff account: nobody to tell, which must not fail the action.
import type { Order } from '@prisma/client';
import type { StepContext } from './action-support.js';

export async function notifyOrderParties(
  ctx: Pick<StepContext, 'sql' | 'enqueue'>,
  { order, template, data, to = ['buyer', 'seller'] }: { order: Order; template: string; data: Record<string, unknown>; to?: readonly ('buyer' | 'seller')[] },
): Promise<void> {
  const [{ buyer, seller }] = await ctx.sql<{ buyer: string | null; seller: string | null }>`
    SELECT (SELECT email FROM customer_users WHERE id = ${order.buyerUserId}) AS buyer,
           (SELECT email FROM customer_users WHERE organization_id = ${order.sellerOrgId} AND status = 'active' ORDER BY id LIMIT 1) AS seller`;
  const common = { orderId: order.id, ...data };
  if (buyer !== null && to.includes('buyer')) ctx.enqueue({ kind: 'notify', payload: { recipient: buyer, template: `${template}.buyer`, data: common } });
  if (seller !== null && to.includes('seller')) {
    ctx.enqueue({ kind: 'notify', payload: { recipient: seller, template: `${template}.seller`, data: { ...common, sellerOrgId: order.sellerOrgId } } });
  }
}
