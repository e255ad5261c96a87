// One way to turn a zod (v4) failure into the 422 the API promises: the first issue, named by its
// path (`input.amount.currency: ...`), so a client knows which field to fix.
import type { z } from 'zod/v4';
import { validationFailed } from './errors.js';

export const issueText = (issue: z.core.$ZodIssue, { prefix = [], where = 'body' }: { prefix?: string[]; where?: string } = {}): string =>
  `${[...prefix, ...issue.path.map(String)].join('.') || where}: ${issue.message}`;

/** The parsed value, or a 422 `validation_failed` naming the first bad field. */
export function parseOr422<T extends z.ZodType>(schema: T, value: unknown, options?: { prefix?: string[]; where?: string }): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationFailed(issueText(parsed.error.issues[0]!, options));
  return parsed.data;
}
