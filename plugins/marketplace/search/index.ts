// The marketplace's entities in the omnibox (src/search/), in the order their exact matches are
// listed. There are no bids in the schema (seed 000 names them; no table holds them yet), so no
// bid source: one is a file like these once a Bid model exists.
import type { SearchSource } from '../../../src/search/search-types.js';
import { checkoutSource, orderSource } from './order-sources.js';
import { paymentSource, refundSource, shipmentSource } from './payment-sources.js';
import { customerUserSource, disputeSource, listingSource, organizationSource, supportCaseSource } from './party-sources.js';

export const marketplaceSearch: SearchSource[] = [
  orderSource,
  checkoutSource,
  shipmentSource,
  paymentSource,
  refundSource,
  customerUserSource,
  organizationSource,
  listingSource,
  supportCaseSource,
  disputeSource,
];
