import { inTransaction } from '../../db/client.js';
import { ticketFollowers } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { actingMember, finishedError } from './permissions.js';
import { changeTicket, getTicket, isActive, isFollower, recordEvent, type Ticket, ticketRef } from './store.js';

/** 附议: "me too". Raises the count the staff see and subscribes the speaker to the ticket's progress. */
export function plusOne(ctx: Ctx, ticketId: number, input: { roomId?: number } = {}): Ticket {
  const memberId = actingMember(ctx);
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    const ref = ticketRef(ticket.id);
    if (!isActive(ticket.status)) throw finishedError(ticket, ref);
    if (ticket.reporterId === memberId) throw new DomainError('CONFLICT', 'ticket.plusOneOwn', { ref });
    if (isFollower(ctx.db, ticket.id, memberId)) throw new DomainError('CONFLICT', 'ticket.plusOneAgain', { ref });
    ctx.db.insert(ticketFollowers).values({ ticketId: ticket.id, memberId, roomId: input.roomId ?? null, createdAt: ctx.clock.now() }).run();
    const raised = changeTicket(ctx, ticket.id, { plusOnes: ticket.plusOnes + 1 });
    recordEvent(ctx, raised, { kind: 'plusone' });
    audit(ctx, 'ticket.plusone', { type: 'ticket', id: ticket.id }, {});
    return raised;
  });
}
