// The support and fulfilment policy of the deployment: the marketplace's own settings
// (src/config/pack-settings.ts), checked at start with the core's configuration (a bad value stops
// the start with one line naming the variable) and read from the app's configuration. Defaults are
// seed 000's: 24 business hours to a first response on a Mon-Fri 09:00-17:00 New York calendar; a
// label within 72 hours of payment, then 48 hours' grace.
import { z } from 'zod';
import type { Config } from '../../../src/config/config.js';
import { definePackSettings, packSettings } from '../../../src/config/pack-settings.js';
import { checkCalendar, parseClock, type BusinessCalendar } from './business-calendar.js';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** `mon-fri`, `mon,wed,fri` or `sun-thu` -> weekday numbers (0 = Sunday). */
export function parseDays(text: string): number[] {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',').map((p) => p.trim()).filter(Boolean)) {
    const [from, to = from] = part.split('-').map((d) => DAY_NAMES.indexOf(d.trim()));
    if (from < 0 || to < 0) throw new Error(`"${part}" is not a day or range of days (mon, tue-fri)`);
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days].sort();
}

export type SupportSettings = {
  calendar: BusinessCalendar;
  firstResponseHours: number;
  nonFulfilment: { slaHours: number; graceHours: number; lookbackDays: number; batch: number };
};

const hours = (fallback: number) => z.coerce.number().positive().max(24 * 365).default(fallback);
const schema = z.object({
  SUPPORT_TIME_ZONE: z.string().min(1).default('America/New_York'),
  SUPPORT_BUSINESS_DAYS: z.string().min(1).default('mon-fri'),
  SUPPORT_BUSINESS_HOURS: z.string().regex(/^\d\d:\d\d-\d\d:\d\d$/, 'HH:MM-HH:MM').default('09:00-17:00'),
  /** YYYY-MM-DD dates, comma-separated. */
  SUPPORT_HOLIDAYS: z.string().default(''),
  SUPPORT_FIRST_RESPONSE_BUSINESS_HOURS: hours(24),
  NONFULFILMENT_SLA_HOURS: hours(72),
  NONFULFILMENT_GRACE_HOURS: hours(48),
  /** Orders older than this are not swept (they were the sweep's business long ago). */
  NONFULFILMENT_LOOKBACK_DAYS: z.coerce.number().int().positive().max(3650).default(30),
  NONFULFILMENT_BATCH: z.coerce.number().int().positive().max(10_000).default(200),
}).transform((e, ctx): SupportSettings => {
  // Each problem names its variable (what only the calendar as a whole shows: both that make it).
  const problems: string[] = [];
  const fail = (variable: string, message: string) => {
    problems.push(variable);
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });
  };
  const attempt = <T>(variable: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      fail(variable, (err as Error).message);
      return undefined;
    }
  };
  const [open, close] = e.SUPPORT_BUSINESS_HOURS.split('-');
  attempt('SUPPORT_TIME_ZONE', () => new Intl.DateTimeFormat('en-US', { timeZone: e.SUPPORT_TIME_ZONE }));
  const days = attempt('SUPPORT_BUSINESS_DAYS', () => parseDays(e.SUPPORT_BUSINESS_DAYS));
  const clock = attempt('SUPPORT_BUSINESS_HOURS', () => ({ openMinute: parseClock(open), closeMinute: parseClock(close) }));
  const holidays = e.SUPPORT_HOLIDAYS.split(',').map((d) => d.trim()).filter(Boolean);
  if (holidays.some((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d))) fail('SUPPORT_HOLIDAYS', 'dates as YYYY-MM-DD, comma-separated');
  if (!days || !clock || problems.length > 0) return z.NEVER;
  const calendar: BusinessCalendar = { timeZone: e.SUPPORT_TIME_ZONE, days, ...clock, holidays };
  attempt('SUPPORT_BUSINESS_DAYS/SUPPORT_BUSINESS_HOURS', () => checkCalendar(calendar));
  if (problems.length > 0) return z.NEVER;
  return {
    calendar,
    firstResponseHours: e.SUPPORT_FIRST_RESPONSE_BUSINESS_HOURS,
    nonFulfilment: { slaHours: e.NONFULFILMENT_SLA_HOURS, graceHours: e.NONFULFILMENT_GRACE_HOURS, lookbackDays: e.NONFULFILMENT_LOOKBACK_DAYS, batch: e.NONFULFILMENT_BATCH },
  };
});

export const SUPPORT_SETTINGS = definePackSettings({ schema });

/**
 * The support settings of the app's configuration (the action context's `platform.config`, the
 * scheduled jobs' `config`); an error where there is none (a runner built without an app).
 */
export function supportSettings(config: Config | undefined): SupportSettings {
  if (!config) throw new Error('the support settings are read from the app configuration, and there is none here');
  return packSettings(config, SUPPORT_SETTINGS);
}
