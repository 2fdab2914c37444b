import { and, count, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { members, ticketCategories, ticketEvents, ticketPhotos, units } from '../../db/schema/index.js';
import { getMember, type Member } from '../org/members.js';
import { getUnit, type Unit } from '../org/units.js';
import { type Category, getCategory } from './categories.js';
import { suggestTaker } from './routing.js';
import { phaseOf } from './states.js';
import { anonymousPeople, eventsOf, type Ticket, type TicketEvent, ticketRef } from './store.js';

/** Everything a notice or a card shows about a ticket, loaded once inside the transaction that sends it. */
export interface TicketView {
  ticket: Ticket;
  ref: string;
  category: Category;
  origin: Unit;
  responsible: Unit;
  reporter: Member;
  taker: Member | undefined;
  /** Suggested taker while it is open. */
  suggested: Member | undefined;
  photos: number;
  /** What the latest 办结 said. */
  resolution: string | null;
  /** Who is "一位居民" on it: an anonymous reporter and those who joined it anonymously (anonymousPeople). */
  anonymous: ReadonlySet<number>;
}

export function ticketView(db: Db, ticket: Ticket): TicketView {
  const lastResolve = db
    .select({ note: ticketEvents.note })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'resolve')))
    .orderBy(desc(ticketEvents.id))
    .get();
  return {
    ticket,
    ref: ticketRef(ticket.id),
    category: getCategory(db, ticket.categoryId),
    origin: getUnit(db, ticket.originUnitId),
    responsible: getUnit(db, ticket.responsibleUnitId),
    reporter: getMember(db, ticket.reporterId),
    taker: ticket.takerId === null ? undefined : getMember(db, ticket.takerId),
    suggested: phaseOf(ticket.status) === 'take' ? suggestTaker(db, ticket.responsibleUnitId) : undefined,
    photos: db.select({ n: count() }).from(ticketPhotos).where(eq(ticketPhotos.ticketId, ticket.id)).get()?.n ?? 0,
    resolution: lastResolve?.note ?? null,
    anonymous: anonymousPeople(db, ticket),
  };
}

/** One line of a ticket's history, with the names it mentions. */
export interface HistoryEntry {
  event: TicketEvent;
  /** The member who acted, if a member did. */
  actor: Member | undefined;
  unitName: string;
  categoryNames: Map<number, string>;
}

export function historyOf(db: Db, ticketId: number): HistoryEntry[] {
  const events = eventsOf(db, ticketId);
  const memberIds = [...new Set(events.filter((e) => e.actorKind === 'member').map((e) => Number(e.actorId)))];
  const people = new Map((memberIds.length ? db.select().from(members).where(inArray(members.id, memberIds)).all() : []).map((m) => [m.id, m]));
  const unitIds = [...new Set(events.map((e) => e.unitId))];
  const unitNames = new Map(
    db
      .select({ id: units.id, name: units.name })
      .from(units)
      .where(inArray(units.id, unitIds))
      .all()
      .map((u) => [u.id, u.name]),
  );
  const categoryNames = new Map(
    db
      .select({ id: ticketCategories.id, name: ticketCategories.name })
      .from(ticketCategories)
      .all()
      .map((c) => [c.id, c.name]),
  );
  return events.map((event) => ({
    event,
    actor: event.actorKind === 'member' ? people.get(Number(event.actorId)) : undefined,
    unitName: unitNames.get(event.unitId) ?? '',
    categoryNames,
  }));
}
