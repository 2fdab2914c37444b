import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import { type UnitKind, units } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { inSubtree } from './subtree.js';
import { requireFitsUnder } from './unit-kinds.js';

export type Unit = typeof units.$inferSelect;

export const DEFAULT_POINTS_PER_HOUR = 10;

const unitById = preparedPerDb((db) =>
  db
    .select()
    .from(units)
    .where(eq(units.id, sql.placeholder('id')))
    .prepare(),
);

export function getUnit(db: Db, id: number): Unit {
  const unit = unitById(db).get({ id });
  if (!unit) throw new DomainError('NOT_FOUND', 'unit.notFound', { id });
  return unit;
}

export function findUnitByName(db: Db, name: string): Unit | undefined {
  return db.select().from(units).where(eq(units.name, name.trim())).orderBy(asc(units.depth)).get();
}

/** Ids from the root down to and including the unit. */
export function pathIds(unit: Pick<Unit, 'path'>): number[] {
  return unit.path.split('/').filter(Boolean).map(Number);
}

/** The unit and its ancestors, nearest first. */
export function selfAndAncestors(db: Db, unitOrId: Unit | number): Unit[] {
  const fresh = typeof unitOrId === 'number' ? getUnit(db, unitOrId) : undefined;
  const unit = fresh ?? (unitOrId as Unit);
  // A few point lookups of one prepared query: a tree is a handful of levels deep.
  return pathIds(unit)
    .reverse()
    .map((id) => (id === fresh?.id ? fresh : unitById(db).get({ id })))
    .filter((u): u is Unit => u !== undefined);
}

/** The nearest unit of a kind at or above the unit: the community a grid or building belongs to. */
export function nearestOfKind(db: Db, unitId: number, kind: UnitKind): Unit | undefined {
  return selfAndAncestors(db, unitId).find((u) => u.kind === kind);
}

/** The community a unit belongs to, or the unit itself where there is none above it. */
export function communityOf(db: Db, unitId: number): Unit {
  return nearestOfKind(db, unitId, 'community') ?? getUnit(db, unitId);
}

/** Whether `unitId` is `ancestorId` or lies below it. */
export function isWithin(db: Db, unitId: number, ancestorId: number): boolean {
  return pathIds(getUnit(db, unitId)).includes(ancestorId);
}

/** The unit and all its descendants. */
export function subtree(db: Db, unitId: number): Unit[] {
  const root = getUnit(db, unitId);
  return db.select().from(units).where(inSubtree(units.path, root.path)).orderBy(asc(units.depth), asc(units.id)).all();
}

export function subtreeIds(db: Db, unitId: number): number[] {
  return subtree(db, unitId).map((u) => u.id);
}

export function childrenOf(db: Db, parentId: number | null): Unit[] {
  return db
    .select()
    .from(units)
    .where(parentId === null ? sql`${units.parentId} IS NULL` : eq(units.parentId, parentId))
    .orderBy(asc(units.id))
    .all();
}

export interface CreateUnitInput {
  parentId: number | null;
  kind: UnitKind;
  name: string;
  pointsPerHour?: number | null;
}

export function createUnit(ctx: Ctx, input: CreateUnitInput): Unit {
  const name = input.name.trim();
  if (!name) throw new DomainError('INVALID_INPUT', 'unit.nameRequired');
  return inTransaction(ctx.db, () => {
    const parent = input.parentId === null ? null : getUnit(ctx.db, input.parentId);
    requireFitsUnder(input.kind, parent?.kind ?? null);
    const clash = ctx.db
      .select({ id: units.id })
      .from(units)
      .where(and(parent ? eq(units.parentId, parent.id) : sql`${units.parentId} IS NULL`, eq(units.name, name)))
      .get();
    if (clash) throw new DomainError('CONFLICT', 'unit.nameTaken', { name });
    const inserted = ctx.db
      .insert(units)
      .values({
        parentId: parent?.id ?? null,
        kind: input.kind,
        name,
        path: '/',
        depth: parent ? parent.depth + 1 : 0,
        pointsPerHour: input.pointsPerHour ?? null,
        createdAt: ctx.clock.now(),
      })
      .returning()
      .get();
    const path = `${parent?.path ?? '/'}${inserted.id}/`;
    ctx.db.update(units).set({ path }).where(eq(units.id, inserted.id)).run();
    audit(ctx, 'unit.create', { type: 'unit', id: inserted.id }, { name, kind: input.kind, parentId: parent?.id ?? null });
    return { ...inserted, path };
  });
}

