// order.refund: a full or partial refund of an order's captured payments. Within the actor's role
// limit it runs at once; above it a holder of refund.issue.over_limit must approve (seed 000: a
// Support Agent refunds up to $100 without escalation). The amount is worked out in `load`, so an
// absent amount ("everything left") is judged against the limit like an explicit one.
import type { Order } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction, type ActionContext } from '../../../src/actions/define-action.js';
import { isRefundableOrder } from './action-applicability.js';
import type { RoleLimits } from '../../../src/platform/plugin.js';
import { formatMoney } from './action-support.js';
import { notifyOrderParties } from './notify-parties.js';
import { issueRefund, lockOrderForRefund, type RefundPlan } from './refund-money.js';

export const ORDER_REFUND_ACTION_ID = 'order.refund';

/** Limits seeded into roles (then role data, editable): minor units per currency. */
export const REFUND_SEED_LIMITS = { support_agent: { USD: 10_000 } } as const satisfies Record<string, RoleLimits[string]>;

const input = z.strictObject({
  amount: z.strictObject({
    amount: z.number().int().positive().max(2_147_483_647),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals, e.g. USD'),
  }).optional(),
});

type RefundState = { plan: RefundPlan; amount: number; currency: string };
// Spelled out: the policy precedes `load`, so TypeScript cannot infer the state from it here.
type PolicyContext = ActionContext<z.infer<typeof input>> & { state: RefundState };

export const orderRefundAction = defineAction({
  id: ORDER_REFUND_ACTION_ID,
  title: 'Refund order',
  description: 'Refund all or part of what the buyer paid for an order. Without an amount, refunds everything still refundable.',
  permission: 'refund.issue',
  // Kill switch: src/flags/flag-catalog.ts, plugins/marketplace/flags.ts.
  flag: 'marketplace.refunds',
  target: 'order',
  input,
  reasonCodes: ['item_not_received', 'item_damaged', 'not_as_described', 'duplicate_charge', 'goodwill_gesture', 'seller_non_fulfillment'],
  policy: {
    approval: {
      approvals: 1,
      approverPermission: 'refund.issue.over_limit',
      when: async (ctx: PolicyContext) => {
        if (ctx.actor.permissions.includes('refund.issue.over_limit')) return null;
        const { amount, currency } = ctx.state;
        const limit = await ctx.limit(currency);
        return amount > limit
          ? { reason: `refund of ${formatMoney(amount, currency)} is above your limit of ${formatMoney(limit, currency)}` }
          : null;
      },
    },
    limits: {
      description: 'Per-role refund limit in minor units per currency (role data); above it, refund.issue.over_limit approves or runs.',
      seeded: REFUND_SEED_LIMITS,
    },
  },

  appliesTo: isRefundableOrder,

  load: async ({ sql, target, input: { amount } }) => {
    const plan = await lockOrderForRefund(sql, target);
    const { order } = plan;
    if (amount && amount.currency !== order.currency) {
      throw actionRefused('currency_mismatch', `Order ${order.id} was paid in ${order.currency}, not ${amount.currency}.`);
    }
    if (plan.remaining === 0) throw actionRefused('nothing_to_refund', `Order ${order.id} has no captured payment left to refund.`);
    if (amount && amount.amount > plan.remaining) {
      throw actionRefused('refund_exceeds_remaining',
        `Only ${formatMoney(plan.remaining, order.currency)} of order ${order.id} is left to refund, not ${formatMoney(amount.amount, order.currency)}.`);
    }
    return { plan, amount: amount?.amount ?? plan.remaining, currency: order.currency } satisfies RefundState;
  },

  run: async (ctx) => {
    const { plan, amount, currency } = ctx.state;
    const remaining = plan.remaining - amount;
    // Fully refunded is a terminal state of its own; a cancelled order stays cancelled.
    const isNowRefunded = remaining === 0 && plan.order.status !== 'cancelled';
    // Independent statements, sent together (one round trip); the audit entries follow in a fixed
    // order below: the refund's, then the order's.
    const [refunds] = await Promise.all([
      issueRefund(ctx, { plan, amount }),
      isNowRefunded ? ctx.sql`UPDATE orders SET status = 'refunded'::"OrderStatus" WHERE id = ${plan.order.id}` : null,
      notifyOrderParties(ctx, { order: plan.order, template: 'refund_issued', data: { amount, currency, isFull: remaining === 0 } }),
    ]);
    let orderStatus = plan.order.status;
    if (isNowRefunded) {
      const after: Order = { ...plan.order, status: 'refunded' };
      ctx.changed({ entityType: 'order', entityId: String(after.id), before: plan.order, after });
      orderStatus = after.status;
    }
    return { orderId: plan.order.id, amount, currency, remaining, orderStatus, refunds };
  },
});
