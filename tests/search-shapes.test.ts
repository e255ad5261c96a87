// Shape recognition (src/search/identifier-shapes.ts, src/search/search-plan.ts): which lookups a
// query starts, with no database. What is not recognised is never looked up: that is what keeps
// each query to a few index probes.
import { buildSearchRegistry } from '../src/search/search-registry.js';
import { normalizeQuery, planLookups } from '../src/search/search-plan.js';
import { email, emailFragment, emailStart, integerId, prefixedRef, trackingNumber, trackingPrefix, uuid } from '../src/search/identifier-shapes.js';
import { buildRbacModel } from '../src/rbac/rbac-model.js';
// The reference deployment's marketplace alone: another pack's identifiers (the Action Center's #1001) are its own tests'.
import { marketplacePlugin } from '../plugins/marketplace/index.js';

const plugins = [marketplacePlugin];

const registry = buildSearchRegistry({ plugins, resources: buildRbacModel({ plugins }).resources, adminRootPath: '/admin' });
const plan = (q: string, canSeePii = true) =>
  planLookups({ query: normalizeQuery(q), sources: registry.sources, canSeePii }).map((l) => `${l.source.type}.${l.identifier.name}:${l.mode}=${String(l.value)}`);

describe('identifier shapes', () => {
  it('integer ids: digits within int4, an optional #', () => {
    expect(['1', '42', '#1234', '2147483647'].every(integerId.test)).toBe(true);
    expect(['0', '2147483648', '12a', '-5', '1.5', '', '12345678901'].some(integerId.test)).toBe(false);
    expect(integerId.value!('#0042')).toBe(42);
  });
  it('emails, whole or a fragment; compared lower case', () => {
    expect(email.test('Alice@Example.com')).toBe(true);
    expect(email.value!('Alice@Example.com')).toBe('alice@example.com');
    expect(['alice@', '@example.com', 'alice example.com', 'a@b'].some(email.test)).toBe(false);
    expect(emailFragment.test('flatley')).toBe(true);
    expect(['fl', 'two words', '12345', 'pi_abcdef', 'a@b.c'].some(emailFragment.test)).toBe(false);
    expect(emailStart.test('alice@')).toBe(true);
    expect(emailStart.test('alice@example.com')).toBe(true);
    expect(emailStart.test('alice')).toBe(false);
  });
  it('provider references by their prefix', () => {
    const pi = prefixedRef('pi_');
    expect(pi.test('pi_3MtwBwLkdIwHu7ix28a3tqPa')).toBe(true);
    expect(['pi_', 'pi_ab', 'ch_3MtwBwLkdIwHu7ix', 'pi_abc def', 'xpi_abcdef'].some(pi.test)).toBe(false);
  });
  it('tracking numbers: letters and digits, upper-cased, spaces dropped; prefixes from six characters', () => {
    expect(trackingNumber.test('1Z999AA10123456784')).toBe(true);
    expect(trackingNumber.value!('1z 999 aa1 0123 456 784')).toBe('1Z999AA10123456784');
    expect(['ABCDEFGHIJ', '1Z99', 'pi_12345678'].some(trackingNumber.test)).toBe(false);
    expect(trackingPrefix.test('1Z999A')).toBe(true);
    expect(trackingPrefix.test('1Z99')).toBe(false);
  });
  it('uuids', () => {
    expect(uuid.test('0b6c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d')).toBe(true);
    expect(uuid.test('0b6c1d2e-3f40-4a5b-8c6d')).toBe(false);
  });
});

describe('planning a query', () => {
  it('digits: every serial key exactly, and the tracking numbers they start', () => {
    expect(plan('#123')).toEqual([
      'order.id:exact=123', 'checkout.id:exact=123', 'customer_user.id:exact=123', 'organization.id:exact=123',
      'listing.id:exact=123', 'support_case.id:exact=123', 'dispute.id:exact=123', 'operator.id:exact=123',
    ]);
    expect(plan('9400000000000000000007')).toEqual(['shipment.tracking_number:exact=9400000000000000000007', 'shipment.tracking_number:prefix=9400000000000000000007']);
    expect(plan('1234567')).toContain('shipment.tracking_number:prefix=1234567');
  });
  it('a Stripe reference only touches its own column', () => {
    expect(plan(' pi_00047cfxYsBpvRGolBY19Y3T ')).toEqual(['payment.payment_intent:exact=pi_00047cfxYsBpvRGolBY19Y3T', 'payment.payment_intent:prefix=pi_00047cfxYsBpvRGolBY19Y3T']);
    expect(plan('ch_0004')).toEqual(['payment.charge:exact=ch_0004', 'payment.charge:prefix=ch_0004']);
    expect(plan('re_jbp5XGgt')).toEqual(['refund.refund_ref:exact=re_jbp5XGgt', 'refund.refund_ref:prefix=re_jbp5XGgt']);
  });
  it('an email: customers and operators exactly, and by fragment with pii.read only where it is personal data', () => {
    expect(plan('Monroe.Flatley.500060@formula.example')).toEqual([
      'customer_user.email:exact=monroe.flatley.500060@formula.example',
      'customer_user.email:prefix=monroe.flatley.500060@formula.example',
      'operator.email:exact=monroe.flatley.500060@formula.example',
      'operator.email:prefix=monroe.flatley.500060@formula.example',
    ]);
    // Typing an address: its start, on the unique btree.
    expect(plan('monroe.flatley@form')).toEqual(['customer_user.email:prefix=monroe.flatley@form', 'operator.email:prefix=monroe.flatley@form']);
    expect(plan('monroe.flatley@form', false)).toEqual(['operator.email:prefix=monroe.flatley@form']);
    // Customer emails are personal data (the resource's pii): no fishing by fragment without pii.read.
    expect(plan('flatley', false)).toEqual(['organization.name:contains=flatley', 'operator.email:contains=flatley']);
  });
  it('words: organization names; too short for a partial match: nothing', () => {
    expect(plan('Schneider Boyer', false)).toEqual(['organization.name:contains=Schneider Boyer']);
    expect(plan('ab')).toEqual([]);
    expect(normalizeQuery('  Acme \t  Corp ')).toBe('Acme Corp');
  });
});

describe('the registry', () => {
  it('refuses a source on a model no resource defines, and two sources of one type', () => {
    const resources = buildRbacModel({ plugins }).resources;
    const source = { type: 'bid', model: 'Bid', label: 'Bids', identifiers: [], present: () => ({ title: '', summary: '' }) };
    expect(() => buildSearchRegistry({ plugins: [{ id: 'x', resources: [], search: [source] }], resources, adminRootPath: '/admin' })).toThrow(/Bid, which no resource defines/);
    const twice = { ...source, type: 'order', model: 'Order' };
    expect(() => buildSearchRegistry({ plugins: [...plugins, { id: 'x', resources: [], search: [twice] }], resources, adminRootPath: '/admin' })).toThrow(/both claim type order/);
  });
});
