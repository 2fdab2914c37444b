import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { phrase, say } from '../notice.js';
import { tellInvolvedStaff } from './announce.js';
import { changeTicket, transition } from './machine.js';
import { stars } from './notices.js';
import { cleanText } from './report.js';
import { getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

const MAX_COMMENT = 200;

/** 评价: the reporter closes a resolved ticket with 1 to 5 stars and, if they like, a word. */
export function rateTicket(ctx: Ctx, ticketId: number, input: { rating: number; comment?: string }): Ticket {
  const ref = ticketRef(ticketId);
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
    throw new DomainError('INVALID_INPUT', 'ticket.badRating', { ref });
  }
  const comment = cleanText(input.comment ?? '') || null;
  if (comment && comment.length > MAX_COMMENT) throw new DomainError('INVALID_INPUT', 'ticket.noteTooLong', { max: MAX_COMMENT });
  requireMember(ctx, 'ticket');
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    const to = transition(ctx, ticket, 'rate');
    const closed = changeTicket(ctx, ticket, { status: to, rating: input.rating, comment, closedAt: ctx.clock.now() });
    recordEvent(ctx, closed, { kind: 'rate', from: ticket.status, to, note: comment, data: { rating: input.rating } });
    audit(ctx, 'ticket.rate', { type: 'ticket', id: ticket.id }, { rating: input.rating });
    tellInvolvedStaff(
      ctx,
      closed,
      say('ticket.notice.ratedStaff', { ref, stars: stars(input.rating), comment: comment ? phrase('ticket.part.comment', { text: comment }) : '' }),
    );
    return closed;
  });
}
