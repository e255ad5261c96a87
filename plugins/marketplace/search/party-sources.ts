// Customer users by id or email, organizations by id or name, listings by id. An address's start is
// a prefix on its unique btree; the other partial matches (an email or a name containing a word)
// use the trigram indexes of migration
// 20261122110200_search; both tables are dimensions (about 500,000 and 55,000 rows at 10 million
// orders), never the order-sized ones.
import type { SearchSource } from '../../../src/search/search-types.js';
import { email, emailFragment, emailStart, integerId, text } from '../../../src/search/identifier-shapes.js';
import { day, line, money, rowOf } from './present.js';
import { related } from './order-sources.js';

export const customerUserSource: SearchSource = {
  type: 'customer_user',
  model: 'CustomerUser',
  label: 'Customers',
  identifiers: [
    { name: 'id', field: 'id', shape: integerId },
    { name: 'email', field: 'email', shape: email, partial: 'prefix', partialShape: emailStart },
    { name: 'email', field: 'email', partial: 'contains', partialShape: emailFragment },
  ],
  present: (row) => ({ title: String(row.email), summary: line(row.name, row.status, `org #${String(row.organizationId)}`) }),
  include: { organization: true },
  related: (row) => related('organization', 'organization', rowOf(row.organization)),
};

export const organizationSource: SearchSource = {
  type: 'organization',
  model: 'Organization',
  label: 'Organizations',
  identifiers: [
    { name: 'id', field: 'id', shape: integerId },
    { name: 'name', field: 'name', partial: 'contains', partialShape: text },
  ],
  present: (row) => ({ title: String(row.name), summary: line(row.kind, row.status, row.domain) }),
};

export const listingSource: SearchSource = {
  type: 'listing',
  model: 'Listing',
  label: 'Listings',
  identifiers: [{ name: 'id', field: 'id', shape: integerId }],
  present: (row) => ({ title: String(row.title), summary: line(`#${String(row.id)}`, row.status, money(row.priceAmount, row.currency), `seller org #${String(row.sellerOrgId)}`) }),
  include: { sellerOrg: true },
  related: (row) => related('seller', 'organization', rowOf(row.sellerOrg)),
};

export const supportCaseSource: SearchSource = {
  type: 'support_case',
  model: 'SupportCase',
  label: 'Support cases',
  identifiers: [{ name: 'id', field: 'id', shape: integerId }],
  present: (row) => ({ title: `Case #${String(row.id)}: ${String(row.subject)}`, summary: line(row.status, row.priority, day(row.createdAt)) }),
  include: { order: true, organization: true, customerUser: true },
  related: (row) => [
    ...related('order', 'order', rowOf(row.order)),
    ...related('organization', 'organization', rowOf(row.organization)),
    ...related('customer', 'customer_user', rowOf(row.customerUser)),
  ],
};

export const disputeSource: SearchSource = {
  type: 'dispute',
  model: 'Dispute',
  label: 'Disputes',
  identifiers: [{ name: 'id', field: 'id', shape: integerId }],
  present: (row) => ({ title: `Dispute #${String(row.id)}`, summary: line(row.kind, row.status, `order #${String(row.orderId)}`, `due ${day(row.slaDueAt)}`) }),
  include: { order: true },
  related: (row) => related('order', 'order', rowOf(row.order)),
};
