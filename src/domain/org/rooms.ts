import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Lang } from '../../config.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import { type RoomPurpose, rooms } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx, Deps, Settings } from '../context.js';
import { getUnit } from './units.js';

export type Room = typeof rooms.$inferSelect;

export interface SeenRoom {
  platform: string;
  platformRoomId: string;
  name: string;
  isPrivate: boolean;
}

const roomByPlatformId = preparedPerDb((db) =>
  db
    .select()
    .from(rooms)
    .where(and(eq(rooms.platform, sql.placeholder('platform')), eq(rooms.platformRoomId, sql.placeholder('platformRoomId'))))
    .prepare(),
);

const roomById = preparedPerDb((db) =>
  db
    .select()
    .from(rooms)
    .where(eq(rooms.id, sql.placeholder('id')))
    .prepare(),
);

export function findRoom(db: Db, platform: string, platformRoomId: string): Room | undefined {
  return roomByPlatformId(db).get({ platform, platformRoomId });
}

export function getRoom(db: Db, id: number): Room {
  const room = roomById(db).get({ id });
  if (!room) throw new DomainError('NOT_FOUND', 'room.notFound', { id });
  return room;
}

/**
 * Records that a message arrived in a room: creates the row on first sight and keeps its name (a group's
 * topic) current. Cheap on the hot path: it writes only when something changed or a minute has passed.
 */
export function seeRoom(deps: Deps, seen: SeenRoom): Room {
  const now = deps.clock.now();
  const existing = findRoom(deps.db, seen.platform, seen.platformRoomId);
  if (!existing) {
    return deps.db
      .insert(rooms)
      .values({
        platform: seen.platform,
        platformRoomId: seen.platformRoomId,
        name: seen.name,
        kind: seen.isPrivate ? 'private' : 'group',
        lastSeenAt: now,
        createdAt: now,
      })
      .returning()
      .get();
  }
  const nameChanged = seen.name !== '' && seen.name !== existing.name;
  if (nameChanged || now.getTime() - existing.lastSeenAt.getTime() > 60_000) {
    const changes = { lastSeenAt: now, ...(nameChanged ? { name: seen.name } : {}) };
    deps.db.update(rooms).set(changes).where(eq(rooms.id, existing.id)).run();
    return { ...existing, ...changes };
  }
  return existing;
}

/** A private room belongs to the member who speaks in it. */
export function claimPrivateRoom(db: Db, room: Room, memberId: number): Room {
  if (room.kind !== 'private' || room.memberId === memberId) return room;
  db.update(rooms).set({ memberId }).where(eq(rooms.id, room.id)).run();
  return { ...room, memberId };
}

export function bindRoom(ctx: Ctx, roomId: number, unitId: number, purpose: RoomPurpose): Room {
  return inTransaction(ctx.db, () => {
    const room = getRoom(ctx.db, roomId);
    if (room.kind !== 'group') throw new DomainError('INVALID_INPUT', 'bind.notAGroup');
    getUnit(ctx.db, unitId);
    const bound = ctx.db.update(rooms).set({ unitId, purpose, boundAt: ctx.clock.now() }).where(eq(rooms.id, roomId)).returning().get();
    audit(ctx, 'room.bind', { type: 'room', id: roomId }, { unitId, purpose, previousUnitId: room.unitId });
    return bound;
  });
}

export function unbindRoom(ctx: Ctx, roomId: number): Room {
  return inTransaction(ctx.db, () => {
    const room = getRoom(ctx.db, roomId);
    // Unbinding an unbound group changes nothing, and so is not audited again.
    if (room.unitId === null) return room;
    const unbound = ctx.db.update(rooms).set({ unitId: null, purpose: null, boundAt: null }).where(eq(rooms.id, roomId)).returning().get();
    audit(ctx, 'room.unbind', { type: 'room', id: roomId }, { unitId: room.unitId, purpose: room.purpose });
    return unbound;
  });
}

/** The language the bot speaks in a room: notices to a group are worded in it; null follows the default. */
export function setRoomLanguage(ctx: Ctx, roomId: number, language: Lang | null): Room {
  return inTransaction(ctx.db, () => {
    const room = getRoom(ctx.db, roomId);
    if (room.language === language) return room;
    const changed = ctx.db.update(rooms).set({ language }).where(eq(rooms.id, roomId)).returning().get();
    audit(ctx, 'room.language', { type: 'room', id: roomId }, { language, previous: room.language });
    return changed;
  });
}

/** A group that moved to a new platform id (Telegram's group → supergroup) keeps its binding. */
export function moveRoom(deps: Deps, platform: string, fromId: string, toId: string): Room | undefined {
  return inTransaction(deps.db, () => {
    const from = findRoom(deps.db, platform, fromId);
    if (!from) return undefined;
    const clash = findRoom(deps.db, platform, toId);
    if (clash) {
      if (clash.unitId === null && from.unitId !== null) {
        deps.db
          .update(rooms)
          .set({ unitId: from.unitId, purpose: from.purpose, boundAt: from.boundAt, language: from.language })
          .where(eq(rooms.id, clash.id))
          .run();
      }
      return getRoom(deps.db, clash.id);
    }
    return deps.db.update(rooms).set({ platformRoomId: toId }).where(eq(rooms.id, from.id)).returning().get();
  });
}

/** Bound group rooms of the units, optionally only those of one purpose. */
export function groupRoomsOf(db: Db, unitIds: number[], purpose?: RoomPurpose): Room[] {
  if (!unitIds.length) return [];
  return db
    .select()
    .from(rooms)
    .where(and(eq(rooms.kind, 'group'), inArray(rooms.unitId, unitIds), purpose ? eq(rooms.purpose, purpose) : isNotNull(rooms.purpose)))
    .orderBy(rooms.id)
    .all();
}

/** The private chat the member used most recently, on any platform. */
export function privateRoomOf(db: Db, memberId: number): Room | undefined {
  return db
    .select()
    .from(rooms)
    .where(and(eq(rooms.kind, 'private'), eq(rooms.memberId, memberId)))
    .orderBy(desc(rooms.lastSeenAt), desc(rooms.id))
    .get();
}

export const roomLanguage = (room: Pick<Room, 'language'>, settings: Settings): Lang => room.language ?? settings.lang;

/** Every room Linli has seen on a platform (the shell chat lists them). */
export function roomsOn(db: Db, platform: string): Room[] {
  return db.select().from(rooms).where(eq(rooms.platform, platform)).all();
}
