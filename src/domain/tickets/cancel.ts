import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { actingMemberId } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { phrase, say } from '../notice.js';
import { actorName, tellInvolvedStaff, tellPeople } from './announce.js';
import { changeTicket, transition } from './machine.js';
import { checkNote } from './resolve.js';
import { getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

/**
 * 撤销: the reporter withdraws a ticket that is no longer needed, or staff (or an admin through the API)
 * close one that is not a matter for them (a joke, a duplicate the dedupe missed), saying why. Only while
 * it is open or taken.
 */
export function cancelTicket(ctx: Ctx, ticketId: number, input: { reason?: string; roomId?: number } = {}): Ticket {
  const reason = checkNote(input.reason);
  const memberId = actingMemberId(ctx);
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    const ref = ticketRef(ticket.id);
    const byReporter = ticket.reporterId === memberId;
    const to = transition(ctx, ticket, 'cancel');
    if (!byReporter && !reason) throw new DomainError('INVALID_INPUT', 'ticket.cancelReasonRequired', { ref });
    const cancelled = changeTicket(ctx, ticket, {
      status: to,
      closedAt: ctx.clock.now(),
      slaStartedAt: null,
      dueAt: null,
      warnedAt: null,
    });
    recordEvent(ctx, cancelled, { kind: 'cancel', from: ticket.status, to, note: reason });
    audit(ctx, 'ticket.cancel', { type: 'ticket', id: ticket.id }, { reason });
    const params = { ref, text: ticket.text, note: reason ? phrase('ticket.part.note', { text: reason }) : '' };
    // The reporter is named as such, so an anonymous report stays anonymous.
    const notice = say('ticket.notice.cancelled', { ...params, who: byReporter ? phrase('ticket.reporterWord') : actorName(ctx) });
    tellInvolvedStaff(ctx, cancelled, notice, input.roomId);
    tellPeople(ctx, cancelled, notice, { exceptMemberId: memberId });
    return cancelled;
  });
}
