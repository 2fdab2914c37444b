import { and, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { inTransaction } from '../../db/client.js';
import { tickets } from '../../db/schema/index.js';
import { audit } from '../audit.js';
import { type Ctx, type Deps, systemActor } from '../context.js';
import { type Notice, phrase, say } from '../notice.js';
import { getMember } from '../org/members.js';
import { tellStaff, tellTaker } from './announce.js';
import { type Category, getCategory } from './categories.js';
import { moveUp, windowOf } from './escalate.js';
import { resolveButton, takeButton } from './notices.js';
import { escalationTarget } from './routing.js';
import { changeTicket } from './machine.js';
import { ACTIVE_STATUSES, phaseOf } from './states.js';
import { recordEvent, type Ticket, ticketRef } from './store.js';

/** The staff room is warned when this share of a window has passed. */
const WARN_AT = 0.8;

export interface SweepResult {
  warned: number;
  escalated: number;
  overdue: number;
}

/**
 * Applies the SLA at `now`: an open ticket not taken within its take time, or a taken one not resolved
 * within its resolve time, escalates one level (the parent unit becomes responsible and the window
 * restarts there); at 80% of a window its staff room is warned, once. At the top of the tree an overdue
 * ticket is flagged once and stays. Everything follows from the tickets and `now`: a late or repeated
 * sweep does what a punctual one would have, each new window starting when the previous one ran out.
 */
export function sweepSla(deps: Deps, now: Date): SweepResult {
  // Every record and notice of this sweep is stamped `now`, whenever the sweep actually runs.
  const ctx: Ctx = { ...deps, clock: { now: () => now }, actor: systemActor('sla-sweep') };
  const result: SweepResult = { warned: 0, escalated: 0, overdue: 0 };
  const warnPoint = sql`${tickets.slaStartedAt} + (${tickets.dueAt} - ${tickets.slaStartedAt}) * ${WARN_AT}`;
  const due = ctx.db
    .select()
    .from(tickets)
    .where(
      and(
        inArray(tickets.status, [...ACTIVE_STATUSES]),
        isNotNull(tickets.dueAt),
        or(lte(tickets.dueAt, now), and(isNull(tickets.warnedAt), sql`${warnPoint} <= ${now.getTime()}`)),
      ),
    )
    .orderBy(tickets.id)
    .all();
  for (const found of due) {
    inTransaction(ctx.db, () => {
      let ticket = found;
      const category = getCategory(ctx.db, ticket.categoryId);
      while (ticket.dueAt && ticket.dueAt <= now) {
        const up = escalationTarget(ctx.db, ticket.responsibleUnitId);
        if (!up) {
          ticket = markOverdue(ctx, ticket, category);
          result.overdue++;
          break;
        }
        ticket = moveUp(ctx, ticket, category, up.id, { from: ticket.dueAt, reason: phaseOf(ticket.status) });
        result.escalated++;
      }
      if (ticket.dueAt && ticket.slaStartedAt && !ticket.warnedAt) {
        const start = ticket.slaStartedAt.getTime();
        if (start + (ticket.dueAt.getTime() - start) * WARN_AT <= now.getTime()) {
          warn(ctx, ticket);
          result.warned++;
        }
      }
    });
  }
  return result;
}

/**
 * When the sweep next has something to do: the earliest pending warning or deadline of an open or taken
 * ticket; null when none is pending. Lets the simulated clock skip the minutes in between.
 */
export function nextSlaWork(deps: Deps): Date | null {
  const row = deps.db
    .select({
      at: sql<number | null>`min(CASE WHEN ${tickets.warnedAt} IS NULL
        THEN ${tickets.slaStartedAt} + (${tickets.dueAt} - ${tickets.slaStartedAt}) * ${WARN_AT} ELSE ${tickets.dueAt} END)`,
    })
    .from(tickets)
    .where(and(inArray(tickets.status, [...ACTIVE_STATUSES]), isNotNull(tickets.dueAt)))
    .get();
  return row?.at == null ? null : new Date(Math.ceil(row.at));
}

function markOverdue(ctx: Ctx, ticket: Ticket, category: Category): Ticket {
  const phase = phaseOf(ticket.status);
  const overdue = changeTicket(ctx, ticket, { dueAt: null, warnedAt: null });
  recordEvent(ctx, overdue, { kind: 'overdue', data: { phase } });
  audit(ctx, 'ticket.overdue', { type: 'ticket', id: ticket.id }, { phase });
  const ref = ticketRef(ticket.id);
  const age = ctx.clock.now().getTime() - ticket.createdAt.getTime();
  const notice = say(
    phase === 'take' ? 'ticket.notice.overdueTake' : 'ticket.notice.overdueResolve',
    { ref, text: ticket.text, limit: { duration: windowOf(ticket, category) }, age: { duration: age } },
    { buttons: [[phase === 'take' ? takeButton(ref) : resolveButton(ref)]] },
  );
  tellStaff(ctx, overdue, overdue.responsibleUnitId, notice);
  tellTaker(ctx, overdue, notice, [overdue.responsibleUnitId]);
  return overdue;
}

function warn(ctx: Ctx, ticket: Ticket): Ticket {
  const warned = changeTicket(ctx, ticket, { warnedAt: ctx.clock.now() });
  const phase = phaseOf(ticket.status);
  recordEvent(ctx, warned, { kind: 'warn', data: { phase } });
  const ref = ticketRef(ticket.id);
  const next = escalationTarget(ctx.db, ticket.responsibleUnitId);
  const left = ticket.dueAt!.getTime() - ctx.clock.now().getTime();
  const taker = ticket.takerId === null ? '' : getMember(ctx.db, ticket.takerId).name;
  const notice: Notice = {
    kind: 'say',
    lines: [
      phrase(phase === 'take' ? 'ticket.notice.warnTake' : 'ticket.notice.warnResolve', { ref, text: ticket.text, left: { duration: left }, taker }),
      next ? phrase('ticket.notice.warnNext', { unit: next.name }) : phrase('ticket.notice.warnTop'),
      phrase(phase === 'take' ? 'ticket.card.howToTake' : 'ticket.card.howToResolve', { ref, cmd: { command: phase } }),
    ],
    buttons: [[phase === 'take' ? takeButton(ref) : resolveButton(ref)]],
  };
  tellStaff(ctx, warned, ticket.responsibleUnitId, notice);
  // The one who holds it is warned too, wherever the ticket has climbed to.
  tellTaker(ctx, warned, notice, [ticket.responsibleUnitId]);
  return warned;
}
