// The marketplace's backoffice: every model as a generated resource, grouped by console.
// Configuration only. Tables that grow with order volume are `isLarge` (estimated totals, keyset
// paging) and sort only by indexed, non-null columns (`sortable`).
import type { ResourceDefinition } from '../../src/platform/plugin.js';

const list = (listProperties: string[], filterProperties: string[] = listProperties) => ({ listProperties, filterProperties });

export const marketplaceResources: ResourceDefinition[] = [
  // Orders
  {
    model: 'Checkout', navigation: 'Orders', isLarge: true,
    options: list(['id', 'buyerUser', 'buyerOrg', 'totalAmount', 'currency', 'status', 'createdAt'], ['id', 'buyerUser', 'buyerOrg', 'status']),
  },
  {
    model: 'Order', navigation: 'Orders', isLarge: true, sortable: ['createdAt'],
    options: list(['id', 'checkout', 'sellerOrg', 'buyerUser', 'status', 'totalAmount', 'currency', 'createdAt'], ['id', 'checkout', 'sellerOrg', 'buyerUser', 'status']),
  },
  { model: 'OrderItem', navigation: 'Orders', isLarge: true, options: list(['id', 'order', 'listing', 'quantity', 'unitPriceAmount'], ['order', 'listing']) },
  { model: 'CustomerUser', navigation: 'Orders', isLarge: true, options: list(['id', 'email', 'name', 'organization', 'status', 'createdAt'], ['id', 'email', 'organization', 'status']) },
  { model: 'Organization', navigation: 'Orders', options: list(['id', 'name', 'kind', 'domain', 'status', 'frozenAt', 'createdAt'], ['id', 'name', 'kind', 'domain', 'status']) },
  // Shipping
  {
    model: 'Shipment', navigation: 'Shipping', isLarge: true,
    options: list(['id', 'order', 'carrier', 'trackingNumber', 'status', 'failureKind', 'labelCostAmount', 'shippingCreditAmount', 'createdAt'], ['id', 'order', 'trackingNumber', 'status', 'failureKind']),
  },
  // Payments
  {
    model: 'Payment', navigation: 'Payments', isLarge: true,
    options: list(['id', 'checkout', 'paymentIntentRef', 'chargeRef', 'amount', 'currency', 'status', 'createdAt'], ['id', 'checkout', 'paymentIntentRef', 'chargeRef', 'status']),
  },
  { model: 'PaymentAllocation', navigation: 'Payments', isLarge: true, options: list(['id', 'payment', 'order', 'amount'], ['payment', 'order']) },
  { model: 'Refund', navigation: 'Payments', isLarge: true, options: list(['id', 'order', 'payment', 'providerRef', 'amount', 'currency', 'status', 'reasonCode', 'createdAt'], ['order', 'providerRef', 'status']) },
  { model: 'Payout', navigation: 'Payments', options: list(['id', 'sellerOrg', 'amount', 'currency', 'status', 'scheduledFor', 'paidAt'], ['sellerOrg', 'status']) },
  { model: 'PayoutHold', navigation: 'Payments', options: list(['id', 'sellerOrg', 'payout', 'reason', 'placedByOperator', 'placedAt', 'releasedAt'], ['sellerOrg', 'payout']) },
  { model: 'LedgerEntry', navigation: 'Payments', isLarge: true, options: list(['id', 'org', 'order', 'kind', 'amount', 'currency', 'createdAt'], ['org', 'order', 'kind']) },
  // Disputes
  { model: 'Dispute', navigation: 'Disputes', options: list(['id', 'order', 'kind', 'status', 'slaDueAt', 'resolution', 'createdAt'], ['order', 'kind', 'status', 'slaDueAt']) },
  { model: 'DisputeEvidence', navigation: 'Disputes', options: list(['id', 'dispute', 'kind', 'description', 'isReceived', 'receivedAt'], ['dispute', 'kind', 'isReceived']) },
  // Risk
  { model: 'RiskFlag', navigation: 'Risk', options: list(['id', 'entityType', 'entityId', 'org', 'kind', 'severity', 'raisedAt', 'clearedAt'], ['entityType', 'entityId', 'org', 'severity']) },
  // Trust & Catalog
  { model: 'TrustCase', navigation: 'Trust & Catalog', options: list(['id', 'kind', 'status', 'subjectOrg', 'subjectUser', 'subjectListing', 'createdAt'], ['kind', 'status', 'subjectOrg']) },
  { model: 'Listing', navigation: 'Trust & Catalog', options: list(['id', 'title', 'sellerOrg', 'priceAmount', 'currency', 'status', 'takedownAt'], ['id', 'title', 'sellerOrg', 'status']) },
  { model: 'CatalogItem', navigation: 'Trust & Catalog', options: list(['id', 'sku', 'name', 'category', 'status'], ['sku', 'name', 'category', 'status']) },
  { model: 'CatalogChangeRequest', navigation: 'Trust & Catalog', options: list(['id', 'catalogItem', 'proposedByOrg', 'status', 'decidedAt', 'createdAt'], ['catalogItem', 'proposedByOrg', 'status']) },
  // Support
  { model: 'SupportCase', navigation: 'Support', options: list(['id', 'subject', 'status', 'priority', 'assignee', 'order', 'slaFirstResponseDueAt', 'updatedAt'], ['status', 'priority', 'assignee', 'order', 'organization']) },
  { model: 'SupportCaseNote', navigation: 'Support', options: list(['id', 'supportCase', 'author', 'body', 'createdAt'], ['supportCase', 'author']) },
];
