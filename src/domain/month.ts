import { localParts, zonedTime } from '../time.js';

/** The calendar month containing `date` in the time zone, as [start, end). */
export function monthRange(date: Date, timeZone: string): { start: Date; end: Date } {
  const { year, month } = localParts(date, timeZone);
  return {
    start: zonedTime(timeZone, year, month, 1),
    end: month === 12 ? zonedTime(timeZone, year + 1, 1, 1) : zonedTime(timeZone, year, month + 1, 1),
  };
}
