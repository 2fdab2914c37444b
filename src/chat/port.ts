import { inTransaction } from '../db/client.js';
import type { Deps } from '../domain/context.js';
import { queueReply, notifyTopStaff } from '../domain/notify.js';
import type { Said } from '../domain/notice.js';
import { usableCodesIn } from '../domain/org/binding-codes.js';
import { findIdentity, identitiesOn } from '../domain/org/identities.js';
import { findRoom, moveRoom, type Room, roomsOn, seeRoom } from '../domain/org/rooms.js';
import type { MessageKey, MessageParams, ParamArgs } from '../i18n/index.js';
import type { OutMessage } from './types.js';

/** A room as an adapter sees it: which one, what it is called, and whether it is a group. */
export interface KnownRoom {
  id: number;
  platformRoomId: string;
  name: string;
  kind: 'group' | 'private';
}

/** A binding code a friend request's greeting carries: a member's (links a person) or a room's. */
export interface GreetingCode {
  code: string;
  kind: 'member' | 'room';
}

const known = (room: Room): KnownRoom => ({ id: room.id, platformRoomId: room.platformRoomId, name: room.name, kind: room.kind });

/**
 * What an adapter may tell Linli or ask of it besides a message to handle: the platform events (a group
 * renamed, moved, joined; a reply that could not go; a friend request; the connection lost and back) and
 * the few lookups a platform needs. Adapters reach the rules and the database only through here and
 * ChatCore.handle, so that a platform knows nothing of tickets and the domain nothing of WeChat.
 */
export class ChatPort {
  constructor(readonly deps: Deps) {}

  /** A group's name changed on the platform (a WeChat group's new topic). */
  roomRenamed(platform: string, roomId: string, name: string): void {
    this.#seeGroup(platform, roomId, name);
  }

  /** The bot was added to a group: the room is recorded, ready to be bound with a code. */
  botAdded(platform: string, roomId: string, name: string): void {
    this.#seeGroup(platform, roomId, name);
  }

  /**
   * A group got a new id (a Telegram group that became a supergroup): its room, binding and all, moves
   * there. Undefined when the old id was never seen.
   */
  roomMoved(platform: string, fromId: string, toId: string): KnownRoom | undefined {
    const room = moveRoom(this.deps, platform, fromId, toId);
    return room && known(room);
  }

  /**
   * A reply that could not be sent now goes to the outbox, whose dispatcher retries it with backoff: the
   * message it answers is marked handled and will not come again. False when the room is unknown.
   */
  replyLater(platform: string, roomId: string, message: OutMessage, source: string): boolean {
    return queueReply(this.deps, platform, roomId, message, source);
  }

  /** The binding codes in a friend request's greeting that exist and can still be used (read-only). */
  usableCodesIn(text: string): GreetingCode[] {
    return usableCodesIn(this.deps, text).map(({ code, kind }) => ({ code, kind }));
  }

  /**
   * Tells the staff rooms of the top units, on whatever platform they are, something about the bot itself
   * (WeChat logged out, back). Returns how many rooms it went to.
   */
  tellTopStaff<K extends MessageKey>(source: string, key: K, ...params: ParamArgs<K>): number {
    // The params were checked against the key by this signature, as `t` checks them.
    const notice: Said = { kind: 'say', lines: [{ key, params: (params[0] ?? {}) as MessageParams }] };
    return inTransaction(this.deps.db, () => notifyTopStaff(this.deps, notice, source));
  }

  findRoom(platform: string, roomId: string): KnownRoom | undefined {
    const room = findRoom(this.deps.db, platform, roomId);
    return room && known(room);
  }

  /** Every room seen on the platform. */
  rooms(platform: string): KnownRoom[] {
    return roomsOn(this.deps.db, platform).map(known);
  }

  /** Every user seen on the platform: their platform id and the name they go by. */
  users(platform: string): { userId: string; name: string }[] {
    return identitiesOn(this.deps.db, platform).map((i) => ({ userId: i.platformUserId, name: i.displayName }));
  }

  /** The name a platform user goes by, as last seen; undefined for someone never seen. */
  displayName(platform: string, userId: string): string | undefined {
    return findIdentity(this.deps.db, platform, userId)?.displayName;
  }

  #seeGroup(platform: string, roomId: string, name: string): void {
    inTransaction(this.deps.db, () => seeRoom(this.deps, { platform, platformRoomId: roomId, name, isPrivate: false }));
  }
}
