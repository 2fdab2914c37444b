import type { Db } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import type { Ctx } from '../context.js';
import { canActAsStaff, hasRole } from '../org/members.js';
import { getUnit } from '../org/units.js';
import { isFollower, routedUnitId, type Ticket } from './store.js';

/** The member behind the call; tickets are reported, taken and rated by people. */
export function actingMember(ctx: Ctx): number {
  if (ctx.actor.kind !== 'member') throw new DomainError('FORBIDDEN', 'ticket.memberOnly');
  return ctx.actor.memberId;
}

/**
 * Staff covering where the ticket was reported may take it, note it and fix its category. That includes
 * the grid worker after the ticket escalated past them ("the original staff can still act") and every
 * level above.
 */
export const mayHandle = (db: Db, memberId: number, ticket: Ticket) => canActAsStaff(db, memberId, ticket.originUnitId);

/** The taker, or staff above the unit the ticket was first routed to, may resolve a taken ticket. */
export function mayResolveTaken(db: Db, memberId: number, ticket: Ticket): boolean {
  if (ticket.takerId === memberId) return true;
  const parentId = getUnit(db, routedUnitId(db, ticket)).parentId;
  return parentId !== null && canActAsStaff(db, memberId, parentId);
}

/** The reporter, those who said 附议, and the staff who may handle it. */
export const mayView = (db: Db, memberId: number, ticket: Ticket) =>
  ticket.reporterId === memberId || isFollower(db, ticket.id, memberId) || mayHandle(db, memberId, ticket);

/** An anonymous reporter is named only to themselves and to admins over the place it was reported. */
export const seesReporter = (db: Db, viewerId: number | undefined, ticket: Ticket) =>
  !ticket.anonymous ||
  (viewerId !== undefined && (viewerId === ticket.reporterId || hasRole(db, viewerId, 'admin', ticket.originUnitId)));

/** The refusal for acting on a ticket that is past the state the action needs. */
export function finishedError(ticket: Ticket, ref: string): DomainError {
  switch (ticket.status) {
    case 'resolved':
      return new DomainError('CONFLICT', 'ticket.alreadyResolved', { ref });
    case 'closed':
      return new DomainError('CONFLICT', 'ticket.alreadyClosed', { ref });
    case 'cancelled':
      return new DomainError('CONFLICT', 'ticket.alreadyCancelled', { ref });
    default:
      return new DomainError('CONFLICT', 'ticket.stillOpen', { ref });
  }
}

/**
 * Staff work on a ticket (派单, 上报) by whoever is acting: a member must be staff covering it; an API token
 * was checked against the ticket's unit by the HTTP layer, and jobs act for everyone.
 */
export const mayActOn = (ctx: Ctx, ticket: Ticket) => ctx.actor.kind !== 'member' || mayHandle(ctx.db, ctx.actor.memberId, ticket);
