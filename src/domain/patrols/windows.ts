import { HOUR } from '../../clock.js';
import { localParts, zonedTime } from '../../time.js';

/** Evening and night hours (local): a patrol then is the week's night patrol (每周夜巡). */
export const isNightHour = (hour: number) => hour >= 19 || hour < 6;

export function isNight(at: Date, timeZone: string): boolean {
  return isNightHour(localParts(at, timeZone).hour);
}

export const startOfLocalDay = (at: Date, timeZone: string): Date => {
  const p = localParts(at, timeZone);
  return zonedTime(timeZone, p.year, p.month, p.day);
};

/**
 * The half-day a check at `checkAt` looks back on: from the later of local midnight and six hours before.
 * The default checks at 12:00 and 18:00 see 06:00–12:00 and 12:00–18:00.
 */
export function halfDayBefore(checkAt: Date, timeZone: string): { from: Date; to: Date } {
  const midnight = startOfLocalDay(checkAt, timeZone);
  const sixHoursBefore = new Date(checkAt.getTime() - 6 * HOUR);
  return { from: sixHoursBefore > midnight ? sixHoursBefore : midnight, to: checkAt };
}

/** Monday 00:00 (local) of the week containing `at`. */
export function startOfWeek(at: Date, timeZone: string): Date {
  const p = localParts(at, timeZone);
  const daysSinceMonday = (p.weekday + 6) % 7;
  // By the calendar, not by 24-hour days: a week with a clock change is not 7 × 24 hours.
  return zonedTime(timeZone, p.year, p.month, p.day - daysSinceMonday);
}

/** Which half of the day a daytime patrol covers: 0 before noon, 1 from noon to 18:00, null otherwise. */
export function halfOfDay(at: Date, timeZone: string): 0 | 1 | null {
  const { hour } = localParts(at, timeZone);
  if (hour >= 6 && hour < 12) return 0;
  if (hour >= 12 && hour < 18) return 1;
  return null;
}
