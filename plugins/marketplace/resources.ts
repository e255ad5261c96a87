// The marketplace's backoffice: every model as a generated resource, grouped by console.
// Configuration only. Tables that grow with order volume are `isLarge` (estimated totals, keyset
// paging) and sort only by indexed, non-null columns (`sortable`). A resource's `entityType` is the
// action target type of its records: every action targeting it becomes a button on its records
// (and, listed in `bulkActions`, an action on a selection of them).
import type { ResourceDefinition } from '../../src/platform/plugin.js';
import { supportCaseBreachedWhere } from './consoles/case-sla.js';

const list = (listProperties: string[], filterProperties: string[] = listProperties) => ({ listProperties, filterProperties });

// While an operator impersonates a customer user, these resources show the customer's organization
// only (src/impersonation/): the rows it owns by a column, or through a small table. The large
// tables reached only through orders (order items, shipments, payments, allocations, refunds) are
// not scoped: a relation filter there would scan millions of rows per page (docs/adr/0010).
const orderOfOrg = (orgId: number) => ({ OR: [{ sellerOrgId: orgId }, { checkout: { buyerOrgId: orgId } }] });

export const marketplaceResources: ResourceDefinition[] = [
  // Orders
  {
    model: 'Checkout', navigation: 'Orders', access: { read: 'order.read' }, isLarge: true, tenantScope: (orgId) => ({ buyerOrgId: orgId }),
    options: list(['id', 'buyerUser', 'buyerOrg', 'totalAmount', 'currency', 'status', 'createdAt'], ['id', 'buyerUser', 'buyerOrg', 'status']),
  },
  {
    model: 'Order', entityType: 'order', navigation: 'Orders', access: { read: 'order.read' }, isLarge: true, sortable: ['createdAt'], tenantScope: orderOfOrg,
    options: list(['id', 'checkout', 'sellerOrg', 'buyerUser', 'status', 'totalAmount', 'currency', 'createdAt'], ['id', 'checkout', 'sellerOrg', 'buyerUser', 'status']),
  },
  { model: 'OrderItem', navigation: 'Orders', access: { read: 'order.read' }, isLarge: true, options: list(['id', 'order', 'listing', 'quantity', 'unitPriceAmount'], ['order', 'listing']) },
  { model: 'CustomerUser', entityType: 'customer_user', tenantScope: (orgId) => ({ organizationId: orgId }), bulkActions: ['risk_flag.raise'], navigation: 'Orders', access: { read: 'customer.read' }, pii: { email: 'email', name: 'name', phone: 'phone' }, isLarge: true, options: list(['id', 'email', 'name', 'organization', 'status', 'createdAt'], ['id', 'email', 'organization', 'status']) },
  { model: 'Organization', entityType: 'organization', tenantScope: (orgId) => ({ id: orgId }), bulkActions: ['risk_flag.raise'], navigation: 'Orders', access: { read: 'customer.read' }, options: list(['id', 'name', 'kind', 'domain', 'status', 'frozenAt', 'createdAt'], ['id', 'name', 'kind', 'domain', 'status']) },
  // Shipping
  {
    model: 'Shipment', entityType: 'shipment', navigation: 'Shipping', access: { read: 'shipment.read' }, isLarge: true,
    options: list(['id', 'order', 'carrier', 'trackingNumber', 'status', 'failureKind', 'labelCostAmount', 'shippingCreditAmount', 'createdAt'], ['id', 'order', 'trackingNumber', 'status', 'failureKind']),
  },
  // Opened by shipment.open_investigation (plugins/marketplace/consoles/shipping-console.ts).
  { model: 'ShipmentInvestigation', navigation: 'Shipping', access: { read: 'shipment.read' }, options: list(['id', 'shipment', 'kind', 'status', 'reasonCode', 'openedByOperator', 'openedAt'], ['shipment', 'kind', 'status']) },
  // Payments
  {
    model: 'Payment', entityType: 'payment', navigation: 'Payments', access: { read: 'payment.read' }, isLarge: true,
    options: list(['id', 'checkout', 'paymentIntentRef', 'chargeRef', 'amount', 'currency', 'status', 'createdAt'], ['id', 'checkout', 'paymentIntentRef', 'chargeRef', 'status']),
  },
  { model: 'PaymentAllocation', navigation: 'Payments', access: { read: 'payment.read' }, isLarge: true, options: list(['id', 'payment', 'order', 'amount'], ['payment', 'order']) },
  { model: 'Refund', navigation: 'Payments', access: { read: 'payment.read' }, isLarge: true, options: list(['id', 'order', 'payment', 'providerRef', 'amount', 'currency', 'status', 'reasonCode', 'createdAt'], ['order', 'providerRef', 'status']) },
  { model: 'Payout', entityType: 'payout', tenantScope: (orgId) => ({ sellerOrgId: orgId }), bulkActions: ['payout.hold'], navigation: 'Payments', access: { read: 'payout.read' }, options: list(['id', 'sellerOrg', 'amount', 'currency', 'status', 'scheduledFor', 'paidAt'], ['sellerOrg', 'status']) },
  { model: 'PayoutHold', tenantScope: (orgId) => ({ sellerOrgId: orgId }), navigation: 'Payments', access: { read: 'payout.read' }, options: list(['id', 'sellerOrg', 'payout', 'reason', 'placedByOperator', 'placedAt', 'releasedAt'], ['sellerOrg', 'payout']) },
  { model: 'LedgerEntry', tenantScope: (orgId) => ({ orgId }), navigation: 'Payments', access: { read: 'ledger.read' }, isLarge: true, options: list(['id', 'org', 'order', 'kind', 'amount', 'currency', 'createdAt'], ['org', 'order', 'kind']) },
  // Disputes
  { model: 'Dispute', entityType: 'dispute', tenantScope: (orgId) => ({ order: orderOfOrg(orgId) }), navigation: 'Disputes', access: { read: 'dispute.read' }, options: list(['id', 'order', 'kind', 'status', 'slaDueAt', 'resolution', 'createdAt'], ['order', 'kind', 'status', 'slaDueAt']) },
  { model: 'DisputeEvidence', tenantScope: (orgId) => ({ dispute: { order: orderOfOrg(orgId) } }), navigation: 'Disputes', access: { read: 'dispute.read' }, options: list(['id', 'dispute', 'kind', 'description', 'isReceived', 'receivedAt'], ['dispute', 'kind', 'isReceived']) },
  // Risk
  { model: 'RiskFlag', entityType: 'risk_flag', tenantScope: (orgId) => ({ orgId }), bulkActions: ['risk_flag.clear'], navigation: 'Risk', access: { read: 'risk.read' }, options: list(['id', 'entityType', 'entityId', 'org', 'kind', 'severity', 'raisedAt', 'clearedAt'], ['entityType', 'entityId', 'org', 'severity']) },
  // Trust & Catalog
  { model: 'TrustCase', tenantScope: (orgId) => ({ subjectOrgId: orgId }), navigation: 'Trust & Catalog', access: { read: 'trust.read' }, options: list(['id', 'kind', 'status', 'subjectOrg', 'subjectUser', 'subjectListing', 'createdAt'], ['kind', 'status', 'subjectOrg']) },
  { model: 'Listing', entityType: 'listing', tenantScope: (orgId) => ({ sellerOrgId: orgId }), bulkActions: ['listing.takedown', 'risk_flag.raise'], navigation: 'Trust & Catalog', access: { read: 'listing.read' }, options: list(['id', 'title', 'sellerOrg', 'priceAmount', 'currency', 'status', 'takedownAt'], ['id', 'title', 'sellerOrg', 'status']) },
  {
    model: 'CatalogItem', navigation: 'Trust & Catalog', access: { read: 'catalog.read', create: 'catalog.write', write: 'catalog.write' },
    options: { ...list(['id', 'sku', 'name', 'category', 'status'], ['sku', 'name', 'category', 'status']), editProperties: ['sku', 'name', 'category', 'status'] },
  },
  { model: 'CatalogChangeRequest', tenantScope: (orgId) => ({ proposedByOrgId: orgId }), navigation: 'Trust & Catalog', access: { read: 'catalog.read' }, options: list(['id', 'catalogItem', 'proposedByOrg', 'status', 'decidedAt', 'createdAt'], ['catalogItem', 'proposedByOrg', 'status']) },
  // Support
  {
    // Opened, reassigned, noted and moved only through the case actions (case.*): their state
    // machine, SLA and audit trail; the form edits subject and priority only.
    model: 'SupportCase', entityType: 'support_case', navigation: 'Support', tenantScope: (orgId) => ({ organizationId: orgId }), access: { read: 'support_case.read', write: 'support_case.write' },
    // "open" is the dashboard's "past first-response SLA" figure (consoles/case-sla.ts); "yes" every case ever marked.
    virtualFilters: { slaBreached: { values: [{ value: 'open', label: 'Open and past first-response SLA' }, { value: 'yes', label: 'First response SLA breached' }, { value: 'no', label: 'Within SLA' }], where: (value) => (value === 'open' ? supportCaseBreachedWhere(new Date()) : value === 'yes' ? { slaBreachedAt: { not: null } } : value === 'no' ? { slaBreachedAt: null } : null) } },
    options: {
      ...list(['id', 'subject', 'status', 'priority', 'assignee', 'order', 'slaFirstResponseDueAt', 'slaBreachedAt', 'updatedAt'], ['slaBreached', 'status', 'priority', 'assignee', 'order', 'organization']),
      editProperties: ['subject', 'priority'],
    },
  },
  {
    // Notes are part of the audit trail: added, never edited or deleted; the author is whoever adds it.
    // Added through case.add_note (a button on the case), which audits the text and stamps the author.
    model: 'SupportCaseNote', navigation: 'Support', tenantScope: (orgId) => ({ supportCase: { organizationId: orgId } }), access: { read: 'support_case.read' },
    options: list(['id', 'supportCase', 'author', 'body', 'createdAt'], ['supportCase', 'author']),
  },
  // Which cases mention an entity: filter by type and id.
  { model: 'SupportCaseLink', navigation: 'Support', access: { read: 'support_case.read' }, options: list(['id', 'supportCase', 'entityType', 'entityId', 'createdAt'], ['supportCase', 'entityType', 'entityId']) },
  // Seller non-fulfilment (workflows/non-fulfilment-sweep.ts): the workflow's state and the strikes it records.
  { model: 'OrderNonFulfilment', navigation: 'Shipping', access: { read: 'order.read' }, options: list(['id', 'order', 'sellerOrgId', 'stage', 'notifiedAt', 'graceEndsAt', 'closedAt'], ['order', 'stage', 'sellerOrgId', 'graceEndsAt']) },
  { model: 'SellerStrike', navigation: 'Risk', tenantScope: (orgId) => ({ sellerOrgId: orgId }), access: { read: 'risk.read' }, options: list(['id', 'sellerOrg', 'order', 'reason', 'creator', 'createdAt'], ['sellerOrg', 'reason', 'createdAt']) },
];
