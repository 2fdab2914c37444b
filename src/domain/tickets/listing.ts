import { and, asc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type TicketStatus, ticketFollowers, tickets, units } from '../../db/schema/index.js';
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

export interface TicketPageQuery {
  /** The subtree's path; null for the whole tree. */
  rootPath: string | null;
  status?: TicketStatus | undefined;
  categoryId?: number | undefined;
  /** Reported at or after `from` and before `to`. */
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset: only ids below this one (the last id of the previous page). */
  beforeId?: number | undefined;
  limit: number;
}

/** Units a statement asks about at most: SQLite allows 500 terms in a compound SELECT. */
const UNITS_PER_STATEMENT = 100;

/**
 * The ids of a page of tickets reported in a subtree, newest first. Each unit of the subtree gives its
 * newest `limit` ids below the cursor by a seek on tickets(origin_unit_id, id), or (origin_unit_id,
 * status, id) for one status, and the page is the newest `limit` of those: no page sorts the subtree, and
 * a deep page costs what the first does. The units are asked in one statement (a UNION ALL of one arm
 * each) per hundred.
 */
export function ticketPageIds(db: Db, query: TicketPageQuery): number[] {
  const scope = db
    .select({ id: units.id })
    .from(units)
    .where(query.rootPath === null ? undefined : inSubtree(units.path, query.rootPath))
    .all()
    .map((u) => u.id);
  const filters = and(
    query.status !== undefined ? eq(tickets.status, query.status) : undefined,
    query.categoryId !== undefined ? eq(tickets.categoryId, query.categoryId) : undefined,
    query.from !== undefined ? gte(tickets.createdAt, query.from) : undefined,
    query.to !== undefined ? lt(tickets.createdAt, query.to) : undefined,
    query.beforeId !== undefined ? lt(tickets.id, query.beforeId) : undefined,
  );
  const ids: number[] = [];
  for (let i = 0; i < scope.length; i += UNITS_PER_STATEMENT) {
    const arms = scope
      .slice(i, i + UNITS_PER_STATEMENT)
      .map(
        (unitId) =>
          sql`SELECT id FROM (SELECT ${tickets.id} AS id FROM ${tickets} WHERE ${and(eq(tickets.originUnitId, unitId), filters)} ORDER BY ${tickets.id} DESC LIMIT ${query.limit})`,
      );
    for (const row of db.all<{ id: number }>(sql.join(arms, sql` UNION ALL `))) ids.push(row.id);
  }
  return ids.sort((a, b) => b - a).slice(0, query.limit);
}
