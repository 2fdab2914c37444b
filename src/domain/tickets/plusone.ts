import { inTransaction } from '../../db/client.js';
import { ticketFollowers } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { getRoom } from '../org/rooms.js';
import { changeTicket, transition } from './machine.js';
import { roomMayHear } from './permissions.js';
import { getTicket, isFollower, recordEvent, type Ticket, ticketRef } from './store.js';

/**
 * 附议: "me too". Raises the count the staff see and subscribes the speaker to the ticket's progress. Only
 * neighbours may: someone from another grid neither follows a ticket nor hears its news in their group.
 */
export function plusOneTicket(ctx: Ctx, ticketId: number, input: { roomId?: number } = {}): Ticket {
  const memberId = requireMember(ctx, 'ticket');
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    const ref = ticketRef(ticket.id);
    if (ticket.reporterId === memberId) throw new DomainError('CONFLICT', 'ticket.plusOneOwn', { ref });
    transition(ctx, ticket, 'plusone');
    if (isFollower(ctx.db, ticket.id, memberId)) throw new DomainError('CONFLICT', 'ticket.plusOneAgain', { ref });
    const roomId = input.roomId !== undefined && roomMayHear(ctx.db, getRoom(ctx.db, input.roomId), ticket) ? input.roomId : null;
    ctx.db.insert(ticketFollowers).values({ ticketId: ticket.id, memberId, roomId, createdAt: ctx.clock.now() }).run();
    const raised = changeTicket(ctx, ticket, { plusOnes: ticket.plusOnes + 1 });
    recordEvent(ctx, raised, { kind: 'plusone' });
    audit(ctx, 'ticket.plusone', { type: 'ticket', id: ticket.id }, {});
    return raised;
  });
}
