import { and, asc, gte, inArray, lt } from 'drizzle-orm';
import { DAY, HOUR } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { patrols } from '../../db/schema/index.js';
import { localParts } from '../../time.js';
import { patrolledUnits } from './patrols.js';
import { halfOfDay, startOfLocalDay, startOfWeek } from './windows.js';

export interface PatrolNumbers {
  unitId: number;
  name: string;
  /** Patrols logged in the range. */
  logged: number;
  /** Half-days (morning, afternoon) in the range, and how many had a patrol. */
  halfDaysExpected: number;
  halfDaysDone: number;
  halfDaysMissed: number;
  /** Weeks starting in the range, and how many had a night patrol. */
  nightsExpected: number;
  nightsDone: number;
  nightsMissed: number;
}

/** Local days starting in [from, to), and weeks (from Monday) starting in it. */
function countDaysAndWeeks(from: Date, to: Date, timeZone: string): { days: number; weeks: number } {
  let days = 0;
  for (let d = startOfLocalDay(from, timeZone); d < to; d = startOfLocalDay(new Date(d.getTime() + DAY + 3_600_000), timeZone)) {
    if (d >= from) days++;
  }
  // The Monday after `w`, found by the calendar so a clock change cannot shift it.
  const nextWeek = (w: Date) => startOfWeek(new Date(w.getTime() + 7 * DAY + 12 * HOUR), timeZone);
  let weeks = 0;
  const firstWeek = startOfWeek(from, timeZone);
  for (let w = firstWeek < from ? nextWeek(firstWeek) : firstWeek; w < to; w = nextWeek(w)) weeks++;
  return { days, weeks };
}

/** "一日双巡、每周夜巡" in numbers, per patrolling grid under `unitId`, for [from, to). */
export function patrolNumbers(db: Db, unitId: number, from: Date, to: Date, timeZone: string): PatrolNumbers[] {
  const grids = patrolledUnits(db, unitId);
  if (!grids.length) return [];
  const rows = db
    .select({ unitId: patrols.unitId, at: patrols.at, night: patrols.night })
    .from(patrols)
    .where(and(inArray(patrols.unitId, grids.map((g) => g.id)), gte(patrols.at, from), lt(patrols.at, to)))
    .orderBy(asc(patrols.at))
    .all();

  return grids.map((grid) => {
    // A grid is expected to patrol from the day it was set up, not before.
    const since = grid.createdAt > from ? startOfLocalDay(grid.createdAt, timeZone) : from;
    const { days, weeks } = countDaysAndWeeks(since, to, timeZone);
    const mine = rows.filter((r) => r.unitId === grid.id);
    const halfDays = new Set<string>();
    const nightWeeks = new Set<number>();
    for (const r of mine) {
      const half = halfOfDay(r.at, timeZone);
      if (half !== null) {
        const p = localParts(r.at, timeZone);
        halfDays.add(`${p.year}-${p.month}-${p.day}-${half}`);
      }
      if (r.night) nightWeeks.add(startOfWeek(r.at, timeZone).getTime());
    }
    const halfDaysExpected = days * 2;
    const nightsExpected = weeks;
    const halfDaysDone = Math.min(halfDays.size, halfDaysExpected);
    const nightsDone = Math.min(nightWeeks.size, nightsExpected);
    return {
      unitId: grid.id,
      name: grid.name,
      logged: mine.length,
      halfDaysExpected,
      halfDaysDone,
      halfDaysMissed: halfDaysExpected - halfDaysDone,
      nightsExpected,
      nightsDone,
      nightsMissed: nightsExpected - nightsDone,
    };
  });
}
