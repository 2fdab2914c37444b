import { and, inArray, lte, min } from 'drizzle-orm';
import { DAY } from '../../clock.js';
import { inTransaction } from '../../db/client.js';
import { tickets } from '../../db/schema/index.js';
import { audit } from '../audit.js';
import { type Ctx, type Deps, systemActor } from '../context.js';
import { say } from '../notice.js';
import { tellPeople } from './announce.js';
import { changeTicket, statesAllowing, transition } from './machine.js';
import { REOPEN_WINDOW_MS } from './reopen.js';
import { recordEvent, ticketRef } from './store.js';

/** A resolved ticket the reporter has not rated in this long closes as unrated. */
const RATING_WINDOW_MS = 3 * DAY;

/** Closes resolved tickets left unrated for three days; the reporter hears that they may still reopen it. */
export function autocloseUnrated(deps: Deps, now: Date): number {
  const ctx: Ctx = { ...deps, clock: { now: () => now }, actor: systemActor('ticket-autoclose') };
  const stale = ctx.db
    .select()
    .from(tickets)
    .where(and(inArray(tickets.status, statesAllowing('close')), lte(tickets.resolvedAt, new Date(now.getTime() - RATING_WINDOW_MS))))
    .orderBy(tickets.id)
    .all();
  for (const ticket of stale) {
    inTransaction(ctx.db, () => {
      const to = transition(ctx, ticket, 'close');
      const closed = changeTicket(ctx, ticket, { status: to, closedAt: now });
      recordEvent(ctx, closed, { kind: 'close', from: ticket.status, to, data: { unrated: true } });
      audit(ctx, 'ticket.autoclose', { type: 'ticket', id: ticket.id }, {});
      const ref = ticketRef(ticket.id);
      const days = Math.round((ticket.resolvedAt!.getTime() + REOPEN_WINDOW_MS - now.getTime()) / DAY);
      tellPeople(ctx, closed, say('ticket.notice.autoclosed', { ref, text: ticket.text, days }), { followers: false });
    });
  }
  return stale.length;
}

/** When the next resolved ticket runs out of its rating window; null when none is waiting. */
export function nextAutocloseWork(deps: Deps): Date | null {
  const oldest = deps.db
    .select({ at: min(tickets.resolvedAt) })
    .from(tickets)
    .where(inArray(tickets.status, statesAllowing('close')))
    .get()?.at;
  return oldest ? new Date(oldest.getTime() + RATING_WINDOW_MS) : null;
}
