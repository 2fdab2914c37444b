import { and, eq, inArray, sql } from 'drizzle-orm';
import { MINUTE } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { members, taskCompletions, tasks } from '../../db/schema/index.js';
import { parseIsoDuration } from '../../time.js';

/** One report covers at most a day of service. */
export const MAX_REPORT_MINUTES = 24 * 60;
/** Hours above this on one task need a staff member's confirmation. */
export const DEFAULT_CAP_MINUTES = 8 * 60;

const CN_DIGITS = new Map(Object.entries({ 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }));

/** "二十五" → 25, "十五" → 15, "一百二十" → 120. */
export function chineseNumber(run: string): number {
  let total = 0;
  let current = 0;
  for (const ch of run) {
    if (ch === '十') {
      total += (current || 1) * 10;
      current = 0;
    } else if (ch === '百') {
      total += (current || 1) * 100;
      current = 0;
    } else {
      current = CN_DIGITS.get(ch) ?? 0;
    }
  }
  return total + current;
}

const NUMBER = '(\\d+(?:\\.\\d+)?)';
const HOURS = '(小时|钟头|钟|hours|hour|hrs|hr|h)';
const MINUTES = '(分钟|分|minutes|minute|mins|min|m)';
const SPOKEN = new RegExp(`^(?:${NUMBER}?(半)?${HOURS}(半)?)?(?:${NUMBER}${MINUTES}?)?$`);

/**
 * Minutes of service from what a volunteer typed: "2小时", "1.5h", "90分钟", "半小时", "2h", "1小时30分",
 * "一个半小时", "两个钟头", "1h30m", "2:30", "PT2H", or a bare number of hours ("2"). Null when it is
 * not a duration.
 */
export function parseHours(input: string): number | null {
  const raw = input.normalize('NFKC').trim();
  if (/^p/i.test(raw)) {
    const ms = parseIsoDuration(raw);
    return ms === null ? null : positive(ms / MINUTE);
  }
  const text = raw
    .toLowerCase()
    .replace(/[\s个]/g, '')
    .replace(/[零〇一二两三四五六七八九十百]+/g, (run) => String(chineseNumber(run)));
  if (!text) return null;
  const clock = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (clock) return Number(clock[2]) < 60 ? positive(Number(clock[1]) * 60 + Number(clock[2])) : null;
  const m = SPOKEN.exec(text);
  if (!m) return null;
  const [, hourNumber, halfBefore, hourUnit, halfAfter, minuteNumber, minuteUnit] = m;
  let minutes = 0;
  if (hourUnit) {
    if (hourNumber === undefined && !halfBefore) return null; // "小时" without a number
    minutes += Number(hourNumber ?? 0) * 60 + (halfBefore || halfAfter ? 30 : 0);
  }
  if (minuteNumber !== undefined) {
    // A bare number is hours; after an hour part ("1小时30") it is minutes.
    minutes += minuteUnit || hourUnit ? Number(minuteNumber) : Number(minuteNumber) * 60;
  }
  return positive(minutes);
}

const positive = (minutes: number) => {
  const rounded = Math.round(minutes);
  return Number.isFinite(rounded) && rounded > 0 ? rounded : null;
};

/** Points for minutes of service at a rate per hour, rounded to the nearest point. */
export const pointsFor = (minutes: number, perHour: number) => Math.round((minutes * perHour) / 60);

const CREDITED = ['confirmed', 'ruled'] as const;

/**
 * Hours a member gave (served) and received (was served), in minutes: tallies for honour lists, never spent.
 * They include what records merged into the member were credited: one person, whichever account they used.
 */
export function hoursOf(db: Db, memberId: number): { givenMinutes: number; receivedMinutes: number } {
  const person = sql`(SELECT ${memberId} UNION SELECT ${members.id} FROM ${members} WHERE ${members.mergedInto} = ${memberId})`;
  const given = db
    .select({ m: sql<number>`coalesce(sum(${taskCompletions.creditedMinutes}), 0)` })
    .from(taskCompletions)
    .where(and(sql`${taskCompletions.volunteerId} IN ${person}`, inArray(taskCompletions.status, [...CREDITED])))
    .get();
  const received = db
    .select({ m: sql<number>`coalesce(sum(${taskCompletions.creditedMinutes}), 0)` })
    .from(taskCompletions)
    .innerJoin(tasks, eq(tasks.id, taskCompletions.taskId))
    .where(and(sql`${tasks.requesterId} IN ${person}`, inArray(taskCompletions.status, [...CREDITED])))
    .get();
  return { givenMinutes: given?.m ?? 0, receivedMinutes: received?.m ?? 0 };
}
