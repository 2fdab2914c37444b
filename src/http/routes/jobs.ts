import { createRoute, z } from '@hono/zod-openapi';
import { inTransaction } from '../../db/client.js';
import { audit } from '../../domain/audit.js';
import { DomainError } from '../../errors.js';
import type { JobRun, JobView } from '../../jobs/runner.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { body, errors, Instant, iso, isoOrNull, json, security } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

const tags = ['Jobs'];

const JobRunSchema = z
  .object({
    id: z.number().int(),
    job: z.string(),
    scheduledFor: Instant,
    startedAt: Instant,
    finishedAt: Instant.nullable(),
    outcome: z.enum(['ok', 'error']),
    sent: z.number().int().openapi({ description: 'Messages the run queued' }),
    detail: z.string().nullable().openapi({ description: 'What the run did, or why it failed; to whole-tree tokens only (null to others)' }),
    trigger: z.enum(['schedule', 'catch-up', 'manual']),
  })
  .openapi('JobRun');

const JobSchema = z
  .object({
    name: z.string().openapi({ example: 'housekeeping' }),
    description: z.string(),
    cron: z.string().openapi({ description: 'In force now, in LINLI_TZ', example: '40 3 * * *' }),
    defaultCron: z.string(),
    enabled: z.boolean(),
    catchUp: z.boolean().openapi({ description: 'After downtime, runs once for the last missed time' }),
    lastRun: JobRunSchema.nullable(),
    nextRun: Instant.nullable().openapi({ description: 'Null when disabled' }),
  })
  .openapi('Job');

const JobParam = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .openapi({ param: { name: 'name', in: 'path' }, example: 'housekeeping' }),
});

const UpdateJob = z
  .strictObject({
    cron: z
      .string()
      .trim()
      .min(9)
      .max(100)
      .optional()
      .openapi({ description: 'Five fields: minute hour day-of-month month day-of-week', example: '0 9 * * *' }),
    enabled: z.boolean().optional(),
  })
  .openapi('UpdateJob');

const runView = (r: JobRun): z.infer<typeof JobRunSchema> => ({
  id: r.id,
  job: r.job,
  scheduledFor: iso(r.scheduledFor),
  startedAt: iso(r.startedAt),
  finishedAt: isoOrNull(r.finishedAt),
  outcome: r.outcome,
  sent: r.sent,
  detail: r.detail,
  trigger: r.trigger,
});

/** What a run did or why it failed speaks of the whole installation: whole-tree tokens only read it. */
const jobView = (j: JobView, wholeTree: boolean): z.infer<typeof JobSchema> => ({
  ...j,
  lastRun: j.lastRun ? { ...runView(j.lastRun), detail: wholeTree ? j.lastRun.detail : null } : null,
  nextRun: isoOrNull(j.nextRun),
});

const listJobs = createRoute({
  method: 'get',
  path: '/jobs',
  tags,
  security,
  summary: 'List scheduled jobs',
  description: 'Every job of the cron table, in its order, with its schedule in force, last run and next run. Admin tokens.',
  request: { query: PageQuery },
  responses: {
    200: json(pageOf(JobSchema, 'JobPage'), 'A page of jobs'),
    ...errors(),
  },
});

const updateJob = createRoute({
  method: 'patch',
  path: '/jobs/{name}',
  tags,
  security,
  middleware: [allow(['admin'], { wholeTree: true })],
  summary: 'Change a job’s schedule',
  description: 'A new cron expression, or enable / disable. The running scheduler applies it at once. Whole-tree admin tokens.',
  request: { params: JobParam, body: body(UpdateJob) },
  responses: { 200: json(JobSchema, 'The job as scheduled now'), ...errors(404, 415) },
});

const runJob = createRoute({
  method: 'post',
  path: '/jobs/{name}/run',
  tags,
  security,
  summary: 'Run a job now',
  description: 'Runs the job once, now, even when disabled, and returns the run’s record (its outcome may be error). Whole-tree admin tokens.',
  request: { params: JobParam, headers: IdempotencyHeaders },
  responses: { 200: json(JobRunSchema, 'The run'), ...errors(404, 409) },
});

export const registerJobs: RegisterRoutes = (api, services) => {
  const { jobs, db } = services;

  api.openapi(listJobs, (c) => {
    c.var.scope.requireRole('admin');
    const { limit, cursor } = c.req.valid('query');
    // Jobs have no ids: the key is the position in the cron table, which a running server never changes.
    const after = Math.max(decodeCursor(cursor) ?? -1, -1);
    const positions = jobs.names.map((_, i) => i).slice(after + 1, after + 2 + limit);
    return c.json(
      toPage(
        positions,
        limit,
        (i) => i,
        (i) => jobView(jobs.view(jobs.names[i]!), c.var.scope.wholeTree),
      ),
      200,
    );
  });

  api.openapi(updateJob, (c) => {
    const { ctx } = c.var;
    const { name } = c.req.valid('param');
    const change = c.req.valid('json');
    if (change.cron === undefined && change.enabled === undefined) throw new DomainError('INVALID_INPUT', 'api.nothingToChange');
    const view = inTransaction(db, () => {
      const changed = jobs.configure(name, change);
      audit(ctx, 'job.configure', { type: 'job', id: name }, { cron: changed.cron, enabled: changed.enabled });
      return changed;
    });
    return c.json(jobView(view, true), 200);
  });

  api.openapi(runJob, (c) => {
    const { scope, ctx } = c.var;
    scope.requireRole('admin');
    scope.requireWholeTree();
    const { name } = c.req.valid('param');
    jobs.job(name);
    return idempotent(c, null, 200, () => {
      const outcome = jobs.run(name, services.clock.now(), 'manual');
      if (outcome.status === 'skipped') {
        throw new DomainError('CONFLICT', outcome.reason === 'running' ? 'api.jobRunning' : 'api.jobAlreadyRan', { name });
      }
      audit(ctx, 'job.run', { type: 'job', id: name }, { runId: outcome.run.id, outcome: outcome.run.outcome });
      return runView(outcome.run);
    });
  });
};
