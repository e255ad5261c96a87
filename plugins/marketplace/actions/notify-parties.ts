// Notifications to an order's two parties, queued in the action's transaction and sent by the
// outbox only after it commits. The buyer is the order's customer user; a seller organization has
// no mailbox of its own, so its oldest active staff account stands for it (the seed gives each
// seller one). No staff account: nobody to tell, which must not fail the action.
import type { Order } from '@prisma/client';
import type { StepContext } from './action-support.js';

export async function notifyOrderParties(
  ctx: Pick<StepContext, 'tx' | 'enqueue'>,
  { order, template, data }: { order: Order; template: string; data: Record<string, unknown> },
): Promise<void> {
  const buyer = await ctx.tx.customerUser.findUnique({ where: { id: order.buyerUserId }, select: { email: true } });
  const seller = await ctx.tx.customerUser.findFirst({
    where: { organizationId: order.sellerOrgId, status: 'active' }, orderBy: { id: 'asc' }, select: { email: true },
  });
  const common = { orderId: order.id, ...data };
  if (buyer) ctx.enqueue({ kind: 'notify', payload: { recipient: buyer.email, template: `${template}.buyer`, data: common } });
  if (seller) {
    ctx.enqueue({ kind: 'notify', payload: { recipient: seller.email, template: `${template}.seller`, data: { ...common, sellerOrgId: order.sellerOrgId } } });
  }
}
