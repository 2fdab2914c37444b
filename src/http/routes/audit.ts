import { and, desc, eq, gte, lt, not, or, type SQL, sql } from 'drizzle-orm';
import { createRoute, z } from '@hono/zod-openapi';
import { auditLog, tickets, units } from '../../db/schema/index.js';
import { inSubtree, unitInSubtree } from '../../domain/org/subtree.js';
import type { RegisterRoutes } from '../env.js';
import { type CsvColumn, csvResponse, FormatQuery, jsonOrCsv } from '../csv.js';
import { errors, Instant, iso, security } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

type AuditRow = typeof auditLog.$inferSelect;

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: Instant,
    actorKind: z.enum(['member', 'token', 'system']),
    actorId: z.string().nullable().openapi({
      description:
        "A member id, a token id (0: LINLI_ADMIN_TOKEN) or a job's name; null for an anonymous reporter's own actions on their ticket (and those of someone whose 附议 came from an anonymous report), except to admin tokens",
    }),
    action: z.string().openapi({ example: 'unit.create' }),
    targetType: z.string().openapi({ example: 'unit' }),
    targetId: z.string(),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AuditEntry');

/**
 * Which targets lie in a subtree (given its path prefix), per target type: a token that is not for the
 * whole tree sees entries about these, and entries made by tokens of its subtree. Areas add their types.
 */
export const auditTargetsWithin: Record<string, (prefix: string) => SQL> = {
  unit: (p) => sql`SELECT CAST(id AS TEXT) FROM units WHERE ${inSubtree(units.path, p)}`,
  member: (p) => sql`SELECT CAST(member_id AS TEXT) FROM role_grants WHERE ${unitInSubtree(sql`unit_id`, p)}`,
  room: (p) => sql`SELECT CAST(id AS TEXT) FROM rooms WHERE ${unitInSubtree(sql`unit_id`, p)}`,
  token: (p) => sql`SELECT CAST(id AS TEXT) FROM api_tokens WHERE ${unitInSubtree(sql`unit_id`, p)}`,
  ticket: (p) => sql`SELECT CAST(id AS TEXT) FROM tickets WHERE ${unitInSubtree(sql`origin_unit_id`, p)}`,
  task: (p) => sql`SELECT CAST(id AS TEXT) FROM tasks WHERE ${unitInSubtree(sql`unit_id`, p)}`,
  reward: (p) => sql`SELECT CAST(id AS TEXT) FROM rewards WHERE ${unitInSubtree(sql`unit_id`, p)}`,
  voucher: (p) => sql`SELECT CAST(v.id AS TEXT) FROM vouchers v JOIN rewards r ON r.id = v.reward_id WHERE ${unitInSubtree(sql`r.unit_id`, p)}`,
};

function withinScope(prefix: string): SQL {
  const byTarget = Object.entries(auditTargetsWithin).map(
    ([type, ids]) => sql`(${auditLog.targetType} = ${type} AND ${auditLog.targetId} IN (${ids(prefix)}))`,
  );
  const byToken = sql`(${auditLog.actorKind} = 'token' AND ${auditLog.actorId} IN (${auditTargetsWithin.token!(prefix)}))`;
  return or(...byTarget, byToken)!;
}

/**
 * The entry is an anonymous person's own action on a ticket (report, 附议, photo, rate, reopen, cancel…): the
 * reporter of an anonymous ticket, or someone whose 附议 came from an anonymous report (its plusone event
 * says so). Its actor is named to admin tokens only, as GET /tickets/{id} names them. ticket_events shares
 * column names with audit_log, and drizzle leaves columns unqualified here: that subquery spells them out.
 */
const byAnonymousPerson = sql<number>`(${auditLog.targetType} = 'ticket' AND ${auditLog.actorKind} = 'member' AND (EXISTS (
  SELECT 1 FROM ${tickets} WHERE CAST(${tickets.id} AS TEXT) = ${auditLog.targetId}
    AND ${tickets.anonymous} = 1 AND CAST(${tickets.reporterId} AS TEXT) = ${auditLog.actorId}) OR EXISTS (
  SELECT 1 FROM ticket_events e WHERE e.ticket_id = CAST("audit_log"."target_id" AS INTEGER)
    AND e.kind = 'plusone' AND e.actor_kind = 'member' AND e.actor_id = "audit_log"."actor_id"
    AND json_extract(e.data, '$.anonymous') = 1)))`;

