// The support and fulfilment policy of the deployment, from the environment (validated once, at
// first use, which boot reaches through the scheduled jobs: a bad value stops the start naming the
// variable). Defaults are seed 000's: 24 business hours to a first response on a Mon-Fri 09:00-17:00
// New York calendar; a label within 72 hours of payment, then 48 hours' grace.
import { z } from 'zod/v4';
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

const hours = (fallback: number) => z.coerce.number().positive().max(24 * 365).default(fallback);
const env = z.object({
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
});

export type SupportSettings = {
  calendar: BusinessCalendar;
  firstResponseHours: number;
  nonFulfilment: { slaHours: number; graceHours: number; lookbackDays: number; batch: number };
};

export function parseSupportSettings(source: Record<string, string | undefined>): SupportSettings {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = env.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const [open, close] = e.SUPPORT_BUSINESS_HOURS.split('-');
  const calendar: BusinessCalendar = {
    timeZone: e.SUPPORT_TIME_ZONE,
    days: parseDays(e.SUPPORT_BUSINESS_DAYS),
    openMinute: parseClock(open),
    closeMinute: parseClock(close),
    holidays: e.SUPPORT_HOLIDAYS.split(',').map((d) => d.trim()).filter(Boolean),
  };
  if (calendar.holidays!.some((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d))) throw new Error('SUPPORT_HOLIDAYS: dates as YYYY-MM-DD, comma-separated');
  try {
    checkCalendar(calendar);
  } catch (err) {
    throw new Error(`SUPPORT_TIME_ZONE/SUPPORT_BUSINESS_DAYS/SUPPORT_BUSINESS_HOURS: ${(err as Error).message}`);
  }
  return {
    calendar,
    firstResponseHours: e.SUPPORT_FIRST_RESPONSE_BUSINESS_HOURS,
    nonFulfilment: { slaHours: e.NONFULFILMENT_SLA_HOURS, graceHours: e.NONFULFILMENT_GRACE_HOURS, lookbackDays: e.NONFULFILMENT_LOOKBACK_DAYS, batch: e.NONFULFILMENT_BATCH },
  };
}

let cached: SupportSettings | null = null;
/** The settings of this process (from process.env, parsed once). */
export function supportSettings(): SupportSettings {
  cached ??= parseSupportSettings(process.env);
  return cached;
}
