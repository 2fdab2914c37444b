import { and, eq, sql } from 'drizzle-orm';
import { placeholderFor, preparedPerDb } from '../db/prepared.js';
import { identities, outbox, type RoomPurpose } from '../db/schema/index.js';
import type { Deps } from './context.js';
import type { Notice, OutMessage } from './notice.js';
import { currentMemberId, getMember } from './org/members.js';
import { findRoom, groupRoomsOf, privateRoomOf, type Room, roomLanguage } from './org/rooms.js';
import { childrenOf } from './org/units.js';

/**
 * Writes one outbox row per room, in the caller's transaction: the notification exists exactly when the
 * change that caused it does. The dispatcher delivers it. The notice is worded (deps.render) in each
 * room's language.
 */
export function notifyRooms(deps: Deps, rooms: readonly Room[], notice: Notice, source: string, mention?: string): number {
  const now = deps.clock.now();
  for (const room of rooms) enqueue(deps, room, deps.render(notice, roomLanguage(room, deps.settings)), source, now, mention);
  return rooms.length;
}

export function notifyUnit(deps: Deps, unitId: number, purpose: RoomPurpose, notice: Notice, source: string): number {
  return notifyRooms(deps, groupRoomsOf(deps.db, [unitId], purpose), notice, source);
}

/**
 * A reply an adapter could not send (network down, the puppet logged out, shutting down) goes to the
 * outbox, which retries it: the message it answers is already marked handled and will not come again.
 */
export function queueReply(deps: Deps, platform: string, platformRoomId: string, message: OutMessage, source: string): boolean {
  const room = findRoom(deps.db, platform, platformRoomId);
  if (!room) return false;
  enqueue(deps, room, message, source, deps.clock.now());
  return true;
}

/** The staff rooms of the top of the tree (the street's): where the system reports what a person must look at. */
export function notifyTopStaff(deps: Deps, notice: Notice, source: string): number {
  return childrenOf(deps.db, null).reduce((n, root) => n + notifyUnit(deps, root.id, 'staff', notice, source), 0);
}

/**
 * Sends to the member's most recently used private chat; false when they have none yet. A record merged
 * into another is the same person, reached where they are now.
 */
export function notifyMember(deps: Deps, memberId: number, notice: Notice, source: string): boolean {
  const person = currentMemberId(deps.db, memberId);
  const room = privateRoomOf(deps.db, person);
  if (!room) return false;
  enqueue(deps, room, deps.render(notice, getMember(deps.db, person).language), source, deps.clock.now());
  return true;
}

/**
 * Tells a member in their private chat when they have one, else in the group rooms given (where the matter
 * came up: the group they spoke in), addressed to them with an @mention. On WeChat most residents never
 * open a private chat with the bot, and a notice only sent privately would never reach them. A group on a
 * platform where they have no account is skipped, as nobody there could be addressed; `anonymous` posts
 * without addressing them. Returns how many rooms it went to. Never use it for what must stay private (a
 * voucher code): that goes through notifyMember alone.
 */
export function notifyPerson(
  deps: Deps,
  memberId: number,
  notice: Notice,
  source: string,
  groups: readonly Room[],
  options: { anonymous?: boolean } = {},
): number {
  if (notifyMember(deps, memberId, notice, source)) return 1;
  const person = currentMemberId(deps.db, memberId);
  let sent = 0;
  for (const room of groups) {
    if (room.kind !== 'group') continue;
    const mention = options.anonymous ? undefined : platformUserId(deps, person, room.platform);
    if (!mention && !options.anonymous) continue;
    sent += notifyRooms(deps, [room], notice, source, mention);
  }
  return sent;
}

/** The member's user id on a platform, to @mention them in a group there. */
export function platformUserId(deps: Deps, memberId: number, platform: string): string | undefined {
  return deps.db
    .select({ id: identities.platformUserId })
    .from(identities)
    .where(and(eq(identities.memberId, memberId), eq(identities.platform, platform)))
    .get()?.id;
}

function enqueue(deps: Deps, room: Room, message: OutMessage, source: string, now: Date, mention?: string) {
  newOutboxRow(deps.db).run({
    platform: room.platform,
    roomId: room.platformRoomId,
    text: message.text,
    buttons: message.buttons ?? null,
    mentionUserId: mention ?? message.mentionUserId ?? null,
    images: message.images?.length ? message.images : null,
    source,
    nextAttemptAt: now,
    createdAt: now,
  });
}

const newOutboxRow = preparedPerDb((db) =>
  db
    .insert(outbox)
    .values({
      platform: sql.placeholder('platform'),
      roomId: sql.placeholder('roomId'),
      text: sql.placeholder('text'),
      buttons: placeholderFor('buttons', outbox.buttons),
      mentionUserId: sql.placeholder('mentionUserId'),
      images: placeholderFor('images', outbox.images),
      source: sql.placeholder('source'),
      nextAttemptAt: sql.placeholder('nextAttemptAt'),
      createdAt: sql.placeholder('createdAt'),
    })
    .prepare(),
);
