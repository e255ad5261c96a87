// Small pools of realistic strings, built once with faker and then picked by the fast PRNG. Every
// string is escaped for COPY here, so the per-row path never escapes anything.
import { Faker, base, en } from '@faker-js/faker';
import { escapeCopy } from './copy-text.js';

export type Pools = {
  firstNames: string[];
  lastNames: string[];
  companyNames: string[];
  /** Lower-case, dot-free tokens usable in email local parts and domains. */
  slugs: string[];
  productNames: string[];
  categories: string[];
  /** 16-char alphanumeric tails that make provider refs look like Stripe's; the id keeps them unique. */
  refTails: string[];
};

const POOL_SIZE = 2000;

export function buildPools(seed: number): Pools {
  // A private Faker instance: seeding the shared one would disturb anyone else using it.
  const faker = new Faker({ locale: [en, base], seed });
  const many = (make: () => string, size = POOL_SIZE) =>
    Array.from({ length: size }, () => escapeCopy(make()));
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'co';
  return {
    firstNames: many(() => faker.person.firstName()),
    lastNames: many(() => faker.person.lastName()),
    companyNames: many(() => faker.company.name()),
    slugs: many(() => slug(faker.word.noun())),
    productNames: many(() => faker.commerce.productName()),
    categories: many(() => faker.commerce.department(), 40),
    refTails: many(() => faker.string.alphanumeric(16), 4096),
  };
}
