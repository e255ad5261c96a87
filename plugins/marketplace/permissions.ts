// The marketplace's permission keys (reads per console, the two backoffice writes, and the keys of
// the policy-gated actions the action runner will declare) and which seeded roles get each one
// when the roles are first created. Super Admin and Platform admin get every key without being
// listed. docs/rbac-matrix.md shows the result next to the core's keys.
import type { SeedRoleKey } from '../../src/rbac/seed-roles.js';

export const MARKETPLACE_PERMISSIONS = {
  // ---- reads, one per console
  'order.read': 'See checkouts, orders and their items',
  'shipment.read': 'See shipments, tracking and label costs',
  'payment.read': 'See payments, allocations and refunds',
  'payout.read': 'See seller payouts and payout holds',
  'ledger.read': 'See ledger entries',
  'dispute.read': 'See disputes, claims and their evidence',
  'risk.read': 'See risk flags',
  'trust.read': 'See trust & safety cases',
  'catalog.read': 'See catalog items and catalog change requests',
  'listing.read': 'See listings',
  'customer.read': 'See customer users and organizations (personal data masked without pii.read)',
  'support_case.read': 'See support cases and their notes',
  // ---- backoffice writes
  'support_case.write': 'Open and update support cases; add notes',
  'support_case.reassign': 'Reassign support cases to another operator (leads)',
  'catalog.write': 'Create catalog items; deprecate and reactivate them',
  // ---- policy-gated actions (the action runner)
  'order.cancel': 'Cancel an order before it ships',
  'refund.issue': 'Issue a full or partial refund within the role limit',
  'refund.issue.over_limit': 'Issue a refund above the role limit',
  'shipment.update': 'Re-attempt label purchase, update shipment metadata, open an investigation',
  'shipment.investigate': 'Open a shipment investigation (lost, not received, address or label problems)',
  'shipment.investigation.close': 'Close a shipment investigation with its resolution',
  'dispute.resolve': 'Mark a claim or dispute resolved',
  'dispute.evidence': 'Request dispute evidence and record what arrived',
  'org.freeze': 'Freeze an organization',
  'org.unfreeze': 'Unfreeze an organization',
  'listing.takedown': 'Take a listing down',
  'listing.reinstate': 'Reinstate a taken-down listing',
  'payout.hold': 'Hold a payout or all of a seller\'s payouts',
  'payout.release': 'Release a payout hold',
  'risk_flag.manage': 'Raise and clear risk flags',
  'trust_case.manage': 'Work trust & safety cases',
  'user.suspend': 'Suspend or reactivate a customer user',
  'org.contain': 'Emergency containment: take down an organization\'s listings, freeze it and hold its payouts at once',
  'ledger.adjust': 'Post a manual ledger adjustment',
  'catalog.publish': 'Approve, reject and publish catalog change requests',
  'order.nonfulfilment': 'Run the seller non-fulfilment workflow\'s steps: warn the seller, then cancel, refund and strike (its system principal)',
} as const;

type MarketplacePermission = keyof typeof MARKETPLACE_PERMISSIONS;

/** Permission -> the seeded roles granted it (besides Super Admin and Platform admin). */
export const MARKETPLACE_SEED_GRANTS: Record<MarketplacePermission, SeedRoleKey[]> = {
  // ---- reads: Support Agent and Risk/Trust Agent "view all entities"; the others what their work touches
  'order.read': ['support_agent', 'risk_agent', 'finance_admin', 'support_tier_1', 'support_tier_2', 'support_admin', 'implementation_specialist', 'implementation_manager', 'client_success', 'hotline_operator', 'hotline_supervisor'],
  'shipment.read': ['support_agent', 'risk_agent', 'finance_admin', 'support_tier_1', 'support_tier_2', 'support_admin', 'client_success'],
  'payment.read': ['support_agent', 'risk_agent', 'finance_admin', 'support_tier_1', 'support_tier_2', 'support_admin'],
  'payout.read': ['support_agent', 'risk_agent', 'finance_admin', 'support_admin', 'client_success'],
  'ledger.read': ['support_agent', 'risk_agent', 'finance_admin', 'support_admin'],
  'dispute.read': ['support_agent', 'risk_agent', 'finance_admin', 'support_tier_1', 'support_tier_2', 'support_admin', 'client_success'],
  'risk.read': ['support_agent', 'risk_agent', 'finance_admin', 'support_admin'],
  'trust.read': ['support_agent', 'risk_agent', 'support_admin'],
  'catalog.read': ['support_agent', 'risk_agent', 'catalog_admin', 'support_tier_1', 'support_tier_2', 'support_admin', 'implementation_specialist', 'implementation_manager'],
  'listing.read': ['support_agent', 'risk_agent', 'catalog_admin', 'support_tier_1', 'support_tier_2', 'support_admin', 'implementation_specialist', 'implementation_manager', 'client_success'],
  'customer.read': ['support_agent', 'risk_agent', 'finance_admin', 'catalog_admin', 'support_tier_1', 'support_tier_2', 'support_admin', 'implementation_specialist', 'implementation_manager', 'client_success', 'hotline_operator', 'hotline_supervisor'],
  'support_case.read': ['support_agent', 'risk_agent', 'support_tier_1', 'support_tier_2', 'support_admin', 'implementation_manager', 'client_success', 'hotline_operator', 'hotline_supervisor'],
  // ---- writes
  'support_case.write': ['support_agent', 'support_tier_2', 'support_admin', 'implementation_manager', 'hotline_operator', 'hotline_supervisor'],
  'catalog.write': ['catalog_admin', 'implementation_specialist', 'implementation_manager'],
  // Leads balance the queue: seed 003's roles with assignment in their description.
  'support_case.reassign': ['support_admin', 'implementation_manager', 'hotline_supervisor'],
  // ---- actions
  'order.cancel': ['support_agent', 'support_tier_2', 'support_admin'],
  'refund.issue': ['support_agent', 'finance_admin', 'support_admin'],
  'refund.issue.over_limit': ['finance_admin', 'support_admin'],
  'shipment.update': ['support_agent', 'support_tier_2', 'support_admin'],
  // Risk agents open investigations too: delivered-but-not-received is often where fraud shows.
  'shipment.investigate': ['support_agent', 'support_tier_2', 'support_admin', 'risk_agent'],
  // Who may open one may close it.
  'shipment.investigation.close': ['support_agent', 'support_tier_2', 'support_admin', 'risk_agent'],
  'dispute.resolve': ['risk_agent', 'support_admin'],
  'dispute.evidence': ['support_agent', 'risk_agent', 'support_tier_2', 'support_admin'],
  'org.freeze': ['risk_agent'],
  'org.unfreeze': ['risk_agent'],
  'listing.takedown': ['risk_agent'],
  'listing.reinstate': ['risk_agent'],
  'payout.hold': ['risk_agent', 'finance_admin'],
  'payout.release': ['risk_agent', 'finance_admin'],
  'risk_flag.manage': ['risk_agent'],
  'trust_case.manage': ['risk_agent'],
  'user.suspend': ['risk_agent', 'support_admin'],
  'org.contain': ['risk_agent'],
  'ledger.adjust': ['finance_admin'],
  'catalog.publish': ['catalog_admin'],
  // The workflow's own: its system principal holds it (plugins/marketplace/index.ts); people only as administrators.
  'order.nonfulfilment': [],
};
