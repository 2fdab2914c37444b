import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { flag, instant } from './columns.js';
import { members, rooms, units } from './org.js';

export const TASK_KINDS = ['wish', 'task'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * A resident's wish (微心愿) or a task staff posted (a patrol needing three volunteers). Referred to as
 * W<id>. `requesterId` is the person served; a staff task serves the neighbourhood and has none.
 */
export const tasks = sqliteTable(
  'tasks',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    kind: text({ enum: TASK_KINDS }).notNull(),
    unitId: integer()
      .notNull()
      .references(() => units.id),
    title: text().notNull(),
    requesterId: integer().references(() => members.id),
    /** The member who posted it (for a resident, staff acting for them); null when posted through the API. */
    postedBy: integer().references(() => members.id),
    slots: integer().notNull(),
    /** Hours above this (in minutes) need a staff member's confirmation. */
    capMinutes: integer().notNull(),
    status: text({ enum: ['open', 'done'] })
      .notNull()
      .default('open'),
    /** The room it was posted in (null through the API): where its requester is told things when they have no private chat. */
    roomId: integer().references(() => rooms.id),
    createdAt: instant().notNull(),
    doneAt: instant(),
  },
  (t) => [
    index('tasks_unit_status').on(t.unitId, t.status),
    check('tasks_slots_positive', sql`${t.slots} >= 1`),
    check('tasks_cap_positive', sql`${t.capMinutes} >= 1`),
  ],
);

/** A volunteer holding one of a task's slots. Withdrawing (before reporting) frees the slot. */
export const taskClaims = sqliteTable(
  'task_claims',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    taskId: integer()
      .notNull()
      .references(() => tasks.id),
    volunteerId: integer()
      .notNull()
      .references(() => members.id),
    status: text({ enum: ['active', 'withdrawn'] })
      .notNull()
      .default('active'),
    /** The room it was claimed in: where the volunteer is told things when they have no private chat. */
    roomId: integer().references(() => rooms.id),
    claimedAt: instant().notNull(),
    withdrawnAt: instant(),
  },
  (t) => [uniqueIndex('task_claims_active').on(t.taskId, t.volunteerId).where(sql`status = 'active'`), index('task_claims_volunteer').on(t.volunteerId)],
);

export const COMPLETION_STATUSES = ['pending', 'confirmed', 'disputed', 'ruled', 'lapsed'] as const;
export type CompletionStatus = (typeof COMPLETION_STATUSES)[number];

/**
 * The hours a volunteer reports for a claim, and what became of them: confirmed by the person served or
 * staff, disputed and then ruled on by staff, or lapsed after a week unconfirmed. `creditedMinutes` and
 * `points` are what was finally credited; hours are tallies, never spent.
 */
export const taskCompletions = sqliteTable(
  'task_completions',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    claimId: integer()
      .notNull()
      .references(() => taskClaims.id),
    taskId: integer()
      .notNull()
      .references(() => tasks.id),
    volunteerId: integer()
      .notNull()
      .references(() => members.id),
    minutes: integer().notNull(),
    reportedAt: instant().notNull(),
    /**
     * Whether the person served was sent these minutes (each correction sends them again): only then may
     * they confirm by a bare 确认, without naming the hours.
     */
    requesterTold: flag().notNull().default(false),
    status: text({ enum: COMPLETION_STATUSES }).notNull().default('pending'),
    disputeReason: text(),
    disputedAt: instant(),
    creditedMinutes: integer(),
    /** Points per hour in force when it was credited. */
    rate: integer(),
    points: integer(),
    decidedAt: instant(),
    decidedBy: integer().references(() => members.id),
  },
  (t) => [
    uniqueIndex('task_completions_claim').on(t.claimId),
    index('task_completions_task').on(t.taskId),
    index('task_completions_status').on(t.status, t.reportedAt),
    index('task_completions_volunteer').on(t.volunteerId, t.decidedAt),
    check('task_completions_minutes_positive', sql`${t.minutes} >= 1`),
    check('task_completions_credit_not_negative', sql`${t.creditedMinutes} IS NULL OR ${t.creditedMinutes} >= 0`),
  ],
);
