// The form parts every action form shares (browser code, bundled by AdminJS): the input fields of an
// action's JSON Schema, the reason-code picker, the note, and the Idempotency-Key. Presentation only:
// the runner validates everything again and its answer is what the operator sees.
import React from 'react';
import { Box, FormGroup, Input, Label, TextArea, Text } from '@adminjs/design-system';

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  description?: string;
  maxLength?: number;
};

/** Field values by dotted path, as typed (strings), checkboxes as booleans. */
export type FieldValues = Record<string, string | boolean>;

/** What the server publishes about a runner action (`action.custom`, from describeAction). */
export type ActionSpec = {
  actionId: string;
  title: string;
  description: string | null;
  inputSchema: JsonSchema;
  reasonCodes: string[];
  isEmergency: boolean;
  approvalHint: string | null;
  /** The action needs a fresh authentication code (the form asks for one). */
  isStepUp?: boolean;
  /** The bulk API, for bulk forms. */
  bulkUrl?: string;
  jobsUrl?: string;
  entityType?: string;
};

/** A key per opened form: a second click (or a retry after a lost answer) replays, never runs twice. */
export function newIdempotencyKey(): string {
  const c = window.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  // randomUUID exists only in secure contexts (https, localhost); the bytes are available anywhere.
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const typeOf = (schema: JsonSchema): string => (Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') ?? 'string' : schema.type ?? 'string');
const isMoney = (schema: JsonSchema) =>
  typeOf(schema) === 'object' && ['integer', 'number'].includes(typeOf(schema.properties?.amount ?? {})) && typeOf(schema.properties?.currency ?? {}) === 'string';
export const humanize = (key: string) => key.replace(/[_.]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "150.00" USD -> 15000 minor units; a string that is not an amount is passed on for the server to refuse. */
function toMinorUnits(text: string, currency: string): number | string {
  const digits = currencyDigits(currency);
  const match = /^(\d{1,12})(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[2] ?? '').length > digits) return text;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}

/** Initial values: a money field's currency defaults to the record's own (an order's currency). */
export function initialValues(schema: JsonSchema, recordParams: Record<string, unknown> = {}, prefix = ''): FieldValues {
  const values: FieldValues = {};
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = join(prefix, key);
    if (isMoney(child)) values[`${path}.currency`] = typeof recordParams.currency === 'string' ? recordParams.currency : '';
    else if (typeOf(child) === 'object') Object.assign(values, initialValues(child, recordParams, path));
  }
  return values;
}

/** The action's input from the typed values; empty optional fields are left out. */
export function inputFromValues(schema: JsonSchema, values: FieldValues, prefix = ''): Record<string, unknown> | undefined {
  const input: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = join(prefix, key);
    const raw = values[path];
    const text = typeof raw === 'string' ? raw.trim() : '';
    let value: unknown;
    if (isMoney(child)) {
      const amount = String(values[`${path}.amount`] ?? '').trim();
      const currency = String(values[`${path}.currency`] ?? '').trim().toUpperCase();
      value = amount ? { amount: toMinorUnits(amount, currency), currency } : undefined;
    } else if (typeOf(child) === 'object') {
      value = inputFromValues(child, values, path);
    } else if (typeOf(child) === 'boolean') {
      value = raw === true ? true : schema.required?.includes(key) ? false : undefined;
    } else if (typeOf(child) === 'integer' || typeOf(child) === 'number') {
      value = text === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text;
    } else {
      value = text === '' ? undefined : text;
    }
    if (value !== undefined) input[key] = value;
  }
  return Object.keys(input).length > 0 || !prefix ? input : undefined;
}

type FieldsProps = { schema: JsonSchema; values: FieldValues; onChange: (path: string, value: string | boolean) => void; prefix?: string };

