import type { Db } from '../../db/client.js';
import { isRelatedTo } from '../org/authority.js';
import { canActAsStaff, hasRole } from '../org/members.js';
import type { Room } from '../org/rooms.js';
import { getUnit, nearestOfKind, pathIds, type Unit } from '../org/units.js';
import { isActive } from './states.js';
import { isFollower, routedUnitId, type Ticket } from './store.js';

/**
 * Staff covering where the ticket was reported may take it, note it and fix its category. That includes
 * the grid worker after the ticket escalated past them ("the original staff can still act") and every
 * level above.
 */
export const mayHandle = (db: Db, memberId: number, ticket: Ticket) => canActAsStaff(db, memberId, ticket.originUnitId);

/** Staff above the unit the ticket was first routed to: they may resolve or reassign it for its taker. */
export function isStaffAbove(db: Db, memberId: number, ticket: Ticket): boolean {
  const parentId = getUnit(db, routedUnitId(db, ticket)).parentId;
  return parentId !== null && canActAsStaff(db, memberId, parentId);
}

/** Where a ticket's neighbours are: the grid it was reported in (a building's grid), or the place itself where no grid is above it. */
const neighbourhoodOf = (db: Db, ticket: Ticket): Unit => nearestOfKind(db, ticket.originUnitId, 'grid') ?? getUnit(db, ticket.originUnitId);

/**
 * 附议 is for neighbours: a role in the ticket's grid, in a building below it or on a unit above it (a
 * community volunteer, the community's staff). Refs are sequential, so without this anyone could follow any
 * ticket and, following it, read it and have its news posted where they said 附议.
 */
export const mayFollow = (db: Db, memberId: number, ticket: Ticket) => isRelatedTo(db, memberId, neighbourhoodOf(db, ticket));

/** Whether a refusal may suggest 附议: the ticket is still open to it and the member could, and does not yet, follow it. */
export const mayStartFollowing = (db: Db, memberId: number, ticket: Ticket) =>
  isActive(ticket.status) && ticket.reporterId !== memberId && !isFollower(db, ticket.id, memberId) && mayFollow(db, memberId, ticket);

/**
 * Whether a follower's news may go to this room when they have no private chat: a private chat, or a group
 * of the ticket's grid, a building in it or a unit above it. Said in another grid's group, it goes nowhere
 * but the follower's private chat.
 */
export function roomMayHear(db: Db, room: Room, ticket: Ticket): boolean {
  if (room.kind === 'private') return true;
  if (room.unitId === null) return false;
  const place = neighbourhoodOf(db, ticket);
  return pathIds(getUnit(db, room.unitId)).includes(place.id) || pathIds(place).includes(room.unitId);
}

/** The reporter, those who said 附议, and the staff who may handle it. */
export const mayView = (db: Db, memberId: number, ticket: Ticket) =>
  ticket.reporterId === memberId || isFollower(db, ticket.id, memberId) || mayHandle(db, memberId, ticket);

/**
 * Whom a reader sees as "一位居民" on the ticket, of its `anonymous` people (an anonymous reporter, those
 * who joined it anonymously): each is named only to themselves and to admins over the place it was
 * reported, and in a group to nobody, whoever asks there.
 */
export function hiddenFrom(db: Db, viewerId: number, ticket: Ticket, anonymous: ReadonlySet<number>, inGroup: boolean): ReadonlySet<number> {
  if (inGroup || !anonymous.size) return anonymous;
  if (hasRole(db, viewerId, 'admin', ticket.originUnitId)) return new Set();
  return new Set([...anonymous].filter((id) => id !== viewerId));
}
