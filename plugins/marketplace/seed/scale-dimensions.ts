// Organizations, customer users, catalog items and listings for a bulk run, sized in proportion to
// the orders so that per-seller and per-buyer console pages look like a real marketplace. Each run
// adds its own dimension rows (append-only); the typed arrays are what the order generator needs.
import { RowBuffer, timestamp } from './copy-text.js';
import type { Random } from './random.js';
import type { Pools } from './scale-pools.js';

const DAY_MS = 86_400_000;

export type Dimensions = {
  sellerCount: number;
  userCount: number;
  firstUserId: number;
  /** Organization id of each user, indexed by userId - firstUserId. */
  userOrg: Int32Array;
  listingCount: number;
  firstListingId: number;
  /** Seller org id and price of each listing, indexed by listingId - firstListingId. */
  listingSeller: Int32Array;
  listingPrice: Int32Array;
  /** Each seller's listings are one contiguous id block: [start, start + count). */
  sellerListingStart: Map<number, number>;
  sellerListingCount: Map<number, number>;
};

export const DIMENSION_TABLES = {
  organizations: ['id', 'kind', 'name', 'domain', 'status', 'created_at'],
  customer_users: ['id', 'email', 'name', 'phone', 'organization_id', 'status', 'created_at'],
  catalog_items: ['id', 'sku', 'name', 'category', 'status', 'created_at'],
  listings: ['id', 'seller_org_id', 'title', 'price_amount', 'currency', 'status', 'takedown_at',
    'takedown_reason', 'catalog_item_id', 'created_at'],
} as const;

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(max, Math.round(value)));

export function dimensionSizes(orders: number) {
  return {
    sellers: clamp(orders / 2000, 8, 20_000),
    buyerOrgs: clamp(orders / 200, 10, 100_000),
    users: clamp(orders / 20, 20, 500_000),
    catalogItems: clamp(orders / 100, 20, 100_000),
    listings: clamp(orders / 20, 40, 1_000_000),
  };
}

export function generateDimensions({ rng, pools, orders, firstIds, nowMs }: {
  rng: Random;
  pools: Pools;
  orders: number;
  firstIds: { organizations: number; customer_users: number; catalog_items: number; listings: number };
  nowMs: number;
}): { buffers: RowBuffer[]; dimensions: Dimensions } {
  const size = dimensionSizes(orders);
  const buffer = (table: keyof typeof DIMENSION_TABLES) =>
    new RowBuffer({ table, columns: DIMENSION_TABLES[table] });
  const orgs = buffer('organizations');
  const users = buffer('customer_users');
  const items = buffer('catalog_items');
  const listings = buffer('listings');
  const pastMs = (maxDays: number) => nowMs - Math.floor(rng.next() * maxDays * DAY_MS);

  // ---- organizations: sellers first, then buyers, so each kind is a contiguous id range
  const firstSeller = firstIds.organizations;
  const firstBuyerOrg = firstSeller + size.sellers;
  for (let i = 0; i < size.sellers + size.buyerOrgs; i++) {
    const id = firstSeller + i;
    const name = rng.pick(pools.companyNames);
    const status = rng.chance(0.01) ? 'closed' : 'active';
    orgs.push([id, i < size.sellers ? 'seller' : 'buyer', name, `${rng.pick(pools.slugs)}-${id}.example.com`,
      status, timestamp(pastMs(1100))]);
  }

  // ---- customer users; the id in the address keeps emails unique across runs
  const userOrg = new Int32Array(size.users);
  for (let i = 0; i < size.users; i++) {
    const id = firstIds.customer_users + i;
    const first = rng.pick(pools.firstNames);
    const last = rng.pick(pools.lastNames);
    const org = firstBuyerOrg + rng.int(0, size.buyerOrgs - 1);
    userOrg[i] = org;
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    const phone = rng.chance(0.7) ? `+1555${String(rng.int(0, 9_999_999)).padStart(7, '0')}` : null;
    users.push([id, `${local}.${id}@${rng.pick(pools.slugs)}.example`, `${first} ${last}`, phone, org,
      rng.chance(0.005) ? 'suspended' : 'active', timestamp(pastMs(1000))]);
  }

  // ---- catalog items
  for (let i = 0; i < size.catalogItems; i++) {
    const id = firstIds.catalog_items + i;
    items.push([id, `SKU-${id.toString(36).toUpperCase().padStart(7, '0')}`, rng.pick(pools.productNames),
      rng.pick(pools.categories), rng.chance(0.03) ? 'deprecated' : 'active', timestamp(pastMs(1100))]);
  }

  // ---- listings in one id block per seller; skewed block sizes give big and small sellers
  const weights = Array.from({ length: size.sellers }, () => rng.next() ** 3 + 0.02);
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const listingSeller = new Int32Array(size.listings);
  const listingPrice = new Int32Array(size.listings);
  const sellerListingStart = new Map<number, number>();
  const sellerListingCount = new Map<number, number>();
  let index = 0;
  for (let s = 0; s < size.sellers; s++) {
    const remainingSellers = size.sellers - s - 1;
    const share = Math.max(1, Math.floor((weights[s] / weightSum) * size.listings));
    const count = s === size.sellers - 1 ? size.listings - index : Math.min(share, size.listings - index - remainingSellers);
    const seller = firstSeller + s;
    sellerListingStart.set(seller, firstIds.listings + index);
    sellerListingCount.set(seller, count);
    for (let k = 0; k < count; k++, index++) {
      const id = firstIds.listings + index;
      // Log-uniform prices between $3 and $800 in cents.
      const price = Math.round(300 * Math.exp(rng.next() * Math.log(800 / 3)));
      listingSeller[index] = seller;
      listingPrice[index] = price;
      const roll = rng.next();
      const status = roll < 0.9 ? 'active' : roll < 0.95 ? 'sold_out' : roll < 0.98 ? 'draft' : 'taken_down';
      const isTakenDown = status === 'taken_down';
      const catalogItem = rng.chance(0.7) ? firstIds.catalog_items + rng.int(0, size.catalogItems - 1) : null;
      listings.push([id, seller, rng.pick(pools.productNames), price, 'USD', status,
        isTakenDown ? timestamp(pastMs(200)) : null, isTakenDown ? 'prohibited_item' : null,
        catalogItem, timestamp(pastMs(900))]);
    }
  }

  return {
    buffers: [orgs, users, items, listings],
    dimensions: {
      sellerCount: size.sellers,
      userCount: size.users,
      firstUserId: firstIds.customer_users,
      userOrg,
      listingCount: size.listings,
      firstListingId: firstIds.listings,
      listingSeller,
      listingPrice,
      sellerListingStart,
      sellerListingCount,
    },
  };
}
