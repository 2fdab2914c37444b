import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { getMember } from '../org/members.js';
import { say } from '../notice.js';
import { tellPeople } from './announce.js';
import { transition } from './machine.js';
import { checkNote } from './resolve.js';
import { getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

/** 备注: staff record progress ("已联系电工，明早来修"); the reporter and followers hear it. */
export function addNote(ctx: Ctx, ticketId: number, input: { note: string }): Ticket {
  const note = checkNote(input.note);
  if (!note) throw new DomainError('INVALID_INPUT', 'ticket.noteRequired');
  const memberId = requireMember(ctx, 'ticket');
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    const ref = ticketRef(ticket.id);
    transition(ctx, ticket, 'note');
    recordEvent(ctx, ticket, { kind: 'note', note });
    audit(ctx, 'ticket.note', { type: 'ticket', id: ticket.id }, { note });
    const name = getMember(ctx.db, memberId).name;
    tellPeople(ctx, ticket, say('ticket.notice.note', { ref, name, note, text: ticket.text }));
    return ticket;
  });
}
