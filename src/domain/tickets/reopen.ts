import { DAY } from '../../clock.js';
import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { say } from '../notice.js';
import { tellPeople } from './announce.js';
import { getCategory, takeLimitMs } from './categories.js';
import { announceHandover } from './handover.js';
import { changeTicket, transition } from './machine.js';
import { checkNote } from './resolve.js';
import { escalationTarget } from './routing.js';
import { getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

/** How long after 办结 the reporter may say it is not fixed. */
export const REOPEN_WINDOW_MS = 7 * DAY;

/**
 * 重开 / 没解决: the reporter sends a resolved (or closed) ticket back, within 7 days of its 办结. It
 * opens again one level up, so someone above the first handler looks at it; the take window restarts.
 */
export function reopenTicket(ctx: Ctx, ticketId: number, input: { reason?: string } = {}): Ticket {
  const reason = checkNote(input.reason);
  requireMember(ctx, 'ticket');
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    const ref = ticketRef(ticket.id);
    const to = transition(ctx, ticket, 'reopen');
    const now = ctx.clock.now();
    if (!ticket.resolvedAt || now.getTime() - ticket.resolvedAt.getTime() > REOPEN_WINDOW_MS) {
      throw new DomainError('EXPIRED', 'ticket.reopenTooLate', { ref, days: REOPEN_WINDOW_MS / DAY });
    }
    const up = escalationTarget(ctx.db, ticket.responsibleUnitId);
    const category = getCategory(ctx.db, ticket.categoryId);
    const reopened = changeTicket(ctx, ticket, {
      status: to,
      responsibleUnitId: up?.id ?? ticket.responsibleUnitId,
      level: ticket.level + (up ? 1 : 0),
      takerId: null,
      takenAt: null,
      resolvedAt: null,
      closedAt: null,
      rating: null,
      comment: null,
      slaStartedAt: now,
      dueAt: new Date(now.getTime() + takeLimitMs(category)),
      warnedAt: null,
    });
    recordEvent(ctx, reopened, { kind: 'reopen', from: ticket.status, to, note: reason });
    audit(ctx, 'ticket.reopen', { type: 'ticket', id: ticket.id }, { reason, responsibleUnitId: reopened.responsibleUnitId });
    announceHandover(ctx, reopened, ticket.responsibleUnitId, 'reopen', { note: reason });
    tellPeople(ctx, reopened, say('ticket.notice.reopenedFollower', { ref, text: reopened.text }), { reporter: false });
    return reopened;
  });
}