/** One input per property: text, number, choice (enum), checkbox, money (amount + currency), nested objects. */
export function SchemaFields({ schema, values, onChange, prefix = '' }: FieldsProps) {
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, child]) => {
        const path = join(prefix, key);
        const isRequired = Boolean(schema.required?.includes(key));
        const label = humanize(key);
        const help = child.description ? <Text variant="sm" mt="sm">{child.description}</Text> : null;
        if (isMoney(child)) {
          const currency = String(values[`${path}.currency`] ?? '');
          return (
            <FormGroup key={path}>
              <Label htmlFor={`field-${path}.amount`} required={isRequired}>{label}</Label>
              <Box flex flexDirection="row">
                <Input id={`field-${path}.amount`} name={`${path}.amount`} inputMode="decimal" placeholder={`e.g. 150.00${isRequired ? '' : ' (optional)'}`}
                  value={String(values[`${path}.amount`] ?? '')} onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(`${path}.amount`, e.target.value)} />
                <Input id={`field-${path}.currency`} name={`${path}.currency`} maxLength={3} width={100} ml="default" aria-label={`${label} currency`}
                  value={currency} onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(`${path}.currency`, e.target.value.toUpperCase())} />
              </Box>
              <Text variant="sm" mt="sm">In {currency || 'the currency'}, with decimals (150.00); sent in minor units.</Text>
              {help}
            </FormGroup>
          );
        }
        if (typeOf(child) === 'object') {
          return (
            <Box key={path} mb="lg">
              <Label>{label}</Label>
              <Box pl="lg"><SchemaFields schema={child} values={values} onChange={onChange} prefix={path} /></Box>
            </Box>
          );
        }
        if (Array.isArray(child.enum)) {
          return (
            <FormGroup key={path}>
              <Label htmlFor={`field-${path}`} required={isRequired}>{label}</Label>
              <select id={`field-${path}`} name={path} value={String(values[path] ?? '')} onChange={(e) => onChange(path, e.target.value)} style={SELECT_STYLE}>
                <option value="">{isRequired ? 'Choose…' : '(none)'}</option>
                {child.enum.map((v) => <option key={String(v)} value={String(v)}>{humanize(String(v))}</option>)}
              </select>
              {help}
            </FormGroup>
          );
        }
        if (typeOf(child) === 'boolean') {
          return (
            <FormGroup key={path}>
              <label htmlFor={`field-${path}`}>
                <input id={`field-${path}`} name={path} type="checkbox" checked={values[path] === true} onChange={(e) => onChange(path, e.target.checked)} /> {label}
              </label>
              {help}
            </FormGroup>
          );
        }
        const isNumber = typeOf(child) === 'integer' || typeOf(child) === 'number';
        return (
          <FormGroup key={path}>
            <Label htmlFor={`field-${path}`} required={isRequired}>{label}</Label>
            {!isNumber && (child.maxLength ?? 0) > 200
              ? <TextArea id={`field-${path}`} name={path} width="100%" value={String(values[path] ?? '')} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => onChange(path, e.target.value)} />
              : <Input id={`field-${path}`} name={path} type={isNumber ? 'number' : 'text'} width="100%" value={String(values[path] ?? '')} onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(path, e.target.value)} />}
            {help}
          </FormGroup>
        );
      })}
    </>
  );
}

export const SELECT_STYLE: React.CSSProperties = { width: '100%', padding: '8px', fontSize: '14px', border: '1px solid #C0C0CA', borderRadius: 0, background: 'white' };

type ReasonProps = { reasonCodes: string[]; reasonCode: string; note: string; onReason: (v: string) => void; onNote: (v: string) => void; isEmergency: boolean };

/** The reason code (required: the runner refuses a request without one of the action's codes) and a note. */
export function ReasonAndNote({ reasonCodes, reasonCode, note, onReason, onNote, isEmergency }: ReasonProps) {
  return (
    <>
      <FormGroup>
        <Label htmlFor="field-reasonCode" required>Reason{isEmergency ? ' (emergency action: required)' : ''}</Label>
        <select id="field-reasonCode" name="reasonCode" aria-required="true" value={reasonCode} onChange={(e) => onReason(e.target.value)} style={SELECT_STYLE}>
          <option value="">Choose a reason…</option>
          {reasonCodes.map((code) => <option key={code} value={code}>{humanize(code)}</option>)}
        </select>
      </FormGroup>
      <FormGroup>
        <Label htmlFor="field-note">Note</Label>
        <TextArea id="field-note" name="note" width="100%" maxLength={2000} value={note} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => onNote(e.target.value)} />
      </FormGroup>
    </>
  );
}
