// The body of POST /api/experiments/{key}/events, validated whole before anything is stored: one
// bad event makes the batch a 422 naming it (`events.12.variant: ...`) and nothing of it is kept,
// so a client fixes and resends the batch as it was, without working out which part went in.
import { z } from 'zod/v4';
import { validationFailed } from '../http/errors.js';
import { parseOr422 } from '../http/validation.js';

export const MAX_BATCH_EVENTS = 10_000;

const name = z.string().min(1).max(100);

export const eventSchema = z.strictObject({
  /** The client's id of the event: a replay with the same id adds nothing. */
  id: z.string().min(1).max(128),
  type: z.enum(['exposure', 'conversion']),
  userId: z.string().min(1).max(128),
  /** Required on exposures; on a conversion only checked (the user's exposure decides the variant). */
  variant: name.optional(),
  /** Stored with the event; every conversion counts towards the experiment's one conversion rate. */
  metric: name.optional(),
  /** Conversions only, e.g. revenue in minor units. */
  value: z.number().finite().optional(),
  /** When it happened on the client (default: when received). zod checks the calendar too (no 31 February). */
  at: z.iso.datetime({ offset: true }).optional(),
});

export const eventBatchSchema = z.strictObject({ events: z.array(eventSchema).min(1).max(MAX_BATCH_EVENTS) });

export type IncomingEvent = z.infer<typeof eventSchema>;

/** An event as the ingest statement takes it (short keys: the batch is sent as one JSON value). */
export type BatchEvent = { i: string; t: 'exposure' | 'conversion'; u: string; v: string | null; m: string | null; x: number | null; a: string | null; n: number };

/**
 * The batch's events, checked against the experiment's variants, in order, each id once: a second
 * event with an id already in the batch is a replay like any other (the first one counts).
 */
export function parseEventBatch(body: unknown, variants: readonly string[]): { events: BatchEvent[]; received: number } {
  const { events } = parseOr422(eventBatchSchema, body);
  const known = new Set(variants);
  const seen = new Set<string>();
  const out: BatchEvent[] = [];
  events.forEach((event, index) => {
    const at = `events.${index}`;
    if (event.type === 'exposure' && event.variant === undefined) throw validationFailed(`${at}.variant: an exposure names its variant`);
    if (event.variant !== undefined && !known.has(event.variant)) throw validationFailed(`${at}.variant: ${event.variant} is not a variant of this experiment (${variants.join(', ')})`);
    if (event.type === 'exposure' && event.value !== undefined) throw validationFailed(`${at}.value: only conversions carry a value`);
    if (seen.has(event.id)) return;
    seen.add(event.id);
    out.push({
      i: event.id, t: event.type, u: event.userId, v: event.variant ?? null, m: event.metric ?? null, x: event.value ?? null,
      a: event.at === undefined ? null : new Date(event.at).toISOString(), n: index,
    });
  });
  return { events: out, received: events.length };
}
