// Validation of an action request's body against the action's declaration: target type, input
// schema (zod), reason code and note. A bad request is a 422 that names the field and changes
// nothing (no idempotency claim, no run).
import { z } from 'zod/v4';
import { validationFailed } from '../http/errors.js';
import { parseOr422 } from '../http/validation.js';
import { targetTypes, type ActionDefinition, type ActionTarget } from './define-action.js';

export type ParsedRequest = {
  target: ActionTarget;
  input: unknown;
  reasonCode: string;
  note: string | null;
};

const envelope = z.strictObject({
  target: z.strictObject({ type: z.string().min(1).max(64), id: z.union([z.string().min(1).max(64), z.number().int()]).transform(String) }),
  input: z.record(z.string(), z.unknown()).optional(),
  reasonCode: z.string().min(1).max(64),
  note: z.string().max(2000).nullish(),
});

export function parseActionRequest(action: ActionDefinition, body: unknown): ParsedRequest {
  const { target, reasonCode, note, input: rawInput } = parseOr422(envelope, body);
  const types = targetTypes(action);
  if (!types.includes(target.type)) throw validationFailed(`target.type: ${action.id} acts on ${types.join(' or ')}, not ${target.type}`);
  if (!action.reasonCodes.includes(reasonCode)) {
    throw validationFailed(`reasonCode: ${action.id} accepts ${action.reasonCodes.join(', ')}`, { reasonCodes: action.reasonCodes });
  }
  const input = parseOr422(action.input, rawInput ?? {}, { prefix: ['input'] });
  return { target, input, reasonCode, note: note?.trim() || null };
}
