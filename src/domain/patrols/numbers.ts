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
  /** Weeks ending in the range (see `weeksEndingIn`), and how many had a night patrol. */
  nightsExpected: number;
  nightsDone: number;
  nightsMissed: number;
}

/** Local days starting in [from, to). */
function countDays(from: Date, to: Date, timeZone: string): number {
  let days = 0;
  for (let d = startOfLocalDay(from, timeZone); d < to; d = startOfLocalDay(new Date(d.getTime() + DAY + 3_600_000), timeZone)) {
    if (d >= from) days++;
  }
  return days;
}

/** The Monday after `w`, found by the calendar so a clock change cannot shift it. */
const nextWeek = (w: Date, timeZone: string) => startOfWeek(new Date(w.getTime() + 7 * DAY + 12 * HOUR), timeZone);

/**
 * The Mondays of the weeks a period answers for: those that end (their Sunday) in [from, to), and start no
 * earlier than `since` (a grid is not expected to patrol a week it did not exist in). A week across a
 * month's end belongs to the month it ends in: reports run on the 1st, when every week they count is over,
 * and a week still under way is not called missed.
 */
function weeksEndingIn(from: Date, to: Date, since: Date, timeZone: string): Date[] {
  const weeks: Date[] = [];
  for (let w = startOfWeek(from, timeZone); nextWeek(w, timeZone) <= to; w = nextWeek(w, timeZone)) {
    if (w >= since) weeks.push(w);
  }
  return weeks;
}

/** "一日双巡、每周夜巡" in numbers, per patrolling grid under `unitId`, for [from, to). */
export function patrolNumbers(db: Db, unitId: number, from: Date, to: Date, timeZone: string): PatrolNumbers[] {
  const grids = patrolledUnits(db, unitId);
  if (!grids.length) return [];
  // From the Monday of the first week counted: its night patrol may fall before `from`.
  const rows = db
    .select({ unitId: patrols.unitId, at: patrols.at, night: patrols.night })
    .from(patrols)
    .where(
      and(
        inArray(
          patrols.unitId,
          grids.map((g) => g.id),
        ),
        gte(patrols.at, startOfWeek(from, timeZone)),
        lt(patrols.at, to),
      ),
    )
    .orderBy(asc(patrols.at))
    .all();

  return grids.map((grid) => {
    // A grid is expected to patrol from the day it was set up, not before.
    const created = startOfLocalDay(grid.createdAt, timeZone);
    const since = created > from ? created : from;
    const days = countDays(since, to, timeZone);
    const weeks = new Set(weeksEndingIn(from, to, created, timeZone).map((w) => w.getTime()));
    const mine = rows.filter((r) => r.unitId === grid.id);
    const inRange = mine.filter((r) => r.at >= from);
    const halfDays = new Set<string>();
    const nightWeeks = new Set<number>();
    for (const r of inRange) {
      const half = halfOfDay(r.at, timeZone);
      if (half !== null) {
        const p = localParts(r.at, timeZone);
        halfDays.add(`${p.year}-${p.month}-${p.day}-${half}`);
      }
    }
    for (const r of mine) {
      const week = startOfWeek(r.at, timeZone).getTime();
      if (r.night && weeks.has(week)) nightWeeks.add(week);
    }
    const halfDaysExpected = days * 2;
    const nightsExpected = weeks.size;
    const halfDaysDone = Math.min(halfDays.size, halfDaysExpected);
    const nightsDone = nightWeeks.size;
    return {
      unitId: grid.id,
      name: grid.name,
      logged: inRange.length,
      halfDaysExpected,
      halfDaysDone,
      halfDaysMissed: halfDaysExpected - halfDaysDone,
      nightsExpected,
      nightsDone,
      nightsMissed: nightsExpected - nightsDone,
    };
  });
}
