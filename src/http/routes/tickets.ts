import { count, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { createRoute, z } from '@hono/zod-openapi';
import type { Db } from '../../db/client.js';
import { members, TICKET_EVENT_KINDS, TICKET_STATUSES, ticketCategories, ticketPhotos, tickets } from '../../db/schema/index.js';
import { assignTicket } from '../../domain/tickets/assign.js';
import { cancelTicket } from '../../domain/tickets/cancel.js';
import { findCategoryByName, getCategory } from '../../domain/tickets/categories.js';
import { escalateTicket } from '../../domain/tickets/escalate.js';
import { ticketPageIds } from '../../domain/tickets/listing.js';
import { MAX_NOTE } from '../../domain/tickets/resolve.js';
import { anonymousPeople, eventsOf, type Ticket, type TicketEvent, ticketRef } from '../../domain/tickets/store.js';
import { DomainError } from '../../errors.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { type CsvColumn, csvResponse, FormatQuery, jsonOrCsv } from '../csv.js';
import { body, errors, IdParam, IdString, Instant, iso, isoOrNull, json, RangeQuery, security, visibleText } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

const tags = ['Tickets'];

export const TicketSchema = z
  .object({
    id: z.number().int(),
    ref: z.string().openapi({ description: 'What people type in the chat: 进度 T12', example: 'T12' }),
    status: z.enum(TICKET_STATUSES),
    text: z.string().openapi({ example: '3号楼路灯坏了' }),
    categoryId: z.number().int(),
    categoryName: z.string(),
    originUnitId: z.number().int().openapi({ description: 'Where it was reported' }),
    responsibleUnitId: z.number().int().openapi({ description: 'Who must act now; moves up on escalation' }),
    level: z.number().int().openapi({ description: 'Steps above the unit it was first routed to' }),
    anonymous: z.boolean(),
    reporterId: z.number().int().nullable().openapi({ description: 'Null for an anonymous report, except to admin tokens' }),
    reporterName: z.string().nullable(),
    takerId: z.number().int().nullable(),
    takerName: z.string().nullable(),
    plusOnes: z.number().int().openapi({ description: '附议: others who reported the same' }),
    rating: z.number().int().nullable(),
    comment: z.string().nullable(),
    dueAt: Instant.nullable().openapi({ description: 'The deadline of the current SLA window' }),
    createdAt: Instant,
    takenAt: Instant.nullable(),
    resolvedAt: Instant.nullable(),
    closedAt: Instant.nullable(),
    updatedAt: Instant,
  })
  .openapi('Ticket');

const TicketEventSchema = z
  .object({
    id: z.number().int(),
    at: Instant,
    kind: z.enum(TICKET_EVENT_KINDS),
    fromStatus: z.enum(TICKET_STATUSES).nullable(),
    toStatus: z.enum(TICKET_STATUSES).nullable(),
    unitId: z.number().int().openapi({ description: 'The unit responsible after the event' }),
    actorKind: z.enum(['member', 'token', 'system']),
    actorId: z.string().nullable().openapi({
      description:
        "A member id, a token id or a job's name; null for the events of an anonymous reporter, or of someone whose 附议 came from an anonymous report, except to admin tokens",
    }),
    byReporter: z.boolean(),
    note: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('TicketEvent');

const TicketDetailSchema = TicketSchema.extend({
  photos: z.number().int(),
  events: z.array(TicketEventSchema).openapi({ description: 'Every change, oldest first' }),
}).openapi('TicketDetail');

type TicketView = z.infer<typeof TicketSchema>;
type Row = { ticket: Ticket; categoryName: string; reporterName: string; takerName: string | null };

const Note = z.string().trim().max(MAX_NOTE);
const Assign = z
  .strictObject({ memberId: z.number().int().positive().openapi({ description: 'A staff member covering where it was reported' }) })
  .openapi('AssignTicket');
const Escalate = z
  .strictObject({ note: Note.optional().openapi({ description: 'Why, for the unit above', example: '涉及物业，需要社区协调' }) })
  .openapi('EscalateTicket');
const Cancel = z
  .strictObject({ reason: visibleText(MAX_NOTE).openapi({ description: 'Told to the reporter', example: '重复报事，见 T3' }) })
  .openapi('CancelTicket');

const taker = alias(members, 'taker');

function selectTickets(db: Db) {
  return db
    .select({ ticket: tickets, categoryName: ticketCategories.name, reporterName: members.name, takerName: taker.name })
    .from(tickets)
    .innerJoin(ticketCategories, eq(ticketCategories.id, tickets.categoryId))
    .innerJoin(members, eq(members.id, tickets.reporterId))
    .leftJoin(taker, eq(taker.id, tickets.takerId));
}

/** The reporter of an anonymous report is named to admin tokens only, as the chat names them to admins only. */
const ticketView =
  (showAnonymous: boolean) =>
  ({ ticket: t, categoryName, reporterName, takerName }: Row): TicketView => {
    const named = !t.anonymous || showAnonymous;
    return {
      id: t.id,
      ref: ticketRef(t.id),
      status: t.status,
      text: t.text,
      categoryId: t.categoryId,
      categoryName,
      originUnitId: t.originUnitId,
      responsibleUnitId: t.responsibleUnitId,
      level: t.level,
      anonymous: t.anonymous,
      reporterId: named ? t.reporterId : null,
      reporterName: named ? reporterName : null,
      takerId: t.takerId,
      takerName,
      plusOnes: t.plusOnes,
      rating: t.rating,
      comment: t.comment,
      dueAt: isoOrNull(t.dueAt),
      createdAt: iso(t.createdAt),
      takenAt: isoOrNull(t.takenAt),
      resolvedAt: isoOrNull(t.resolvedAt),
      closedAt: isoOrNull(t.closedAt),
      updatedAt: iso(t.updatedAt),
    };
  };

/** The events of an anonymous reporter and of those who joined anonymously name them to admin tokens only. */
function eventView(ticket: Ticket, hidden: ReadonlySet<number>) {
  return (e: TicketEvent): z.infer<typeof TicketEventSchema> => {
    const byReporter = e.actorKind === 'member' && e.actorId === String(ticket.reporterId);
    const masked = e.actorKind === 'member' && hidden.has(Number(e.actorId));
    return {
      id: e.id,
      at: iso(e.at),
      kind: e.kind,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      unitId: e.unitId,
      actorKind: e.actorKind,
      actorId: masked ? null : e.actorId,
      byReporter,
      note: e.note,
      data: e.data ?? null,
    };
  };
}

const CSV_COLUMNS: CsvColumn<TicketView>[] = [
  { header: 'ref', value: (t) => t.ref },
  { header: 'status', value: (t) => t.status },
  { header: 'category', value: (t) => t.categoryName },
  { header: 'text', value: (t) => t.text },
  { header: 'originUnitId', value: (t) => t.originUnitId },
  { header: 'responsibleUnitId', value: (t) => t.responsibleUnitId },
  { header: 'level', value: (t) => t.level },
  { header: 'reporter', value: (t) => t.reporterName ?? (t.anonymous ? '(anonymous)' : '') },
  { header: 'taker', value: (t) => t.takerName },
  { header: 'plusOnes', value: (t) => t.plusOnes },
  { header: 'rating', value: (t) => t.rating },
  { header: 'comment', value: (t) => t.comment },
  { header: 'createdAt', value: (t) => t.createdAt },
  { header: 'takenAt', value: (t) => t.takenAt },
  { header: 'resolvedAt', value: (t) => t.resolvedAt },
  { header: 'closedAt', value: (t) => t.closedAt },
  { header: 'dueAt', value: (t) => t.dueAt },
];

const listTickets = createRoute({
  method: 'get',
  path: '/tickets',
  tags,
  security,
  summary: 'List tickets',
  description:
    "Tickets reported in the token's subtree, newest first, wherever they have escalated to. `?from=&to=` bound when they were reported. `?format=csv` for a spreadsheet. Admin and staff tokens.",
  request: {
    query: PageQuery.extend(FormatQuery.shape)
      .extend(RangeQuery.shape)
      .extend({
        unitId: IdString.optional().openapi({ description: 'Only tickets reported in this unit and below' }),
        status: z.enum(TICKET_STATUSES).optional(),
        category: z.string().trim().min(1).max(50).optional().openapi({ description: 'A category id or name', example: '市政照明' }),
      }),
  },
  responses: { 200: { description: 'A page of tickets', content: jsonOrCsv(pageOf(TicketSchema, 'TicketPage')) }, ...errors(404) },
});

const getTicketRoute = createRoute({
  method: 'get',
  path: '/tickets/{id}',
  tags,
  security,
  summary: 'Get a ticket with its history',
  description: 'The ticket and every event, oldest first. Admin and staff tokens.',
  request: { params: IdParam },
  responses: { 200: json(TicketDetailSchema, 'The ticket'), ...errors(404) },
});

const assignRoute = createRoute({
  method: 'post',
  path: '/tickets/{id}/assign',
  tags,
  security,
  middleware: [allow(['admin', 'staff'])],
  summary: 'Assign (派单) a ticket',
  description:
    'Hands an open or taken ticket to a staff member covering where it was reported. An open ticket becomes theirs as if taken (the resolve window starts); a taken one changes hands and keeps its deadline. The assignee hears it privately, the staff rooms and the reporter as for a take. Admin and staff tokens.',
  request: { params: IdParam, headers: IdempotencyHeaders, body: body(Assign) },
  responses: { 200: json(TicketDetailSchema, 'The ticket, now with the assignee'), ...errors(404, 409, 415) },
});

const escalateRoute = createRoute({
  method: 'post',
  path: '/tickets/{id}/escalate',
  tags,
  security,
  middleware: [allow(['admin', 'staff'])],
  summary: 'Escalate (上报) a ticket now',
  description:
    "Passes an open or taken ticket to the next unit up that has staff, without waiting for its deadline; the new window starts now and the unit's staff hear why. 409 at the top of the tree. The body is optional. Admin and staff tokens.",
  request: { params: IdParam, headers: IdempotencyHeaders, body: { ...body(Escalate), required: false } },
  responses: { 200: json(TicketDetailSchema, 'The ticket, one level up'), ...errors(404, 409, 415) },
});

const cancelRoute = createRoute({
  method: 'post',
  path: '/tickets/{id}/cancel',
  tags,
  security,
  middleware: [allow(['admin', 'staff'])],
  summary: 'Cancel (撤销) a ticket',
  description:
    'Closes an open or taken ticket that is not a matter for anyone (a duplicate, a joke), with the reason the reporter hears. Admin and staff tokens.',
  request: { params: IdParam, headers: IdempotencyHeaders, body: body(Cancel) },
  responses: { 200: json(TicketDetailSchema, 'The cancelled ticket'), ...errors(404, 409, 415) },
});

export const registerTickets: RegisterRoutes = (api, services) => {
  const { db } = services;

  const detail = (id: number, showAnonymous: boolean): z.infer<typeof TicketDetailSchema> => {
    const row = selectTickets(db).where(eq(tickets.id, id)).get()!;
    return {
      ...ticketView(showAnonymous)(row),
      photos: db.select({ n: count() }).from(ticketPhotos).where(eq(ticketPhotos.ticketId, id)).get()?.n ?? 0,
      events: eventsOf(db, id).map(eventView(row.ticket, showAnonymous ? new Set() : anonymousPeople(db, row.ticket))),
    };
  };

  api.openapi(listTickets, (c) => {
    const { scope, principal } = c.var;
    scope.requireRole('admin', 'staff');
    const q = c.req.valid('query');
    const rootPath = scope.subtreePath(q.unitId);
    const categoryId =
      q.category === undefined ? undefined : /^\d+$/.test(q.category) ? getCategory(db, Number(q.category)).id : findCategoryByName(db, q.category)?.id;
    if (q.category !== undefined && categoryId === undefined) throw new DomainError('NOT_FOUND', 'category.notFound', { id: q.category });
    const ids = ticketPageIds(db, {
      rootPath,
      status: q.status,
      categoryId,
      from: q.from !== undefined ? new Date(q.from) : undefined,
      to: q.to !== undefined ? new Date(q.to) : undefined,
      beforeId: decodeCursor(q.cursor),
      limit: q.limit + 1,
    });
    // The page's rows by their ids, in the order of the ids (newest first).
    const found = new Map(
      ids.length
        ? selectTickets(db)
            .where(inArray(tickets.id, ids))
            .all()
            .map((r) => [r.ticket.id, r])
        : [],
    );
    const rows = ids.map((id) => found.get(id)!);
    const page = toPage(rows, q.limit, (r) => r.ticket.id, ticketView(principal.role === 'admin'));
    if (q.format === 'csv') return csvResponse(c, 'tickets.csv', CSV_COLUMNS, page);
    return c.json(page, 200);
  });

  api.openapi(getTicketRoute, (c) => {
    const { scope, principal } = c.var;
    scope.requireRole('admin', 'staff');
    const ticket = scope.ticket(c.req.valid('param').id);
    return c.json(detail(ticket.id, principal.role === 'admin'), 200);
  });

  api.openapi(assignRoute, (c) => {
    const { scope, ctx, principal } = c.var;
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    scope.ticket(id);
    return idempotent(c, input, 200, () => {
      assignTicket(ctx, id, input);
      return detail(id, principal.role === 'admin');
    });
  });

  api.openapi(escalateRoute, (c) => {
    const { scope, ctx, principal } = c.var;
    const { id } = c.req.valid('param');
    const input = c.req.valid('json') ?? {};
    scope.ticket(id);
    return idempotent(c, input, 200, () => {
      escalateTicket(ctx, id, input.note !== undefined ? { note: input.note } : {});
      return detail(id, principal.role === 'admin');
    });
  });

  api.openapi(cancelRoute, (c) => {
    const { scope, ctx, principal } = c.var;
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    scope.ticket(id);
    return idempotent(c, input, 200, () => {
      cancelTicket(ctx, id, input);
      return detail(id, principal.role === 'admin');
    });
  });
};
