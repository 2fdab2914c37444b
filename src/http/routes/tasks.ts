import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { createRoute, z } from '@hono/zod-openapi';
import { COMPLETION_STATUSES, TASK_KINDS, tasks } from '../../db/schema/index.js';
import { DEFAULT_CAP_MINUTES, MAX_REPORT_MINUTES } from '../../domain/timebank/hours.js';
import { MAX_SLOTS, MAX_TITLE_LENGTH, postTask } from '../../domain/timebank/post-wish.js';
import { activeClaims, completionsOf, type Task, taskRef } from '../../domain/timebank/tasks.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { body, errors, IdParam, IdString, Instant, iso, isoOrNull, json, security, visibleText } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

const tags = ['Tasks'];

export const TaskSchema = z
  .object({
    id: z.number().int(),
    ref: z.string().openapi({ description: 'What volunteers type in the chat: 认领 W12', example: 'W12' }),
    kind: z.enum(TASK_KINDS).openapi({ description: "wish: a resident's 微心愿; task: posted by staff with slots" }),
    unitId: z.number().int(),
    title: z.string(),
    requesterId: z.number().int().nullable().openapi({ description: 'The person served; null for a staff task' }),
    postedBy: z.number().int().nullable().openapi({ description: 'The member who posted it; null when posted through the API' }),
    slots: z.number().int(),
    claimed: z.number().int().openapi({ description: 'Slots taken now' }),
    capMinutes: z.number().int().openapi({ description: 'Reported time above this needs staff confirmation' }),
    status: z.enum(['open', 'done']),
    createdAt: Instant,
    doneAt: Instant.nullable(),
  })
  .openapi('Task');

const ClaimSchema = z.object({ volunteerId: z.number().int(), name: z.string(), claimedAt: Instant }).openapi('TaskClaim');

const CompletionSchema = z
  .object({
    id: z.number().int(),
    volunteerId: z.number().int(),
    name: z.string(),
    minutes: z.number().int().openapi({ description: 'As reported' }),
    status: z.enum(COMPLETION_STATUSES),
    creditedMinutes: z.number().int().nullable(),
    points: z.number().int().nullable(),
    reportedAt: Instant,
    decidedAt: Instant.nullable(),
  })
  .openapi('TaskCompletion');

const TaskDetailSchema = TaskSchema.extend({
  claims: z.array(ClaimSchema).openapi({ description: 'Volunteers holding a slot' }),
  completions: z.array(CompletionSchema).openapi({ description: 'Time reported, and what was credited' }),
}).openapi('TaskDetail');

const PostTask = z
  .strictObject({
    unitId: z.number().int().positive().openapi({ description: "Announced in this unit's residents' groups (or the nearest above that has one)" }),
    title: visibleText(MAX_TITLE_LENGTH).openapi({ example: '周五夜间巡逻' }),
    slots: z.number().int().min(1).max(MAX_SLOTS).openapi({ description: 'Volunteers needed', example: 3 }),
    capMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_REPORT_MINUTES)
      .optional()
      .openapi({ description: `Reported time above this needs staff confirmation; default ${DEFAULT_CAP_MINUTES}` }),
  })
  .openapi('PostTask');

type Row = Task & { claimed: number };

const taskView = (t: Row): z.infer<typeof TaskSchema> => ({
  id: t.id,
  ref: taskRef(t.id),
  kind: t.kind,
  unitId: t.unitId,
  title: t.title,
  requesterId: t.requesterId,
  postedBy: t.postedBy,
  slots: t.slots,
  claimed: t.claimed,
  capMinutes: t.capMinutes,
  status: t.status,
  createdAt: iso(t.createdAt),
  doneAt: isoOrNull(t.doneAt),
});

const claimedCount = sql<number>`(SELECT count(*) FROM task_claims c WHERE c.task_id = ${tasks.id} AND c.status = 'active')`;