export interface UpdateUnitInput {
  name?: string;
  kind?: UnitKind;
  parentId?: number | null;
  pointsPerHour?: number | null;
}

/** Renames, re-kinds or moves a unit; moving rewrites the paths of its whole subtree. */
export function updateUnit(ctx: Ctx, id: number, input: UpdateUnitInput): Unit {
  return inTransaction(ctx.db, () => {
    const unit = getUnit(ctx.db, id);
    const changes: Partial<Unit> = {};
    if (input.name !== undefined) {
      const name = input.name.trim();
      if (!name) throw new DomainError('INVALID_INPUT', 'unit.nameRequired');
      changes.name = name;
    }
    if (input.kind !== undefined) changes.kind = input.kind;
    if (input.pointsPerHour !== undefined) {
      if (input.pointsPerHour !== null && (!Number.isInteger(input.pointsPerHour) || input.pointsPerHour < 0)) {
        throw new DomainError('INVALID_INPUT', 'unit.badRate');
      }
      changes.pointsPerHour = input.pointsPerHour;
    }
    // The kind stays below the parent's (after a move, the new one's) and above every child's.
    const movesTo = input.parentId !== undefined && input.parentId !== null && input.parentId !== unit.parentId ? input.parentId : undefined;
    if (changes.kind !== undefined || movesTo !== undefined) {
      const kindAfter = changes.kind ?? unit.kind;
      const parentAfter = movesTo ?? unit.parentId;
      requireFitsUnder(kindAfter, parentAfter === null ? null : getUnit(ctx.db, parentAfter).kind);
      if (changes.kind !== undefined) for (const child of childrenOf(ctx.db, unit.id)) requireFitsUnder(child.kind, kindAfter);
    }
    if (input.parentId !== undefined && input.parentId !== unit.parentId) {
      if (input.parentId === null) throw new DomainError('INVALID_INPUT', 'unit.cannotBecomeRoot');
      const parent = getUnit(ctx.db, input.parentId);
      if (pathIds(parent).includes(unit.id)) throw new DomainError('INVALID_INPUT', 'unit.cycle');
      const newPath = `${parent.path}${unit.id}/`;
      const depthShift = parent.depth + 1 - unit.depth;
      ctx.db
        .update(units)
        .set({
          path: sql`${newPath} || substr(${units.path}, ${unit.path.length + 1})`,
          depth: sql`${units.depth} + ${depthShift}`,
        })
        .where(inSubtree(units.path, unit.path))
        .run();
      changes.parentId = parent.id;
    }
    const nameAfter = changes.name ?? unit.name;
    const parentAfter = changes.parentId ?? unit.parentId;
    if (changes.name !== undefined || changes.parentId !== undefined) {
      const clash = ctx.db
        .select({ id: units.id })
        .from(units)
        .where(
          and(
            parentAfter === null ? sql`${units.parentId} IS NULL` : eq(units.parentId, parentAfter),
            eq(units.name, nameAfter),
            sql`${units.id} <> ${unit.id}`,
          ),
        )
        .get();
      if (clash) throw new DomainError('CONFLICT', 'unit.nameTaken', { name: nameAfter });
    }
    if (Object.keys(changes).length) ctx.db.update(units).set(changes).where(eq(units.id, id)).run();
    audit(ctx, 'unit.update', { type: 'unit', id }, { ...input });
    return getUnit(ctx.db, id);
  });
}

/** Points per hour of service for a unit: its own rate, or the nearest ancestor's, or the default. */
export function pointsPerHour(db: Db, unitId: number): number {
  for (const unit of selfAndAncestors(db, unitId)) {
    if (unit.pointsPerHour !== null) return unit.pointsPerHour;
  }
  return DEFAULT_POINTS_PER_HOUR;
}
