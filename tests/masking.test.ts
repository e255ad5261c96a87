// The one masking function every face uses, and the hook that keeps masked values from being
// saved back over the real ones.
import type { ActionContext, ActionRequest } from 'adminjs';
import { maskFields, maskFor, maskPii } from '../src/rbac/masking.js';
import { createRbacHooks } from '../src/hooks/rbac-hooks.js';
import type { ResourceDefinition } from '../src/platform/plugin.js';

describe('maskPii', () => {
  it.each([
    ['email', 'jane.doe@example.com', 'j•••@e•••.com'],
    ['email', 'x@localhost', 'x•••@l•••'],
    ['phone', '+1 (555) 123-4567', '•••• 4567'],
    ['phone', '12', '••••'],
    ['payment', '4242 4242 4242 1234', '•••• 1234'],
    ['name', 'Jane Mary Doe', 'J. D•••'],
    ['name', 'Cher', 'C•••'],
    ['address', '12 Main St, Springfield, IL 62704', '••••••'],
  ] as const)('%s %s -> %s', (kind, value, masked) => {
    expect(maskPii(kind, value)).toBe(masked);
  });

  it('leaves missing values alone', () => {
    expect(maskPii('email', null)).toBeNull();
    expect(maskPii('phone', undefined)).toBeUndefined();
    expect(maskPii('name', '')).toBe('');
  });

  it('masks only the named fields, and nothing for holders of pii.read', () => {
    const row = { id: 7, email: 'jane@example.com', status: 'active' };
    expect(maskFields(row, { email: 'email' })).toEqual({ id: 7, email: 'j•••@e•••.com', status: 'active' });
    expect(maskFor({ permissions: ['pii.read'] }, row, { email: 'email' })).toBe(row);
    expect(maskFor({ permissions: ['customer.read'] }, row, { email: 'email' }).email).toBe('j•••@e•••.com');
    expect(maskFor(null, row, { email: 'email' }).email).toBe('j•••@e•••.com');
  });
});

describe('saving a form with personal data', () => {
  const resources = [{ model: 'Person', navigation: 'x', access: { read: 'x.read', write: 'x.write' }, pii: { email: 'email', phone: 'phone' } }] as ResourceDefinition[];
  const { dropMaskedPayload } = createRbacHooks({ resources });
  const save = (permissions: string[]) =>
    dropMaskedPayload(
      { method: 'post', params: {}, payload: { name: 'Jane', email: 'j•••@e•••.com', 'phone.0': 'x' } } as unknown as ActionRequest,
      { resource: { id: () => 'Person' }, currentAdmin: { email: 'op@test.local', permissions } } as unknown as ActionContext,
    ) as ActionRequest;

  it('drops the masked fields for an operator without pii.read', () => {
    expect(save(['x.write']).payload).toEqual({ name: 'Jane' });
  });

  it('keeps them for an operator with pii.read', () => {
    expect(save(['x.write', 'pii.read']).payload).toEqual({ name: 'Jane', email: 'j•••@e•••.com', 'phone.0': 'x' });
  });
});