const listTasks = createRoute({
  method: 'get',
  path: '/tasks',
  tags,
  security,
  summary: 'List wishes and tasks',
  description: "Wishes and volunteer tasks of units in the token's subtree, newest first. Admin and staff tokens.",
  request: {
    query: PageQuery.extend({
      unitId: IdString.optional().openapi({ description: 'Only those of this unit and below' }),
      kind: z.enum(TASK_KINDS).optional(),
      status: z.enum(['open', 'done']).optional(),
    }),
  },
  responses: { 200: json(pageOf(TaskSchema, 'TaskPage'), 'A page of tasks'), ...errors(404) },
});

const getTaskRoute = createRoute({
  method: 'get',
  path: '/tasks/{id}',
  tags,
  security,
  summary: 'Get a wish or task',
  description: 'With who claimed it and the time they reported. Admin and staff tokens.',
  request: { params: IdParam },
  responses: { 200: json(TaskDetailSchema, 'The task'), ...errors(404) },
});

const postTaskRoute = createRoute({
  method: 'post',
  path: '/tasks',
  tags,
  security,
  middleware: [allow(['admin', 'staff'])],
  summary: 'Post a volunteer task',
  description:
    "A task needing several volunteers (a patrol, a service fair), announced in the unit's residents' groups with a 认领 button. Admin and staff tokens. Accepts Idempotency-Key, so a retry announces once.",
  request: { headers: IdempotencyHeaders, body: body(PostTask) },
  responses: { 201: json(TaskDetailSchema, 'The new task'), ...errors(404, 409, 415) },
});

export const registerTasks: RegisterRoutes = (api, services) => {
  const { db } = services;

  const detail = (id: number): z.infer<typeof TaskDetailSchema> => {
    const row = db.select({ task: tasks, claimed: claimedCount }).from(tasks).where(eq(tasks.id, id)).get()!;
    return {
      ...taskView({ ...row.task, claimed: row.claimed }),
      claims: activeClaims(db, id).map((c) => ({ volunteerId: c.volunteerId, name: c.name, claimedAt: iso(c.claimedAt) })),
      completions: completionsOf(db, id).map((c) => ({
        id: c.id,
        volunteerId: c.volunteerId,
        name: c.name,
        minutes: c.minutes,
        status: c.status,
        creditedMinutes: c.creditedMinutes,
        points: c.points,
        reportedAt: iso(c.reportedAt),
        decidedAt: isoOrNull(c.decidedAt),
      })),
    };
  };

  api.openapi(listTasks, (c) => {
    const { scope } = c.var;
    scope.requireRole('admin', 'staff');
    const { limit, cursor, unitId, kind, status } = c.req.valid('query');
    const inScope = scope.unitCondition(tasks.unitId, unitId);
    const before = decodeCursor(cursor);
    const rows = db
      .select({ task: tasks, claimed: claimedCount })
      .from(tasks)
      .where(
        and(
          inScope,
          kind !== undefined ? eq(tasks.kind, kind) : undefined,
          status !== undefined ? eq(tasks.status, status) : undefined,
          before !== undefined ? lt(tasks.id, before) : undefined,
        ),
      )
      .orderBy(desc(tasks.id))
      .limit(limit + 1)
      .all();
    return c.json(
      toPage(
        rows,
        limit,
        (r) => r.task.id,
        (r) => taskView({ ...r.task, claimed: r.claimed }),
      ),
      200,
    );
  });

  api.openapi(getTaskRoute, (c) => {
    c.var.scope.requireRole('admin', 'staff');
    return c.json(detail(c.var.scope.task(c.req.valid('param').id).id), 200);
  });

  api.openapi(postTaskRoute, (c) => {
    const { scope, ctx } = c.var;
    const input = c.req.valid('json');
    scope.unit(input.unitId);
    return idempotent(c, input, 201, () => detail(postTask(ctx, input).id));
  });
};
