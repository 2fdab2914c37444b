import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import { roleGrants, units } from '../../db/schema/index.js';
import type { Ctx } from '../context.js';
import { canActAsStaff } from './members.js';
import { pathIds } from './units.js';

/**
 * Whether the actor may act as staff for the unit. A member needs a staff or admin role on it or above;
 * API tokens are authorised for their unit by the HTTP layer before the call, and jobs act for everyone.
 */
export function actsAsStaffFor(ctx: Ctx, unitId: number): boolean {
  return ctx.actor.kind === 'member' ? canActAsStaff(ctx.db, ctx.actor.memberId, unitId) : true;
}

/** Whether the member holds any role on the unit or below it: one of its residents, volunteers, staff. */
export function belongsTo(db: Db, memberId: number, unitId: number): boolean {
  return grantUnitPaths(db, memberId).some((path) => pathIds({ path }).includes(unitId));
}

const grantPaths = preparedPerDb((db) =>
  db
    .select({ path: units.path })
    .from(roleGrants)
    .innerJoin(units, eq(units.id, roleGrants.unitId))
    .where(and(eq(roleGrants.memberId, sql.placeholder('memberId')), isNull(roleGrants.revokedAt)))
    .prepare(),
);

/** Where the member's roles are, as unit paths. */
function grantUnitPaths(db: Db, memberId: number): string[] {
  return grantPaths(db)
    .all({ memberId })
    .map((r) => r.path);
}

/**
 * Whether the unit concerns the member: they hold a role on it, above it (a community volunteer and a
 * grid's task) or below it (a building's resident and the grid's task).
 */
export function isRelatedTo(db: Db, memberId: number, unit: { id: number; path: string }): boolean {
  const line = pathIds(unit);
  return grantUnitPaths(db, memberId).some((path) => {
    const ids = pathIds({ path });
    return ids.includes(unit.id) || line.includes(ids.at(-1)!);
  });
}
