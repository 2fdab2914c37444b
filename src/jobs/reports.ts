import { inArray } from 'drizzle-orm';
import { renderAnnual, renderMonthly, renderQuarterly } from '../chat/render/reports.js';
import { units } from '../db/schema/index.js';
import { notifyUnit } from '../domain/notify.js';
import { childrenOf } from '../domain/org/units.js';
import { groupRoomsOf } from '../domain/org/rooms.js';
import { annualReport } from '../domain/reports/annual.js';
import { monthlyReport } from '../domain/reports/monthly.js';
import { previousMonth, previousQuarter, previousYear } from '../domain/reports/periods.js';
import { quarterlyReport } from '../domain/reports/quarterly.js';
import type { JobContext, JobDef } from './job.js';

/** Units of these kinds that have a staff room to tell. */
function unitsWithStaffRooms(ctx: JobContext, kinds: ('grid' | 'community' | 'street')[]) {
  return ctx.db
    .select()
    .from(units)
    .where(inArray(units.kind, kinds))
    .orderBy(units.depth, units.id)
    .all()
    .filter((u) => groupRoomsOf(ctx.db, [u.id], 'staff').length > 0);
}

/** 月提醒: each grid and community staff room hears last month's numbers and what is still open. */
export const monthlyReminder: JobDef = {
  name: 'monthly-reminder',
  cron: '0 9 1 * *',
  description: "Each grid and community staff room: last month's numbers and what is still open (月提醒)",
  catchUp: true,
  run(ctx) {
    const period = previousMonth(ctx.scheduledFor, ctx.settings.timeZone);
    const targets = unitsWithStaffRooms(ctx, ['grid', 'community']);
    for (const unit of targets) {
      const report = monthlyReport(ctx.db, unit.id, period, ctx.scheduledFor, ctx.settings.timeZone);
      notifyUnit(ctx, unit.id, 'staff', (t, lang) => renderMonthly(report, t, lang), `job:monthly-reminder:${period.label}`);
    }
    return `${period.label}: ${targets.length} units`;
  },
};

/** 季调度: each community sees its grids ranked side by side, those falling behind named. */
export const quarterlyDispatch: JobDef = {
  name: 'quarterly-dispatch',
  cron: '0 9 1 1,4,7,10 *',
  description: 'Each community: its grids ranked side by side, those falling behind named (季调度)',
  catchUp: true,
  run(ctx) {
    const period = previousQuarter(ctx.scheduledFor, ctx.settings.timeZone);
    const targets = unitsWithStaffRooms(ctx, ['community']);
    for (const community of targets) {
      const report = quarterlyReport(ctx.db, community.id, period, ctx.settings.timeZone);
      notifyUnit(ctx, community.id, 'staff', (t) => renderQuarterly(report, t), `job:quarterly-dispatch:${period.label}`);
    }
    return `${period.label}: ${targets.length} communities`;
  },
};

/** 年评审: the street's year per community and grid, and each party member's service hours. */
export const annualReview: JobDef = {
  name: 'annual-review',
  cron: '0 9 5 1 *',
  description: "The street: the year per community and grid, and party members' service hours (年评审)",
  catchUp: true,
  run(ctx) {
    const period = previousYear(ctx.scheduledFor, ctx.settings.timeZone);
    const streets = childrenOf(ctx.db, null).filter((u) => groupRoomsOf(ctx.db, [u.id], 'staff').length > 0);
    for (const street of streets) {
      const report = annualReport(ctx.db, street.id, period, ctx.settings.timeZone);
      notifyUnit(ctx, street.id, 'staff', (t) => renderAnnual(report, t), `job:annual-review:${period.label}`);
    }
    return `${period.label}: ${streets.length} streets`;
  },
};
