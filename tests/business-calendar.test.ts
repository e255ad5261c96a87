// The first-response SLA's business-hours arithmetic (plugins/marketplace/support/business-calendar.ts)
// on known values: weekends, openings outside hours, holidays, DST changes in two zones.
import { addBusinessHours, checkCalendar, type BusinessCalendar } from '../plugins/marketplace/support/business-calendar.js';
import { parseDays, supportSettings } from '../plugins/marketplace/support/support-settings.js';
import { loadConfig } from '../src/config/config.js';

/** The support settings of a configuration from these variables. */
const settingsFrom = (env: Record<string, string>) => supportSettings(loadConfig(env));

const NY: BusinessCalendar = { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5], openMinute: 9 * 60, closeMinute: 17 * 60 };
const BERLIN: BusinessCalendar = { ...NY, timeZone: 'Europe/Berlin' };
const due = (start: string, hours: number, calendar = NY) => addBusinessHours(new Date(start), hours, calendar).toISOString();

describe('addBusinessHours (Mon-Fri 09:00-17:00 New York)', () => {
  it('24 business hours from Monday 10:00 is Thursday 10:00', () => {
    // 2026-01-05 is a Monday; EST is UTC-5.
    expect(due('2026-01-05T15:00:00Z', 24)).toBe('2026-01-08T15:00:00.000Z');
  });

  it('skips the weekend: Friday 16:00 + 24 h is Wednesday 16:00', () => {
    expect(due('2026-01-09T21:00:00Z', 24)).toBe('2026-01-14T21:00:00.000Z');
  });

  it('an opening on Saturday counts from Monday 09:00 and ends Wednesday at closing', () => {
    expect(due('2026-01-10T18:00:00Z', 24)).toBe('2026-01-14T22:00:00.000Z');
  });

  it('an opening after hours counts from the next morning', () => {
    // Monday 18:00 -> Tuesday 09:00 + 24 h = Thursday 17:00.
    expect(due('2026-01-05T23:00:00Z', 24)).toBe('2026-01-08T22:00:00.000Z');
    // Before opening on Monday 07:00 -> Monday 09:00 + 1 h.
    expect(due('2026-01-05T12:00:00Z', 1)).toBe('2026-01-05T15:00:00.000Z');
  });

  it('ends exactly at closing rather than at the next opening', () => {
    expect(due('2026-01-05T14:00:00Z', 8)).toBe('2026-01-05T22:00:00.000Z');
  });

  it('zero hours from inside hours is the start; from outside, the next opening', () => {
    expect(due('2026-01-05T15:30:00Z', 0)).toBe('2026-01-05T15:30:00.000Z');
    expect(due('2026-01-10T15:30:00Z', 0)).toBe('2026-01-12T14:00:00.000Z');
  });

  it('crosses the spring-forward weekend in real time (EST to EDT)', () => {
    // Friday 2026-03-06 12:00 EST (17:00Z): 5 h Friday, 8 Monday, 8 Tuesday, 3 Wednesday = 12:00 EDT (16:00Z).
    expect(due('2026-03-06T17:00:00Z', 24)).toBe('2026-03-11T16:00:00.000Z');
  });

  it('crosses the fall-back weekend (EDT to EST)', () => {
    // Friday 2026-10-30 12:00 EDT (16:00Z) -> Wednesday 2026-11-04 12:00 EST (17:00Z).
    expect(due('2026-10-30T16:00:00Z', 24)).toBe('2026-11-04T17:00:00.000Z');
  });

  it('uses the calendar zone, not UTC: Berlin across its own DST change', () => {
    // Friday 2026-03-27 16:00 CET (15:00Z): 1 h, then 8 + 8 + 7 (CEST from Sunday): Wednesday 16:00 CEST = 14:00Z.
    expect(due('2026-03-27T15:00:00Z', 24, BERLIN)).toBe('2026-04-01T14:00:00.000Z');
  });

  it('skips holidays', () => {
    const withHoliday = { ...NY, holidays: ['2026-01-06'] };
    expect(due('2026-01-05T15:00:00Z', 24, withHoliday)).toBe('2026-01-09T15:00:00.000Z');
  });

  it('fractions of an hour', () => {
    expect(due('2026-01-05T21:30:00Z', 1)).toBe('2026-01-06T14:30:00.000Z');
  });

  it('refuses calendars that never open', () => {
    expect(() => checkCalendar({ ...NY, days: [] })).toThrow(/business days/);
    expect(() => checkCalendar({ ...NY, openMinute: 600, closeMinute: 540 })).toThrow(/open before/);
    expect(() => checkCalendar({ ...NY, timeZone: 'Mars/Olympus' })).toThrow();
  });
});

describe('support settings', () => {
  it('defaults to Mon-Fri 09:00-17:00 New York, 24 h; 72 h SLA and 48 h grace', () => {
    const settings = settingsFrom({});
    expect(settings.calendar).toMatchObject({ timeZone: 'America/New_York', days: [1, 2, 3, 4, 5], openMinute: 540, closeMinute: 1020 });
    expect(settings.firstResponseHours).toBe(24);
    expect(settings.nonFulfilment).toMatchObject({ slaHours: 72, graceHours: 48 });
  });

  it('parses day ranges, including ones that wrap the week', () => {
    expect(parseDays('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseDays('sun-thu')).toEqual([0, 1, 2, 3, 4]);
    expect(parseDays('fri-mon')).toEqual([0, 1, 5, 6]);
    expect(parseDays('mon,wed')).toEqual([1, 3]);
    expect(() => parseDays('funday')).toThrow(/not a day/);
  });

  it('names the bad variable', () => {
    expect(() => settingsFrom({ NONFULFILMENT_GRACE_HOURS: '-1' })).toThrow(/NONFULFILMENT_GRACE_HOURS/);
    expect(() => settingsFrom({ SUPPORT_BUSINESS_HOURS: '9-5' })).toThrow(/SUPPORT_BUSINESS_HOURS/);
    expect(() => settingsFrom({ SUPPORT_TIME_ZONE: 'Nowhere/Else' })).toThrow(/SUPPORT_TIME_ZONE/);
  });
});