const auditView = ({ row: r, masked }: { row: AuditRow; masked: boolean }): z.infer<typeof AuditEntrySchema> => ({
  id: r.id,
  at: iso(r.at),
  actorKind: r.actorKind,
  actorId: masked ? null : r.actorId,
  action: r.action,
  targetType: r.targetType,
  targetId: r.targetId,
  data: r.data ?? null,
});

const CSV_COLUMNS: CsvColumn<z.infer<typeof AuditEntrySchema>>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'at', value: (r) => r.at },
  { header: 'actorKind', value: (r) => r.actorKind },
  { header: 'actorId', value: (r) => r.actorId },
  { header: 'action', value: (r) => r.action },
  { header: 'targetType', value: (r) => r.targetType },
  { header: 'targetId', value: (r) => r.targetId },
  { header: 'data', value: (r) => (r.data ? JSON.stringify(r.data) : '') },
];

const AuditPage = pageOf(AuditEntrySchema, 'AuditPage');

const listAudit = createRoute({
  method: 'get',
  path: '/audit',
  tags: ['Audit'],
  security,
  summary: 'Read the audit log',
  description:
    "Every change made by people, tokens and jobs, newest first. A token that is not for the whole tree sees the entries about its subtree's units, members, rooms, tokens, tickets, tasks, rewards and vouchers, and those made by its subtree's tokens. An anonymous reporter's own actions on their ticket, and those of someone whose 附议 came from an anonymous report, have a null actorId except to admin tokens (and `?actorId=` does not find them). `?format=csv` for a spreadsheet. Admin and staff tokens.",
  request: {
    query: PageQuery.extend(FormatQuery.shape).extend({
      action: z.string().max(100).optional().openapi({ example: 'unit.create' }),
      targetType: z.string().max(50).optional().openapi({ example: 'member' }),
      targetId: z.string().max(50).optional(),
      actorKind: z.enum(['member', 'token', 'system']).optional(),
      actorId: z.string().max(100).optional(),
      from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'At or after this instant' }),
      to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Before this instant' }),
    }),
  },
  responses: { 200: { description: 'A page of entries', content: jsonOrCsv(AuditPage) }, ...errors() },
});

export const registerAudit: RegisterRoutes = (api, services) => {
  api.openapi(listAudit, (c) => {
    const { scope } = c.var;
    scope.requireRole('admin', 'staff');
    const q = c.req.valid('query');
    const before = decodeCursor(q.cursor);
    // Admin tokens see who reported or backed anonymously, as in the chat; for the others the actor is masked, and a
    // search by actor must not find the entries either, or it would name them all the same.
    const seesReporters = c.var.principal.role === 'admin';
    const rows = services.db
      .select({ row: auditLog, hidden: seesReporters ? sql<number>`0` : byAnonymousPerson })
      .from(auditLog)
      .where(
        and(
          scope.pathPrefix !== null ? withinScope(scope.pathPrefix) : undefined,
          q.action !== undefined ? eq(auditLog.action, q.action) : undefined,
          q.targetType !== undefined ? eq(auditLog.targetType, q.targetType) : undefined,
          q.targetId !== undefined ? eq(auditLog.targetId, q.targetId) : undefined,
          q.actorKind !== undefined ? eq(auditLog.actorKind, q.actorKind) : undefined,
          q.actorId !== undefined ? eq(auditLog.actorId, q.actorId) : undefined,
          q.actorId !== undefined && !seesReporters ? not(byAnonymousPerson) : undefined,
          q.from !== undefined ? gte(auditLog.at, new Date(q.from)) : undefined,
          q.to !== undefined ? lt(auditLog.at, new Date(q.to)) : undefined,
          before !== undefined ? lt(auditLog.id, before) : undefined,
        ),
      )
      .orderBy(desc(auditLog.id))
      .limit(q.limit + 1)
      .all();
    const page = toPage(
      rows,
      q.limit,
      (r) => r.row.id,
      (r) => auditView({ row: r.row, masked: Boolean(r.hidden) }),
    );
    if (q.format === 'csv') return csvResponse(c, 'audit.csv', CSV_COLUMNS, page);
    return c.json(page, 200);
  });
};
