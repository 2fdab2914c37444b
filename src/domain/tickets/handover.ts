import type { Ctx } from '../context.js';
import { getUnit } from '../org/units.js';
import { tellStaff, tellTaker } from './announce.js';
import { say } from '../notice.js';
import { type EscalationReason, resolveButton, takeButton } from './notices.js';
import { phaseOf } from './states.js';
import { type Ticket, ticketRef } from './store.js';
import { historyOf, ticketView } from './view.js';

/**
 * A ticket has a new responsible unit: its staff hear why, how old the ticket is and what happened so
 * far, with the button to act; the unit that had it hears where it went and that it may still act.
 */
export function announceHandover(
  ctx: Ctx,
  ticket: Ticket,
  previousUnitId: number,
  reason: EscalationReason,
  extra: { limitMs?: number; note?: string | null } = {},
): void {
  const view = ticketView(ctx.db, ticket);
  const entries = historyOf(ctx.db, ticket.id);
  const env = { now: ctx.clock.now(), timeZone: ctx.settings.timeZone };
  tellStaff(ctx, ticket, ticket.responsibleUnitId, { kind: 'handover', view, entries, env, reason, ...extra });
  if (previousUnitId === ticket.responsibleUnitId) return;
  const ref = ticketRef(ticket.id);
  const unit = getUnit(ctx.db, ticket.responsibleUnitId).name;
  const open = phaseOf(ticket.status) === 'take';
  const movedAway = say(
    open ? 'ticket.notice.movedAwayOpen' : 'ticket.notice.movedAwayTaken',
    { ref, unit },
    { buttons: [[open ? takeButton(ref) : resolveButton(ref)]] },
  );
  tellStaff(ctx, ticket, previousUnitId, movedAway);
  // Taken, it stays with its taker however high it climbs: they hear where it went too.
  if (!open) tellTaker(ctx, ticket, movedAway, [ticket.responsibleUnitId, previousUnitId]);
}
