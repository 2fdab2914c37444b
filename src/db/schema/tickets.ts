import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { flag, instant } from './columns.js';
import { members, rooms, UNIT_KINDS, units } from './org.js';

/**
 * What a ticket is about. Data, not code: the defaults are inserted by a migration and admins edit them
 * through the API. `startLevel` lifts routing to the nearest unit of that kind ("大事不出社区": disputes
 * start at the community).
 */
export const ticketCategories = sqliteTable('ticket_categories', {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull().unique(),
  /** Words that, found in a report, suggest this category. */
  keywords: text({ mode: 'json' }).$type<string[]>().notNull(),
  /** Minutes to take a ticket, then minutes to resolve it once taken, before it escalates. */
  takeMinutes: integer().notNull(),
  resolveMinutes: integer().notNull(),
  startLevel: text({ enum: UNIT_KINDS }),
  /** Urgent tickets are also announced to the community staff room at once. */
  urgent: flag().notNull().default(false),
  /** Inactive categories are no longer inferred or offered; old tickets keep them. */
  active: flag().notNull().default(true),
});

export const TICKET_STATUSES = ['open', 'taken', 'resolved', 'closed', 'cancelled'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * A resident's report. The id is the reference people type (T12). The SLA clock is one window at a time:
 * the take window while open, the resolve window while taken; escalation and reopening start a new one.
 */
export const tickets = sqliteTable(
  'tickets',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    /** Where it was reported: the room's unit, and the room (to answer the reporter there). */
    originUnitId: integer()
      .notNull()
      .references(() => units.id),
    originRoomId: integer().references(() => rooms.id),
    /** Who must act now; moves up the tree on escalation and reopening. */
    responsibleUnitId: integer()
      .notNull()
      .references(() => units.id),
    categoryId: integer()
      .notNull()
      .references(() => ticketCategories.id),
    status: text({ enum: TICKET_STATUSES }).notNull().default('open'),
    text: text().notNull(),
    reporterId: integer()
      .notNull()
      .references(() => members.id),
    /** Groups and workers see "一位居民"; only admins see who. */
    anonymous: flag().notNull().default(false),
    takerId: integer().references(() => members.id),
    /** Steps above the unit it was first routed to. */
    level: integer().notNull().default(0),
    /** The current SLA window; null once resolved, or when it is overdue at the top of the tree. */
    slaStartedAt: instant(),
    dueAt: instant(),
    /** The 80% warning of the current window went out. */
    warnedAt: instant(),
    /** 附议: how many others said "me too". */
    plusOnes: integer().notNull().default(0),
    rating: integer(),
    comment: text(),
    createdAt: instant().notNull(),
    takenAt: instant(),
    resolvedAt: instant(),
    closedAt: instant(),
    updatedAt: instant().notNull(),
  },
  (t) => [
    index('tickets_due').on(t.status, t.dueAt),
    index('tickets_origin').on(t.originUnitId, t.createdAt),
    // A page of a unit's tickets newest first, all or of one status: a seek per unit of the scope, no sort.
    index('tickets_origin_id').on(t.originUnitId, t.id),
    index('tickets_origin_status').on(t.originUnitId, t.status, t.id),
    index('tickets_reporter').on(t.reporterId, t.status),
    index('tickets_taker').on(t.takerId, t.status),
    check('tickets_rating', sql`${t.rating} IS NULL OR ${t.rating} BETWEEN 1 AND 5`),
  ],
);

export const TICKET_EVENT_KINDS = [
  'report',
  'take',
  'assign',
  'note',
  'resolve',
  'rate',
  'reopen',
  'close',
  'cancel',
  'escalate',
  'warn',
  'overdue',
  'plusone',
  'categorize',
  'photo',
] as const;
export type TicketEventKind = (typeof TICKET_EVENT_KINDS)[number];

/** Every change of a ticket, in order. Append-only: triggers refuse updates and deletes. */
export const ticketEvents = sqliteTable(
  'ticket_events',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    ticketId: integer()
      .notNull()
      .references(() => tickets.id),
    at: instant().notNull(),
    actorKind: text({ enum: ['member', 'token', 'system'] }).notNull(),
    actorId: text().notNull(),
    kind: text({ enum: TICKET_EVENT_KINDS }).notNull(),
    fromStatus: text({ enum: TICKET_STATUSES }),
    toStatus: text({ enum: TICKET_STATUSES }),
    /** The responsible unit after the event. */
    unitId: integer()
      .notNull()
      .references(() => units.id),
    note: text(),
    data: text({ mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index('ticket_events_ticket').on(t.ticketId, t.id),
    index('ticket_events_kind_at').on(t.kind, t.at),
    // A ticket's first take, resolve or breach: a seek, not a walk over every event of the kind.
    index('ticket_events_ticket_kind').on(t.ticketId, t.kind, t.at),
  ],
);

/** 附议 and merged duplicate reports: people who hear about the ticket's progress. */
export const ticketFollowers = sqliteTable(
  'ticket_followers',
  {
    ticketId: integer()
      .notNull()
      .references(() => tickets.id),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    /** Where they said it, to address them there when they have no private chat. */
    roomId: integer().references(() => rooms.id),
    createdAt: instant().notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.memberId] }), index('ticket_followers_member').on(t.memberId)],
);

/** Images of a ticket; the file lives under the data directory, named by its content hash. */
export const ticketPhotos = sqliteTable(
  'ticket_photos',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    ticketId: integer()
      .notNull()
      .references(() => tickets.id),
    hash: text().notNull(),
    path: text().notNull(),
    mimeType: text().notNull(),
    size: integer().notNull(),
    addedBy: integer()
      .notNull()
      .references(() => members.id),
    createdAt: instant().notNull(),
  },
  (t) => [uniqueIndex('ticket_photos_once').on(t.ticketId, t.hash)],
);
