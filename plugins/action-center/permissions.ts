// The Action Center's permission keys and which seeded roles get them when the roles are first
// created (Super Admin and Platform admin get every key anyway).
import type { SeedRoleKey } from '../../src/rbac/seed-roles.js';

export const ACTION_CENTER_PERMISSIONS = {
  'shopify_order.read': 'See cached Shopify orders, their context snapshots and order timelines',
  'shopify_order.refresh': 'Pull one Shopify order again through the Admin API into the cache',
  'ac_ticket.read': 'See Action Center tickets and their tasks',
  'ac_ticket.task': 'Create internal tasks and notes on Action Center tickets',
};

const SUPPORT: SeedRoleKey[] = ['support_agent', 'support_tier_1', 'support_tier_2', 'support_admin', 'hotline_operator', 'hotline_supervisor', 'client_success'];
const SUPPORT_WRITERS: SeedRoleKey[] = ['support_agent', 'support_tier_2', 'support_admin', 'hotline_operator', 'hotline_supervisor'];

export const ACTION_CENTER_SEED_GRANTS: Record<keyof typeof ACTION_CENTER_PERMISSIONS, SeedRoleKey[]> = {
  'shopify_order.read': SUPPORT,
  'shopify_order.refresh': ['support_tier_2', 'support_admin', 'support_agent'],
  'ac_ticket.read': SUPPORT,
  'ac_ticket.task': SUPPORT_WRITERS,
};
