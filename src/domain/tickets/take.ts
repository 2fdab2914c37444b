import { inTransaction } from '../../db/client.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { getMember } from '../org/members.js';
import { say } from '../notice.js';
import { tellInvolvedStaff, tellPeople } from './announce.js';
import { getCategory, resolveLimitMs } from './categories.js';
import { changeTicket, nextStatus, transition } from './machine.js';
import { getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

export interface ActionOptions {
  /** The room the command was said in: it already hears the reply, so notices skip it. */
  roomId?: number;
}

/**
 * 接单: a staff member covering where the ticket was reported takes it. The resolve window starts now;
 * the reporter, those following and the other staff rooms that have it hear who took it.
 */
export function takeTicket(ctx: Ctx, ticketId: number, options: ActionOptions = {}): Ticket {
  const memberId = requireMember(ctx, 'ticket');
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    transition(ctx, ticket, 'take');
    return markTaken(ctx, ticket, memberId, options);
  });
}

/** The take itself, shared with 办结 of a ticket nobody took yet; the caller checked who may. */
export function markTaken(ctx: Ctx, ticket: Ticket, memberId: number, options: ActionOptions, tell = true): Ticket {
  const now = ctx.clock.now();
  const category = getCategory(ctx.db, ticket.categoryId);
  const taken = changeTicket(ctx, ticket, {
    status: nextStatus(ctx, ticket, 'take'),
    takerId: memberId,
    takenAt: now,
    slaStartedAt: now,
    dueAt: new Date(now.getTime() + resolveLimitMs(category)),
    warnedAt: null,
  });
  recordEvent(ctx, taken, { kind: 'take', from: ticket.status, to: taken.status });
  audit(ctx, 'ticket.take', { type: 'ticket', id: ticket.id }, {});
  if (tell) {
    const ref = ticketRef(ticket.id);
    const name = getMember(ctx.db, memberId).name;
    const params = { ref, name, text: taken.text };
    tellPeople(ctx, taken, { reporter: say('ticket.notice.takenReporter', params), follower: say('ticket.notice.takenFollower', params) });
    tellInvolvedStaff(ctx, taken, say('ticket.notice.takenStaff', { ref, name }), options.roomId);
  }
  return taken;
}
