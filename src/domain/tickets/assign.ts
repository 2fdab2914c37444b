import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { say } from '../notice.js';
import { notifyMember } from '../notify.js';
import { getMember } from '../org/members.js';
import { actorName, source, tellInvolvedStaff, tellPeople } from './announce.js';
import { getCategory, resolveLimitMs } from './categories.js';
import { resolveButton } from './notices.js';
import { finishedError, mayActOn, mayHandle, mayResolveTaken } from './permissions.js';
import { changeTicket, getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

/**
 * 派单: staff above the worker (or an admin through the API) hand a ticket to a staff member who covers
 * where it was reported. An open ticket becomes theirs as if they had taken it, and the resolve window
 * starts; a taken one changes hands and keeps its deadline. The assignee hears it privately, the staff
 * rooms and the reporter as for a take, and a previous taker that it is no longer theirs.
 */
export function assignTicket(ctx: Ctx, ticketId: number, input: { memberId: number }): Ticket {
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    const ref = ticketRef(ticket.id);
    if (!mayActOn(ctx, ticket)) throw new DomainError('FORBIDDEN', 'ticket.assignForbidden', { ref });
    // Taking a ticket out of a colleague's hands is for staff above them, as resolving it for them is.
    if (ticket.status === 'taken' && ctx.actor.kind === 'member' && !mayResolveTaken(ctx.db, ctx.actor.memberId, ticket)) {
      throw new DomainError('FORBIDDEN', 'ticket.assignForbidden', { ref });
    }
    const assignee = getMember(ctx.db, input.memberId);
    if (!mayHandle(ctx.db, assignee.id, ticket)) throw new DomainError('INVALID_INPUT', 'ticket.assigneeNotStaff', { ref, name: assignee.name });
    if (ticket.status !== 'open' && ticket.status !== 'taken') throw finishedError(ticket, ref);
    if (ticket.takerId === assignee.id) throw new DomainError('CONFLICT', 'ticket.alreadyWith', { ref, name: assignee.name });

    const now = ctx.clock.now();
    const previousTakerId = ticket.takerId;
    const assigned =
      ticket.status === 'open'
        ? changeTicket(ctx, ticket.id, {
            status: 'taken',
            takerId: assignee.id,
            takenAt: now,
            slaStartedAt: now,
            dueAt: new Date(now.getTime() + resolveLimitMs(getCategory(ctx.db, ticket.categoryId))),
            warnedAt: null,
          })
        : changeTicket(ctx, ticket.id, { takerId: assignee.id });
    recordEvent(ctx, assigned, {
      kind: 'assign',
      ...(ticket.status === 'open' ? { from: 'open' as const, to: 'taken' as const } : {}),
      // The name as it was, for the history line; the id for everything else.
      data: { memberId: assignee.id, name: assignee.name, ...(previousTakerId !== null ? { previousTakerId } : {}) },
    });
    audit(ctx, 'ticket.assign', { type: 'ticket', id: ticket.id }, { memberId: assignee.id, previousTakerId });

    const params = { ref, text: assigned.text, name: assignee.name };
    const by = actorName(ctx);
    notifyMember(ctx, assignee.id, say('ticket.notice.assignedYou', { ...params, by }, { buttons: [[resolveButton(ref)]] }), source(ticket));
    if (previousTakerId !== null) notifyMember(ctx, previousTakerId, say('ticket.notice.unassigned', params), source(ticket));
    tellInvolvedStaff(ctx, assigned, say('ticket.notice.assignedStaff', { ...params, by }));
    tellPeople(ctx, assigned, { reporter: say('ticket.notice.takenReporter', params), follower: say('ticket.notice.takenFollower', params) });
    return assigned;
  });
}
