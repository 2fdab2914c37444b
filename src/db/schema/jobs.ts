import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { flag, instant } from './columns.js';

/** An admin's change to a job's schedule; jobs without a row run on their default. */
export const jobSettings = sqliteTable('job_settings', {
  name: text().primaryKey(),
  cron: text().notNull(),
  enabled: flag().notNull(),
  updatedAt: instant().notNull(),
});

/**
 * Every run of a scheduled job. One row per (job, scheduled time): a second run for the same time finds
 * it and does nothing, across processes and restarts.
 */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    job: text().notNull(),
    scheduledFor: instant().notNull(),
    startedAt: instant().notNull(),
    finishedAt: instant(),
    outcome: text({ enum: ['ok', 'error'] }).notNull(),
    /** Outbox messages the run wrote. */
    sent: integer().notNull().default(0),
    /** What the run did, or why it failed. */
    detail: text(),
    trigger: text({ enum: ['schedule', 'catch-up', 'manual'] }).notNull(),
  },
  (t) => [uniqueIndex('job_runs_once').on(t.job, t.scheduledFor), index('job_runs_job_started').on(t.job, t.startedAt)],
);
