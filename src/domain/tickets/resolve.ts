import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { phrase, say } from '../notice.js';
import { getMember } from '../org/members.js';
import { tellInvolvedStaff, tellPeople } from './announce.js';
import { changeTicket, transition } from './machine.js';
import { cleanText } from './report.js';
import { phaseOf } from './states.js';
import { getTicket, recordEvent, type Ticket, ticketRef } from './store.js';
import { type ActionOptions, markTaken } from './take.js';

export const MAX_NOTE = 500;

/** A note a person typed: tidied, and not too long. */
export function checkNote(note: string | undefined): string | null {
  const clean = cleanText(note ?? '');
  if (clean.length > MAX_NOTE) throw new DomainError('INVALID_INPUT', 'ticket.noteTooLong', { max: MAX_NOTE });
  return clean || null;
}

/**
 * 办结: the taker (or staff above) marks it resolved, saying what was done. A ticket nobody took yet is
 * taken and resolved at once by staff who may take it. The reporter is asked to rate it.
 */
export function resolveTicket(ctx: Ctx, ticketId: number, input: { note?: string } & ActionOptions = {}): Ticket {
  const note = checkNote(input.note);
  const memberId = requireMember(ctx, 'ticket');
  return inTransaction(ctx.db, () => {
    let ticket = getTicket(ctx.db, ticketId);
    const ref = ticketRef(ticket.id);
    const to = transition(ctx, ticket, 'resolve');
    // Nobody took it yet: the resolver takes it first, so the history says who had it.
    if (phaseOf(ticket.status) === 'take') ticket = markTaken(ctx, ticket, memberId, input, false);
    const resolved = changeTicket(ctx, ticket, {
      status: to,
      resolvedAt: ctx.clock.now(),
      slaStartedAt: null,
      dueAt: null,
      warnedAt: null,
    });
    recordEvent(ctx, resolved, { kind: 'resolve', from: ticket.status, to, note });
    audit(ctx, 'ticket.resolve', { type: 'ticket', id: ticket.id }, { note });
    const name = getMember(ctx.db, memberId).name;
    const params = { ref, name, text: resolved.text, note: note ? phrase('ticket.part.note', { text: note }) : '' };
    tellPeople(ctx, resolved, {
      reporter: { kind: 'ratingRequest', ref, name, text: resolved.text, note: note ?? '' },
      follower: say('ticket.notice.resolvedFollower', params),
    });
    tellInvolvedStaff(ctx, resolved, say('ticket.notice.resolvedStaff', params), input.roomId);
    return resolved;
  });
}
