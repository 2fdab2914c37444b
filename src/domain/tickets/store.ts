import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { placeholderFor, preparedPerDb } from '../../db/prepared.js';
import { type TicketEventKind, ticketEvents, ticketFollowers, tickets, type TicketStatus } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { actorId, type Ctx } from '../context.js';

export type Ticket = typeof tickets.$inferSelect;
export type TicketEvent = typeof ticketEvents.$inferSelect;
export type Follower = typeof ticketFollowers.$inferSelect;

/** What people type and read: T12. */
export const TICKET_PREFIX = 'T';
export const ticketRef = (id: number) => `${TICKET_PREFIX}${id}`;

const ticketById = preparedPerDb((db) =>
  db
    .select()
    .from(tickets)
    .where(eq(tickets.id, sql.placeholder('id')))
    .prepare(),
);

const newEvent = preparedPerDb((db) =>
  db
    .insert(ticketEvents)
    .values({
      ticketId: sql.placeholder('ticketId'),
      at: sql.placeholder('at'),
      actorKind: sql.placeholder('actorKind'),
      actorId: sql.placeholder('actorId'),
      kind: sql.placeholder('kind'),
      fromStatus: sql.placeholder('fromStatus'),
      toStatus: sql.placeholder('toStatus'),
      unitId: sql.placeholder('unitId'),
      note: sql.placeholder('note'),
      data: placeholderFor('data', ticketEvents.data),
    })
    .returning()
    .prepare(),
);

function findTicket(db: Db, id: number): Ticket | undefined {
  return ticketById(db).get({ id });
}

export function getTicket(db: Db, id: number): Ticket {
  const ticket = findTicket(db, id);
  if (!ticket) throw new DomainError('NOT_FOUND', 'ticket.notFound', { ref: ticketRef(id) });
  return ticket;
}

export interface EventInput {
  kind: TicketEventKind;
  /** Set when the status changes. */
  from?: TicketStatus;
  to?: TicketStatus;
  note?: string | null;
  data?: Record<string, unknown>;
  /** The time the event counts from; now unless a sweep records a rule that fired earlier. */
  at?: Date;
}

/** Appends one event, naming the actor and the unit responsible after it. */
export function recordEvent(ctx: Ctx, ticket: Pick<Ticket, 'id' | 'responsibleUnitId'>, input: EventInput): TicketEvent {
  return newEvent(ctx.db).get({
    ticketId: ticket.id,
    at: input.at ?? ctx.clock.now(),
    actorKind: ctx.actor.kind,
    actorId: actorId(ctx.actor),
    kind: input.kind,
    fromStatus: input.from ?? null,
    toStatus: input.to ?? null,
    unitId: ticket.responsibleUnitId,
    note: input.note ?? null,
    data: input.data ?? null,
  })!;
}

export function eventsOf(db: Db, ticketId: number): TicketEvent[] {
  return db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.id)).all();
}

/** The unit the ticket was first routed to (its report event's). */
export function routedUnitId(db: Db, ticket: Ticket): number {
  const report = db
    .select({ unitId: ticketEvents.unitId })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'report')))
    .get();
  return report?.unitId ?? ticket.responsibleUnitId;
}

export function followersOf(db: Db, ticketId: number): Follower[] {
  return db.select().from(ticketFollowers).where(eq(ticketFollowers.ticketId, ticketId)).orderBy(asc(ticketFollowers.createdAt)).all();
}

export function isFollower(db: Db, ticketId: number, memberId: number): boolean {
  return (
    db
      .select({ m: ticketFollowers.memberId })
      .from(ticketFollowers)
      .where(and(eq(ticketFollowers.ticketId, ticketId), eq(ticketFollowers.memberId, memberId)))
      .get() !== undefined
  );
}

/**
 * Those who joined the ticket through an anonymous report (匿名报事 read as a duplicate): their 附议 event says
 * so, and they stay "一位居民" like an anonymous reporter.
 */
function anonymousFollowerIds(db: Db, ticketId: number): Set<number> {
  const rows = db
    .select({ actorId: ticketEvents.actorId })
    .from(ticketEvents)
    .where(
      and(
        eq(ticketEvents.ticketId, ticketId),
        eq(ticketEvents.kind, 'plusone'),
        eq(ticketEvents.actorKind, 'member'),
        sql`json_extract(${ticketEvents.data}, '$.anonymous') = 1`,
      ),
    )
    .all();
  return new Set(rows.map((r) => Number(r.actorId)));
}

/** Everyone the ticket names only as "一位居民": an anonymous reporter and those who joined it anonymously. */
export function anonymousPeople(db: Db, ticket: Pick<Ticket, 'id' | 'anonymous' | 'reporterId'>): Set<number> {
  const people = anonymousFollowerIds(db, ticket.id);
  if (ticket.anonymous) people.add(ticket.reporterId);
  return people;
}
