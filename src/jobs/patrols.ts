import { DAY } from '../clock.js';
import { say } from '../domain/notice.js';
import { notifyRooms, notifyUnit } from '../domain/notify.js';
import { patrolled, patrolledUnits } from '../domain/patrols/patrols.js';
import { halfDayBefore } from '../domain/patrols/windows.js';
import { groupRoomsOf } from '../domain/org/rooms.js';
import { selfAndAncestors, type Unit } from '../domain/org/units.js';
import type { JobContext, JobDef } from './job.js';

/** Each patrolling grid's staff room hears that it is time to patrol. */
function remind(ctx: JobContext, night: boolean): string {
  let rooms = 0;
  for (const grid of patrolledUnits(ctx.db)) {
    rooms += notifyUnit(
      ctx,
      grid.id,
      'staff',
      say(night ? 'patrol.nightReminder' : 'patrol.reminder', { unit: grid.name }),
      `job:${night ? 'night-patrol' : 'patrol-reminder'}`,
    );
  }
  return `reminded ${rooms} rooms`;
}

/**
 * Grids that logged no patrol in the window are named to the staff room of the nearest unit above them
 * that has one (the community's), one message per room.
 */
function check(ctx: JobContext, window: { from: Date; to: Date }, night: boolean): string {
  const missedByParent = new Map<number, { parent: Unit; grids: Unit[] }>();
  for (const grid of patrolledUnits(ctx.db)) {
    if (patrolled(ctx.db, grid.id, window.from, window.to, night)) continue;
    const parent = selfAndAncestors(ctx.db, grid.id)
      .slice(1)
      .find((u) => groupRoomsOf(ctx.db, [u.id], 'staff').length > 0);
    if (!parent) continue;
    const entry = missedByParent.get(parent.id) ?? { parent, grids: [] };
    entry.grids.push(grid);
    missedByParent.set(parent.id, entry);
  }
  let missed = 0;
  for (const { parent, grids } of missedByParent.values()) {
    missed += grids.length;
    notifyRooms(
      ctx,
      groupRoomsOf(ctx.db, [parent.id], 'staff'),
      // A list parameter is joined the way the reader's language writes one: 「甲、乙」, "A, B".
      say(night ? 'patrol.nightMissed' : 'patrol.missed', {
        grids: grids.map((g) => g.name),
        from: { at: window.from, zone: ctx.settings.timeZone },
        to: { at: window.to, zone: ctx.settings.timeZone },
      }),
      `job:${night ? 'night-patrol-check' : 'patrol-check'}`,
    );
  }
  return `${missed} grids without a patrol`;
}

export const patrolJobs: JobDef[] = [
  {
    name: 'patrol-reminder',
    cron: '0 8,14 * * *',
    description: 'Each grid staff room: time for the patrol (一日双巡)',
    catchUp: false,
    run: (ctx) => remind(ctx, false),
  },
  {
    name: 'patrol-check',
    cron: '0 12,18 * * *',
    description: 'Grids with no patrol in the half-day are reported to the community staff room',
    catchUp: false,
    run: (ctx) => check(ctx, halfDayBefore(ctx.scheduledFor, ctx.settings.timeZone), false),
  },
  {
    name: 'night-patrol',
    cron: '0 20 * * 5',
    description: 'Each grid staff room: the weekly night patrol (每周夜巡)',
    catchUp: false,
    run: (ctx) => remind(ctx, true),
  },
  {
    name: 'night-patrol-check',
    cron: '30 0 * * 6',
    description: 'Grids with no night patrol this week are reported to the community staff room',
    catchUp: false,
    run: (ctx) => check(ctx, { from: new Date(ctx.scheduledFor.getTime() - 7 * DAY), to: ctx.scheduledFor }, true),
  },
];
