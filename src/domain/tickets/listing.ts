import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ticketFollowers, tickets, units } from '../../db/schema/index.js';
import { unitsWithRole } from '../org/members.js';
import { inSubtree } from '../org/subtree.js';
import { getUnit } from '../org/units.js';
import { ACTIVE_STATUSES } from './states.js';
import type { Ticket } from './store.js';

/** 工单: open and taken tickets reported anywhere under the units where the member is staff, oldest first. */
export function ticketsCoveredBy(db: Db, memberId: number): Ticket[] {
  const roots = unitsWithRole(db, memberId, ['staff', 'admin']).map((id) => getUnit(db, id).path);
  if (!roots.length) return [];
  return db
    .select({ ticket: tickets })
    .from(tickets)
    .innerJoin(units, eq(units.id, tickets.originUnitId))
    .where(and(inArray(tickets.status, [...ACTIVE_STATUSES]), or(...roots.map((path) => inSubtree(units.path, path)))))
    .orderBy(asc(tickets.createdAt), asc(tickets.id))
    .all()
    .map((r) => r.ticket);
}

/** 进度 without a ref: what the member reported or follows that is not finished yet (resolved awaits their rating). */
export function ticketsOfMember(db: Db, memberId: number): { reported: Ticket[]; followed: Ticket[] } {
  const unfinished = [...ACTIVE_STATUSES, 'resolved' as const];
  const reported = db
    .select()
    .from(tickets)
    .where(and(eq(tickets.reporterId, memberId), inArray(tickets.status, unfinished)))
    .orderBy(asc(tickets.id))
    .all();
  const followed = db
    .select({ ticket: tickets })
    .from(ticketFollowers)
    .innerJoin(tickets, eq(tickets.id, ticketFollowers.ticketId))
    .where(and(eq(ticketFollowers.memberId, memberId), inArray(tickets.status, unfinished)))
    .orderBy(asc(tickets.id))
    .all()
    .map((r) => r.ticket);
  return { reported, followed };
}
