// Flags as code: the catalog refuses what would make a flag ambiguous or unreachable (the start
// fails), and the typed evaluation serves Unleash's answer when the client has one, the declared
// default otherwise.
import { buildFlagCatalog, checkActionFlags, defineFlags, PLATFORM_FLAGS, type FlagSpec } from '../src/flags/flag-catalog.js';
import { createFlagService, type FlagEvaluator } from '../src/flags/flag-service.js';
import { plugins } from '../plugins/index.js';

const killSwitch: FlagSpec = { type: 'kill-switch', default: true, description: 'A switch' };

describe('defineFlags and buildFlagCatalog', () => {
  it('holds the platform\'s flags and the installed plugins\', each once', () => {
    const catalog = buildFlagCatalog(plugins);
    expect([...catalog.keys()]).toEqual(expect.arrayContaining(['opsdeck.bulk-actions', 'opsdeck.impersonation', 'opsdeck.experiments-ingest', 'marketplace.refunds']));
    expect(catalog.get('marketplace.refunds')).toMatchObject({ type: 'kill-switch', default: true });
    // Every installed action names a declared flag, or none.
    expect(() => checkActionFlags(catalog, plugins.flatMap((p) => p.actions ?? []))).not.toThrow();
  });

  it.each([
    ['no namespace', 'refunds'],
    ['upper case', 'opsdeck.Bulk'],
    ['spaces', 'opsdeck.bulk actions'],
    ['an empty part', 'opsdeck..bulk'],
    ['too long', `opsdeck.${'x'.repeat(100)}`],
  ])('refuses a malformed key (%s)', (_why, key) => {
    expect(() => defineFlags({ [key]: killSwitch })).toThrow(/malformed/);
  });

  it('refuses an unknown type, a missing default or an empty description', () => {
    expect(() => defineFlags({ 'a.b': { ...killSwitch, type: 'permission' as never } })).toThrow(/type must be/);
    expect(() => defineFlags({ 'a.b': { ...killSwitch, default: undefined as never } })).toThrow(/default/);
    expect(() => defineFlags({ 'a.b': { ...killSwitch, description: ' ' } })).toThrow(/description/);
  });

  it('refuses a key declared twice, and a plugin flag outside its own namespace', () => {
    expect(() => buildFlagCatalog([{ id: 'shop', flags: { 'shop.x': killSwitch } }, { id: 'shop', flags: { 'shop.x': killSwitch } }])).toThrow(/declared twice/);
    expect(() => buildFlagCatalog([{ id: 'opsdeck', flags: { 'opsdeck.bulk-actions': killSwitch } }])).toThrow(/declared twice/);
    expect(() => buildFlagCatalog([{ id: 'shop', flags: { 'billing.x': killSwitch } }])).toThrow(/must be named shop\./);
  });

  it('refuses an action naming an undeclared flag', () => {
    const catalog = buildFlagCatalog([]);
    expect(() => checkActionFlags(catalog, [{ id: 'order.refund', flag: 'marketplace.refundz' }])).toThrow(/order.refund names flag marketplace.refundz/);
    expect(() => checkActionFlags(catalog, [{ id: 'x.y' }, { id: 'x.z', flag: 'opsdeck.bulk-actions' }])).not.toThrow();
  });
});

describe('flag service', () => {
  const catalog = buildFlagCatalog([{ id: 'shop', flags: defineFlags({ 'shop.beta': { type: 'release', default: false, description: 'Beta' } }) }]);

  it('serves the declared defaults without a client, and refuses an undeclared key', () => {
    const flags = createFlagService({ catalog, client: null, environment: 'test' });
    expect(flags.isEnabled('opsdeck.bulk-actions')).toBe(PLATFORM_FLAGS['opsdeck.bulk-actions'].default);
    expect(flags.isEnabled('shop.beta')).toBe(false);
    expect(() => flags.isEnabled('shop.nope')).toThrow(/not declared/);
    expect(flags.evaluateAll().find((f) => f.key === 'shop.beta')).toEqual({ key: 'shop.beta', type: 'release', description: 'Beta', enabled: false, default: false, source: 'default' });
  });

  it('asks the client with the operator as context and the default as fallback', () => {
    const calls: unknown[][] = [];
    const client: FlagEvaluator = {
      isEnabled: (name, context, fallback) => {
        calls.push([name, context, fallback]);
        return name === 'shop.beta';
      },
      definition: (name) => (name === 'shop.beta' ? ({ name } as never) : undefined),
    };
    const flags = createFlagService({ catalog, client, environment: 'production' });
    expect(flags.isEnabled('shop.beta', { operatorId: 7, roles: ['support_agent', 'finance'], orgId: 12 })).toBe(true);
    expect(calls[0]).toEqual(['shop.beta', { environment: 'production', userId: '7', properties: { roles: 'support_agent,finance', orgId: '12' } }, false]);
    const views = flags.evaluateAll({ operatorId: 7, roles: [] });
    expect(views.find((f) => f.key === 'shop.beta')).toMatchObject({ enabled: true, source: 'unleash' });
    expect(views.find((f) => f.key === 'opsdeck.bulk-actions')).toMatchObject({ enabled: false, source: 'default' });
  });
});
