import { DAY } from '../../clock.js';
import { monthRange } from '../month.js';
import { localParts, zonedTime } from '../../time.js';

export interface Period {
  kind: 'month' | 'quarter' | 'year';
  /** "2026-03", "2026-Q1", "2026". */
  label: string;
  from: Date;
  to: Date;
}

/** The month before the one containing `at` (a report on the 1st looks back at the month just ended). */
export function previousMonth(at: Date, timeZone: string): Period {
  const { start, end } = monthRange(new Date(monthRange(at, timeZone).start.getTime() - DAY), timeZone);
  const { year, month } = localParts(start, timeZone);
  return { kind: 'month', label: `${year}-${String(month).padStart(2, '0')}`, from: start, to: end };
}

export function previousQuarter(at: Date, timeZone: string): Period {
  const { year, month } = localParts(at, timeZone);
  const thisQuarter = Math.floor((month - 1) / 3);
  const q = thisQuarter === 0 ? 3 : thisQuarter - 1;
  const y = thisQuarter === 0 ? year - 1 : year;
  return quarter(y, q + 1, timeZone);
}

export function quarter(year: number, q: number, timeZone: string): Period {
  const from = zonedTime(timeZone, year, (q - 1) * 3 + 1, 1);
  const to = q === 4 ? zonedTime(timeZone, year + 1, 1, 1) : zonedTime(timeZone, year, q * 3 + 1, 1);
  return { kind: 'quarter', label: `${year}-Q${q}`, from, to };
}

export function month(year: number, m: number, timeZone: string): Period {
  const from = zonedTime(timeZone, year, m, 1);
  const to = m === 12 ? zonedTime(timeZone, year + 1, 1, 1) : zonedTime(timeZone, year, m + 1, 1);
  return { kind: 'month', label: `${year}-${String(m).padStart(2, '0')}`, from, to };
}

export function year(y: number, timeZone: string): Period {
  return { kind: 'year', label: String(y), from: zonedTime(timeZone, y, 1, 1), to: zonedTime(timeZone, y + 1, 1, 1) };
}

export function previousYear(at: Date, timeZone: string): Period {
  return year(localParts(at, timeZone).year - 1, timeZone);
}

/** Reads "2026-03", "2026-Q1" or "2026"; null when it is none of them. */
export function parsePeriod(text: string, timeZone: string): Period | null {
  const m = /^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$/i.exec(text.trim());
  if (!m) return null;
  const y = Number(m[1]);
  if (m[2]) return month(y, Number(m[2]), timeZone);
  if (m[3]) return quarter(y, Number(m[3]), timeZone);
  return year(y, timeZone);
}
