import { and, asc, count, desc, eq, gte, inArray, isNull, lt } from 'drizzle-orm';
import { MINUTE } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/client.js';
import { members, patrolPhotos, patrols, roleGrants, units } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import type { StoredFile } from '../files.js';
import { canActAsStaff, unitsWithRole } from '../org/members.js';
import { inSubtree, isInSubtree } from '../org/subtree.js';
import { getUnit } from '../org/units.js';
import { isNight, startOfWeek } from './windows.js';

export type Patrol = typeof patrols.$inferSelect;

/** Photos sent this long after a patrol, in the same room by the same person, belong to it. */
export const PHOTO_WINDOW_MS = 2 * MINUTE;

/**
 * The unit a patrol covers: in a room of their own unit, that unit; in a room above it (the community's),
 * their own grid below; otherwise the unit where they hold staff.
 */
export function patrolUnitFor(db: Db, memberId: number, roomUnitId: number | null): number {
  const own = unitsWithRole(db, memberId, ['staff']);
  if (roomUnitId !== null) {
    if (own.includes(roomUnitId)) return roomUnitId;
    const roomPath = getUnit(db, roomUnitId).path;
    const below = own.find((id) => isInSubtree(getUnit(db, id).path, roomPath));
    if (below !== undefined) return below;
    if (canActAsStaff(db, memberId, roomUnitId)) return roomUnitId;
  }
  if (!own.length) throw new DomainError('FORBIDDEN', 'patrol.staffOnly');
  return own[0]!;
}

export function logPatrol(
  ctx: Ctx,
  input: { memberId: number; roomUnitId: number | null; roomId: number | null; note: string; files: StoredFile[] },
): { patrol: Patrol; weekCount: number } {
  const note = input.note.trim().slice(0, 500) || null;
  return inTransaction(ctx.db, () => {
    const unitId = patrolUnitFor(ctx.db, input.memberId, input.roomUnitId);
    const at = ctx.clock.now();
    const patrol = ctx.db
      .insert(patrols)
      .values({ unitId, memberId: input.memberId, at, night: isNight(at, ctx.settings.timeZone), note, roomId: input.roomId })
      .returning()
      .get();
    addPatrolPhotos(ctx, patrol.id, input.files);
    audit(ctx, 'patrol.log', { type: 'patrol', id: patrol.id }, { unitId, night: patrol.night });
    const weekCount =
      ctx.db
        .select({ n: count() })
        .from(patrols)
        .where(and(eq(patrols.unitId, unitId), gte(patrols.at, startOfWeek(at, ctx.settings.timeZone))))
        .get()?.n ?? 1;
    return { patrol, weekCount };
  });
}

export function addPatrolPhotos(ctx: Ctx, patrolId: number, files: StoredFile[]): number {
  let added = 0;
  for (const file of files) {
    added += ctx.db
      .insert(patrolPhotos)
      .values({ patrolId, hash: file.hash, path: file.path, mimeType: file.mimeType, addedAt: ctx.clock.now() })
      .onConflictDoNothing()
      .run().changes;
  }
  if (added) audit(ctx, 'patrol.photo', { type: 'patrol', id: patrolId }, { count: added });
  return added;
}

/** The speaker's latest patrol logged from this room within the photo window, if any. */
export function recentPatrol(ctx: Ctx, memberId: number, roomId: number): Patrol | undefined {
  const since = new Date(ctx.clock.now().getTime() - PHOTO_WINDOW_MS);
  return ctx.db
    .select()
    .from(patrols)
    .where(and(eq(patrols.memberId, memberId), eq(patrols.roomId, roomId), gte(patrols.at, since)))
    .orderBy(desc(patrols.at))
    .get();
}

export interface PatrolLine {
  id: number;
  at: Date;
  night: boolean;
  note: string | null;
  unitName: string;
  memberName: string;
  photos: number;
}

/** Patrols of the given units between two instants, oldest first. */
export function patrolsBetween(db: Db, unitIds: number[], from: Date, to: Date): PatrolLine[] {
  if (!unitIds.length) return [];
  const rows = db
    .select({
      id: patrols.id,
      at: patrols.at,
      night: patrols.night,
      note: patrols.note,
      unitName: units.name,
      memberName: members.name,
    })
    .from(patrols)
    .innerJoin(units, eq(units.id, patrols.unitId))
    .innerJoin(members, eq(members.id, patrols.memberId))
    .where(and(inArray(patrols.unitId, unitIds), gte(patrols.at, from), lt(patrols.at, to)))
    .orderBy(asc(patrols.at))
    .all();
  const photoCounts = new Map(
    rows.length
      ? db
          .select({ patrolId: patrolPhotos.patrolId, n: count() })
          .from(patrolPhotos)
          .where(
            inArray(
              patrolPhotos.patrolId,
              rows.map((r) => r.id),
            ),
          )
          .groupBy(patrolPhotos.patrolId)
          .all()
          .map((r) => [r.patrolId, r.n])
      : [],
  );
  return rows.map((r) => ({ ...r, photos: photoCounts.get(r.id) ?? 0 }));
}

/** Units that are expected to patrol: grids with at least one staff member. */
export function patrolledUnits(db: Db, withinUnitId?: number): (typeof units.$inferSelect)[] {
  const root = withinUnitId === undefined ? undefined : getUnit(db, withinUnitId);
  return db
    .selectDistinct({ unit: units })
    .from(units)
    .innerJoin(roleGrants, and(eq(roleGrants.unitId, units.id), eq(roleGrants.role, 'staff'), isNull(roleGrants.revokedAt)))
    .where(and(eq(units.kind, 'grid'), root && inSubtree(units.path, root.path)))
    .orderBy(asc(units.id))
    .all()
    .map((r) => r.unit);
}

/** Whether the unit logged a patrol (of the given kind) in [from, to). */
export function patrolled(db: Db, unitId: number, from: Date, to: Date, nightOnly = false): boolean {
  return (
    db
      .select({ id: patrols.id })
      .from(patrols)
      .where(and(eq(patrols.unitId, unitId), gte(patrols.at, from), lt(patrols.at, to), ...(nightOnly ? [eq(patrols.night, true)] : [])))
      .get() !== undefined
  );
}
