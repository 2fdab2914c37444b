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
import { authorize, changeTicket, nextStatus } from './machine.js';
import { mayHandle } from './permissions.js';
import { phaseOf } from './states.js';
import { getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

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
    // Who may assign, then whether the assignee may have it, then whether the ticket can still change hands.
    authorize(ctx, ticket, 'assign');
    const assignee = getMember(ctx.db, input.memberId);
    if (!mayHandle(ctx.db, assignee.id, ticket)) throw new DomainError('INVALID_INPUT', 'ticket.assigneeNotStaff', { ref, name: assignee.name });
    const to = nextStatus(ctx, ticket, 'assign');
    if (ticket.takerId === assignee.id) throw new DomainError('CONFLICT', 'ticket.alreadyWith', { ref, name: assignee.name });

    const now = ctx.clock.now();
    const previousTakerId = ticket.takerId;
    // An open ticket is taken by the assignee, with its resolve window; a taken one only changes hands.
    const taking = phaseOf(ticket.status) === 'take';
    const assigned = taking
      ? changeTicket(ctx, ticket, {
          status: to,
          takerId: assignee.id,
          takenAt: now,
          slaStartedAt: now,
          dueAt: new Date(now.getTime() + resolveLimitMs(getCategory(ctx.db, ticket.categoryId))),
          warnedAt: null,
        })
      : changeTicket(ctx, ticket, { takerId: assignee.id });
    recordEvent(ctx, assigned, {
      kind: 'assign',
      ...(taking ? { from: ticket.status, to } : {}),
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
