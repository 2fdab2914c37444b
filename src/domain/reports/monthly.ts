import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { tickets, units } from '../../db/schema/index.js';
import { inSubtree } from '../org/subtree.js';
import { getUnit } from '../org/units.js';
import { ACTIVE_STATUSES } from '../tickets/states.js';
import type { Period } from './periods.js';
import { type UnitSummary, unitSummary } from './summary.js';

export interface StillOpen {
  ref: string;
  text: string;
  status: 'open' | 'taken';
  ageMs: number;
}

/** 月提醒: a grid's or community's last month, and what is still open now. */
export interface MonthlyReport {
  period: Period;
  summary: UnitSummary;
  stillOpen: { count: number; oldest: StillOpen[] };
}

export function monthlyReport(db: Db, unitId: number, period: Period, now: Date, timeZone: string, oldest = 5): MonthlyReport {
  const open = db
    .select({ id: tickets.id, text: tickets.text, status: tickets.status, createdAt: tickets.createdAt })
    .from(units)
    // From the subtree's units to each one's open and taken tickets (tickets_origin_status), not from every
    // open ticket of the tree: the sort is of the subtree's backlog only.
    .innerJoin(tickets, eq(tickets.originUnitId, units.id))
    .where(and(inSubtree(units.path, getUnit(db, unitId).path), inArray(tickets.status, [...ACTIVE_STATUSES])))
    .orderBy(asc(tickets.createdAt), asc(tickets.id))
    .all();
  return {
    period,
    summary: unitSummary(db, unitId, period.from, period.to, timeZone),
    stillOpen: {
      count: open.length,
      oldest: open.slice(0, oldest).map((t) => ({
        ref: `T${t.id}`,
        text: t.text.length > 24 ? `${t.text.slice(0, 24)}…` : t.text,
        status: t.status as 'open' | 'taken',
        ageMs: now.getTime() - t.createdAt.getTime(),
      })),
    },
  };
}
