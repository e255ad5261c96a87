// Demo organizations, customer users, catalog and listings: a dozen sellers with their shops, a few
// dozen buyer companies, and the containment cases the risk and trust consoles should show (one
// frozen seller, a closed buyer, a few listings taken down).
import type { Faker } from '@faker-js/faker';
import type { Prisma } from '@prisma/client';
import type { IdAllocator } from './demo-ids.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type DemoParties = {
  organizations: Prisma.OrganizationCreateManyInput[];
  customerUsers: Prisma.CustomerUserCreateManyInput[];
  catalogItems: Prisma.CatalogItemCreateManyInput[];
  listings: Prisma.ListingCreateManyInput[];
  sellerIds: number[];
  buyerUserIds: number[];
  frozenSellerId: number;
};

const CATEGORIES = ['Trading cards', 'Graded cards', 'Sealed boxes', 'Comics', 'Figures', 'Supplies'] as const;
const TAKEDOWN_REASONS = [
  'Counterfeit item reported by rights holder',
  'Prohibited item: replica presented as authentic',
  'Listing photos taken from another seller',
  'Price manipulation pattern with linked accounts',
] as const;

export function buildDemoParties({ faker, ids, operatorIds, nowMs }: {
  faker: Faker;
  ids: IdAllocator;
  operatorIds: number[];
  nowMs: number;
}): DemoParties {
  const ago = (maxDays: number, minDays = 0) =>
    new Date(nowMs - faker.number.int({ min: minDays * DAY_MS, max: maxDays * DAY_MS }));
  // Draws from faker even without operators, so the rest of the data does not depend on them.
  const operator = () => {
    const draw = faker.number.int(1_000_000);
    return operatorIds.length > 0 ? operatorIds[draw % operatorIds.length] : null;
  };

  // ---- organizations
  const organizations: Prisma.OrganizationCreateManyInput[] = [];
  const addOrg = (kind: 'buyer' | 'seller') => {
    const name = faker.company.name();
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const org = { id: ids.next('organizations'), kind, name, domain: `${slug}.example.com`, createdAt: ago(900, 120) };
    organizations.push(org);
    return org;
  };
  const sellers = Array.from({ length: 12 }, () => addOrg('seller'));
  const buyers = Array.from({ length: 20 }, () => addOrg('buyer'));
  const frozen = sellers[3];
  Object.assign(frozen, {
    status: 'frozen', frozenAt: ago(6, 2), frozenBy: operator(),
    freezeReason: 'Chargeback rate 9% over 30 days; payouts held pending review',
  });
  Object.assign(buyers[7], { status: 'closed' });

  // ---- customer users: two or three per buyer company, one staff account per seller
  const customerUsers: Prisma.CustomerUserCreateManyInput[] = [];
  const emails = new Set<string>();
  const addUser = (org: { id?: number; domain?: string | null }) => {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    let local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
    while (emails.has(`${local}@${org.domain}`)) local += faker.number.int(9);
    const email = `${local}@${org.domain}`;
    emails.add(email);
    const user = {
      id: ids.next('customer_users'), email, name: `${firstName} ${lastName}`,
      phone: faker.datatype.boolean(0.7) ? `+1555${faker.string.numeric(7)}` : null,
      organizationId: org.id!, createdAt: ago(700, 30),
    };
    customerUsers.push(user);
    return user;
  };
  const buyerUsers = buyers.flatMap((org, i) => Array.from({ length: i % 5 === 0 ? 3 : 2 }, () => addUser(org)));
  while (buyerUsers.length < 48) buyerUsers.push(addUser(faker.helpers.arrayElement(buyers)));
  sellers.forEach((org) => addUser(org));
  Object.assign(buyerUsers[11], { status: 'suspended' });

  // ---- catalog
  const skus = new Set<string>();
  const catalogItems: Prisma.CatalogItemCreateManyInput[] = Array.from({ length: 30 }, (_, i) => {
    let sku: string;
    do sku = `CS-${faker.string.alphanumeric({ length: 6, casing: 'upper' })}`; while (skus.has(sku));
    skus.add(sku);
    return {
      id: ids.next('catalog_items'), sku, name: faker.commerce.productName(),
      category: faker.helpers.arrayElement(CATEGORIES), status: i % 13 === 12 ? 'deprecated' : 'active',
      createdAt: ago(800, 200),
    };
  });

  // ---- listings: mostly active, a few drafts, sold out and taken down
  const listings: Prisma.ListingCreateManyInput[] = Array.from({ length: 80 }, (_, i) => {
    const item = faker.datatype.boolean(0.75) ? faker.helpers.arrayElement(catalogItems) : null;
    const status = i % 20 === 7 ? 'taken_down' : i % 16 === 5 ? 'draft' : i % 19 === 3 ? 'sold_out' : 'active';
    const listing: Prisma.ListingCreateManyInput = {
      id: ids.next('listings'), sellerOrgId: sellers[i % sellers.length].id,
      title: item ? `${item.name} - ${faker.helpers.arrayElement(['Near mint', 'Graded 9', 'Sealed', 'Lot of 3'])}` : faker.commerce.productName(),
      priceAmount: faker.number.int({ min: 5, max: 600 }) * 100 - 1, currency: 'USD', status,
      catalogItemId: item?.id ?? null, createdAt: ago(365, 20),
    };
    if (status === 'taken_down') {
      Object.assign(listing, { takedownAt: ago(15, 1), takedownBy: operator(), takedownReason: faker.helpers.arrayElement(TAKEDOWN_REASONS) });
    }
    return listing;
  });

  return {
    organizations, customerUsers, catalogItems, listings,
    sellerIds: sellers.map((org) => org.id),
    buyerUserIds: buyerUsers.map((user) => user.id),
    frozenSellerId: frozen.id,
  };
}
