import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { say } from '../notice.js';
import { tellInvolvedStaff } from './announce.js';
import { stars } from './notices.js';
import { actingMember } from './permissions.js';
import { cleanText } from './report.js';
import { changeTicket, getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

export const MAX_COMMENT = 200;

/** 评价: the reporter closes a resolved ticket with 1 to 5 stars and, if they like, a word. */
export function rateTicket(ctx: Ctx, ticketId: number, input: { rating: number; comment?: string }): Ticket {
  const ref = ticketRef(ticketId);
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
    throw new DomainError('INVALID_INPUT', 'ticket.badRating', { ref });
  }
  const comment = cleanText(input.comment ?? '') || null;
  if (comment && comment.length > MAX_COMMENT) throw new DomainError('INVALID_INPUT', 'ticket.noteTooLong', { max: MAX_COMMENT });
  const memberId = actingMember(ctx);
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    if (ticket.reporterId !== memberId) throw new DomainError('FORBIDDEN', 'ticket.rateForbidden', { ref });
    switch (ticket.status) {
      case 'open':
      case 'taken':
        throw new DomainError('CONFLICT', 'ticket.rateTooEarly', { ref });
      case 'closed':
        if (ticket.rating !== null) throw new DomainError('CONFLICT', 'ticket.alreadyRated', { ref, stars: stars(ticket.rating) });
        throw new DomainError('EXPIRED', 'ticket.rateTooLate', { ref });
      case 'cancelled':
        throw new DomainError('CONFLICT', 'ticket.alreadyCancelled', { ref });
      case 'resolved':
        break;
    }
    const closed = changeTicket(ctx, ticket.id, { status: 'closed', rating: input.rating, comment, closedAt: ctx.clock.now() });
    recordEvent(ctx, closed, { kind: 'rate', from: 'resolved', to: 'closed', note: comment, data: { rating: input.rating } });
    audit(ctx, 'ticket.rate', { type: 'ticket', id: ticket.id }, { rating: input.rating });
    tellInvolvedStaff(ctx, closed, say('ticket.notice.ratedStaff', { ref, stars: stars(input.rating), comment: comment ? `「${comment}」` : '' }));
    return closed;
  });
}
