import { and, asc, count, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { members, roleGrants, tickets } from '../../db/schema/index.js';
import type { Member } from '../org/members.js';
import { selfAndAncestors, type Unit } from '../org/units.js';
import type { Category } from './categories.js';

const HANDLERS = ['staff', 'admin'] as const;

/** A unit answers tickets when someone holds staff (or admin) on it directly. */
export function handlesTickets(db: Db, unitId: number): boolean {
  return (
    db
      .select({ id: roleGrants.id })
      .from(roleGrants)
      .where(and(eq(roleGrants.unitId, unitId), inArray(roleGrants.role, [...HANDLERS]), isNull(roleGrants.revokedAt)))
      .get() !== undefined
  );
}

/** The nearest unit at or above `unit` that answers tickets. */
function nearestHandler(db: Db, chain: Unit[]): Unit | undefined {
  return chain.find((u) => handlesTickets(db, u.id));
}

/**
 * Who answers a new ticket: the nearest unit at or above where it was reported that has staff (a
 * building's ticket goes to its grid). A category with a start level begins at the nearest unit of that
 * kind instead ("大事不出社区": a dispute goes to the community). With no staff anywhere above, the
 * reporting unit keeps it.
 */
export function routeTicket(db: Db, originUnitId: number, category: Pick<Category, 'startLevel'>): Unit {
  const chain = selfAndAncestors(db, originUnitId);
  const levelAt = category.startLevel ? chain.findIndex((u) => u.kind === category.startLevel) : -1;
  const from = levelAt === -1 ? chain : chain.slice(levelAt);
  return nearestHandler(db, from) ?? nearestHandler(db, chain) ?? chain[0]!;
}

/** One level up: the nearest unit strictly above that has staff; undefined at the top. */
export function escalationTarget(db: Db, unitId: number): Unit | undefined {
  return nearestHandler(db, selfAndAncestors(db, unitId).slice(1));
}

/** The staff member of the unit with the fewest tickets in hand (admins only if no staff); ties go to the longest-serving. */
export function suggestTaker(db: Db, unitId: number): Member | undefined {
  for (const role of HANDLERS) {
    const candidates = db
      .select({ member: members })
      .from(roleGrants)
      .innerJoin(members, eq(members.id, roleGrants.memberId))
      .where(and(eq(roleGrants.unitId, unitId), eq(roleGrants.role, role), isNull(roleGrants.revokedAt)))
      .orderBy(asc(members.id))
      .all()
      .map((r) => r.member);
    if (!candidates.length) continue;
    const load = new Map(
      db
        .select({ takerId: tickets.takerId, n: count() })
        .from(tickets)
        .where(
          and(
            eq(tickets.status, 'taken'),
            inArray(
              tickets.takerId,
              candidates.map((m) => m.id),
            ),
          ),
        )
        .groupBy(tickets.takerId)
        .all()
        .map((r) => [r.takerId, r.n]),
    );
    return candidates.reduce((best, m) => ((load.get(m.id) ?? 0) < (load.get(best.id) ?? 0) ? m : best));
  }
  return undefined;
}
