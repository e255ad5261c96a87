// Business hours arithmetic for support SLAs: "24 business hours after opening" on a calendar of
// working days and opening hours in one IANA time zone (Mon-Fri 09:00-17:00 New York: three working
// days). Pure functions over instants: each day's window is turned into real instants in the zone,
// so weekends, openings outside hours and daylight-saving changes all come out right (a window that
// spans a DST change is as long as the wall clock says it is, in real time).

export type BusinessCalendar = {
  /** IANA zone the opening hours are in, e.g. `America/New_York`. */
  timeZone: string;
  /** Working weekdays, 0 = Sunday ... 6 = Saturday. */
  days: readonly number[];
  /** Opening and closing time of a working day, minutes after local midnight (09:00 = 540). */
  openMinute: number;
  closeMinute: number;
  /** Local dates (YYYY-MM-DD) that are not working days. */
  holidays?: readonly string[];
};

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Ten years of days: a calendar that never opens fails instead of looping. */
const MAX_DAYS = 3660;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

type LocalDate = { year: number; month: number; day: number };

/** The wall-clock fields of an instant in a zone. */
function localParts(instant: number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return { year: +parts.year, month: +parts.month, day: +parts.day, hour: +parts.hour, minute: +parts.minute, second: +parts.second };
}

/** The zone's offset from UTC at an instant, in ms (New York in winter: -5 h). */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a local wall-clock time names (the later offset wins in a repeated hour). */
export function localTimeToInstant({ year, month, day }: LocalDate, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE_MS;
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return second;
}

const nextDay = ({ year, month, day }: LocalDate): LocalDate => {
  const d = new Date(Date.UTC(year, month - 1, day + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
};
const isoDate = ({ year, month, day }: LocalDate) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
const weekday = ({ year, month, day }: LocalDate) => new Date(Date.UTC(year, month - 1, day)).getUTCDay();

/** Throws when the calendar cannot be used (unknown zone, empty week, closing before opening). */
export function checkCalendar(calendar: BusinessCalendar): void {
  formatter(calendar.timeZone); // throws RangeError on an unknown zone
  if (calendar.days.length === 0 || calendar.days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) throw new Error('business days must be weekdays 0-6, at least one');
  if (!(calendar.openMinute >= 0 && calendar.openMinute < calendar.closeMinute && calendar.closeMinute <= 24 * 60)) throw new Error('business hours must open before they close, within one day');
}

/**
 * The instant `hours` business hours after `start`: time counts only inside opening hours of
 * working days. A start outside hours counts from the next opening.
 */
export function addBusinessHours(start: Date, hours: number, calendar: BusinessCalendar): Date {
  if (!(hours >= 0)) throw new Error('hours must be zero or more');
  const holidays = new Set(calendar.holidays ?? []);
  let remaining = hours * HOUR_MS;
  const from = start.getTime();
  let date: LocalDate = localParts(from, calendar.timeZone);
  for (let i = 0; i < MAX_DAYS; i += 1, date = nextDay(date)) {
    if (!calendar.days.includes(weekday(date)) || holidays.has(isoDate(date))) continue;
    const open = localTimeToInstant(date, calendar.openMinute, calendar.timeZone);
    const close = localTimeToInstant(date, calendar.closeMinute, calendar.timeZone);
    const begin = Math.max(from, open);
    if (begin >= close) continue;
    if (remaining <= close - begin) return new Date(begin + remaining);
    remaining -= close - begin;
  }
  throw new Error('the business calendar has no working time in the next ten years');
}

/** Parses `HH:MM` into minutes after midnight. */
export function parseClock(text: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a time of day (HH:MM)`);
  return Number(match[1]) * 60 + Number(match[2]);
}
