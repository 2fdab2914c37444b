import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { phrase, say } from '../notice.js';
import { actorName, tellInvolvedStaff, tellPeople } from './announce.js';
import { finishedError, mayActOn } from './permissions.js';
import { checkNote } from './resolve.js';
import { changeTicket, getTicket, isActive, recordEvent, type Ticket, ticketRef } from './store.js';

/**
 * 撤销: the reporter withdraws a ticket that is no longer needed, or staff (or an admin through the API)
 * close one that is not a matter for them (a joke, a duplicate the dedupe missed), saying why. Only while
 * it is open or taken.
 */
export function cancelTicket(ctx: Ctx, ticketId: number, input: { reason?: string; roomId?: number } = {}): Ticket {
  const reason = checkNote(input.reason);
  const memberId = ctx.actor.kind === 'member' ? ctx.actor.memberId : undefined;
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    const ref = ticketRef(ticket.id);
    const byReporter = ticket.reporterId === memberId;
    if (!byReporter && !mayActOn(ctx, ticket)) throw new DomainError('FORBIDDEN', 'ticket.cancelForbidden', { ref });
    if (!isActive(ticket.status)) throw finishedError(ticket, ref);
    if (!byReporter && !reason) throw new DomainError('INVALID_INPUT', 'ticket.cancelReasonRequired', { ref });
    const cancelled = changeTicket(ctx, ticket.id, {
      status: 'cancelled',
      closedAt: ctx.clock.now(),
      slaStartedAt: null,
      dueAt: null,
      warnedAt: null,
    });
    recordEvent(ctx, cancelled, { kind: 'cancel', from: ticket.status, to: 'cancelled', note: reason });
    audit(ctx, 'ticket.cancel', { type: 'ticket', id: ticket.id }, { reason });
    const params = { ref, text: ticket.text, note: reason ? `：${reason}` : '' };
    // The reporter is named as such, so an anonymous report stays anonymous.
    const notice = say('ticket.notice.cancelled', { ...params, who: byReporter ? phrase('ticket.reporterWord') : actorName(ctx) });
    tellInvolvedStaff(ctx, cancelled, notice, input.roomId);
    tellPeople(ctx, cancelled, notice, { exceptMemberId: memberId });
    return cancelled;
  });
}
