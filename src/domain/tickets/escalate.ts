import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { getUnit } from '../org/units.js';
import { phrase, say } from '../notice.js';
import { tellPeople } from './announce.js';
import { type Category, getCategory, resolveLimitMs, takeLimitMs } from './categories.js';
import { announceHandover } from './handover.js';
import type { EscalationReason } from './notices.js';
import { changeTicket, transition } from './machine.js';
import { checkNote } from './resolve.js';
import { escalationTarget } from './routing.js';
import { phaseOf } from './states.js';
import { getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

/** The SLA window of the ticket's current phase: to take it while open, to resolve it once taken. */
export const windowOf = (ticket: Ticket, category: Category) => (phaseOf(ticket.status) === 'take' ? takeLimitMs(category) : resolveLimitMs(category));

export interface MoveUp {
  /** When the new unit's window starts. */
  from: Date;
  reason: Extract<EscalationReason, 'take' | 'resolve' | 'manual'>;
  note?: string | null;
}

/**
 * Makes the unit above responsible for the ticket, one level up, with a fresh window of the current
 * phase; its staff hear why, the unit that had it that it may still act, the reporter and followers where
 * it went. Shared by the SLA sweep and 上报. Call inside a transaction.
 */
export function moveUp(ctx: Ctx, ticket: Ticket, category: Category, toUnitId: number, move: MoveUp): Ticket {
  const limitMs = windowOf(ticket, category);
  const phase = phaseOf(ticket.status);
  const manual = move.reason === 'manual';
  const moved = changeTicket(ctx, ticket, {
    responsibleUnitId: toUnitId,
    level: ticket.level + 1,
    slaStartedAt: move.from,
    dueAt: new Date(move.from.getTime() + limitMs),
    warnedAt: null,
  });
  // `manual` keeps a deliberate 上报 apart from a missed deadline in the figures.
  recordEvent(ctx, moved, { kind: 'escalate', note: move.note ?? null, data: { phase, fromUnit: ticket.responsibleUnitId, ...(manual ? { manual } : {}) } });
  audit(
    ctx,
    'ticket.escalate',
    { type: 'ticket', id: ticket.id },
    { phase, from: ticket.responsibleUnitId, to: toUnitId, ...(manual ? { manual, note: move.note ?? null } : {}) },
  );
  announceHandover(ctx, moved, ticket.responsibleUnitId, move.reason, { limitMs, note: move.note ?? null });
  const ref = ticketRef(ticket.id);
  const unit = getUnit(ctx.db, toUnitId).name;
  // A missed deadline is 督办; a unit passing up what it cannot settle is not a failure to say so.
  const notice = manual
    ? say('ticket.notice.passedUpPeople', { ref, unit, text: moved.text, note: move.note ? phrase('ticket.part.note', { text: move.note }) : '' })
    : say('ticket.notice.escalatedPeople', { ref, unit, text: moved.text });
  tellPeople(ctx, moved, notice);
  return moved;
}

/**
 * 上报 now: staff who cannot settle a matter ("小事不出网格，大事不出社区") pass an open or taken ticket to
 * the next unit up that has staff, without waiting for its deadline. The new window starts now.
 */
export function escalateTicket(ctx: Ctx, ticketId: number, input: { note?: string } = {}): Ticket {
  const note = checkNote(input.note);
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    const ref = ticketRef(ticket.id);
    transition(ctx, ticket, 'escalate');
    const up = escalationTarget(ctx.db, ticket.responsibleUnitId);
    if (!up) throw new DomainError('CONFLICT', 'ticket.escalateTop', { ref, unit: getUnit(ctx.db, ticket.responsibleUnitId).name });
    return moveUp(ctx, ticket, getCategory(ctx.db, ticket.categoryId), up.id, { from: ctx.clock.now(), reason: 'manual', note });
  });
}
