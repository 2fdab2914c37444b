import { and, desc, eq, lt, max, min } from 'drizzle-orm';
import type { CoreDeps } from '../chat/core.js';
import { type Db, inTransaction } from '../db/client.js';
import { jobRuns, jobSettings, outbox } from '../db/schema/index.js';
import { DomainError } from '../errors.js';
import { CronSchedule, cronProblem, NEVER_YEARS } from './cron.js';
import type { JobDef } from './job.js';

export type JobRun = typeof jobRuns.$inferSelect;
export type Trigger = JobRun['trigger'];
export type RunOutcome = { status: 'ok' | 'error'; run: JobRun } | { status: 'skipped'; reason: 'already-ran' | 'running' };
/** What catch-up ran: which job, for which missed time. */
export type CaughtUp = { name: string; at: Date; outcome: RunOutcome };

export interface JobView {
  name: string;
  description: string;
  cron: string;
  defaultCron: string;
  enabled: boolean;
  catchUp: boolean;
  lastRun: JobRun | null;
  nextRun: Date | null;
}

/**
 * Runs jobs and keeps their record. A run for a (job, scheduled time) happens at most once: its record is
 * written in the same transaction as its work. A run never overlaps another of the same job; a failing
 * run is recorded and the next scheduled time tries again.
 */
export class JobRunner {
  readonly #jobs: Map<string, JobDef>;
  readonly #busy = new Set<string>();
  readonly #listeners = new Set<(name: string) => void>();

  constructor(
    readonly deps: CoreDeps,
    jobs: readonly JobDef[],
  ) {
    this.#jobs = new Map(jobs.map((j) => [j.name, j]));
  }

  get names(): string[] {
    return [...this.#jobs.keys()];
  }

  job(name: string): JobDef {
    const job = this.#jobs.get(name);
    if (!job) throw new DomainError('NOT_FOUND', 'job.notFound', { name });
    return job;
  }

  /** The schedule in force: an admin's setting, else the default. */
  effective(name: string): { cron: string; enabled: boolean; schedule: CronSchedule } {
    const job = this.job(name);
    const setting = this.deps.db.select().from(jobSettings).where(eq(jobSettings.name, name)).get();
    const cron = setting?.cron ?? job.cron;
    return { cron, enabled: setting?.enabled ?? true, schedule: new CronSchedule(cron, this.deps.settings.timeZone) };
  }

  /** Calls `listener` after each change of a job's schedule (the live scheduler reloads it); returns the unsubscribe. */
  onChange(listener: (name: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  configure(name: string, change: { cron?: string; enabled?: boolean }): JobView {
    const current = this.effective(name);
    if (change.cron !== undefined) {
      const problem = cronProblem(change.cron);
      if (problem) throw new DomainError('INVALID_INPUT', 'job.badCron', { problem });
      // Valid field by field, and yet it may never come round: 29 February that is also a Monday.
      if (!new CronSchedule(change.cron, this.deps.settings.timeZone).nextWithin(this.deps.clock.now())) {
        throw new DomainError('INVALID_INPUT', 'job.neverFires', { cron: change.cron, years: NEVER_YEARS });
      }
    }
    const row = { cron: change.cron ?? current.cron, enabled: change.enabled ?? current.enabled, updatedAt: this.deps.clock.now() };
    this.deps.db
      .insert(jobSettings)
      .values({ name, ...row })
      .onConflictDoUpdate({ target: jobSettings.name, set: row })
      .run();
    for (const listener of this.#listeners) listener(name);
    return this.view(name);
  }

  view(name: string): JobView {
    const job = this.job(name);
    const { cron, enabled, schedule } = this.effective(name);
    return {
      name,
      description: job.description,
      cron,
      defaultCron: job.cron,
      enabled,
      catchUp: job.catchUp,
      lastRun: this.lastRun(name) ?? null,
      nextRun: enabled ? schedule.next(this.deps.clock.now()) : null,
    };
  }

  lastRun(name: string): JobRun | undefined {
    return this.deps.db.select().from(jobRuns).where(eq(jobRuns.job, name)).orderBy(desc(jobRuns.scheduledFor)).get();
  }

  /** Runs `name` for `scheduledFor`, unless it already ran for that time or is running now. */
  run(name: string, scheduledFor: Date, trigger: Trigger): RunOutcome {
    const job = this.job(name);
    if (this.#busy.has(name)) return { status: 'skipped', reason: 'running' };
    this.#busy.add(name);
    const { db, clock } = this.deps;
    const log = this.deps.log.child(`job:${name}`);
    const startedAt = clock.now();
    try {
      return inTransaction(db, () => {
        const claimed = db.insert(jobRuns).values({ job: name, scheduledFor, startedAt, outcome: 'ok', trigger }).onConflictDoNothing().returning().get();
        if (!claimed) return { status: 'skipped', reason: 'already-ran' } as const;
        const before = lastOutboxId(this.deps);
        const detail = job.run({ ...this.deps, actor: { kind: 'system', job: name }, log, scheduledFor }) ?? null;
        const run = db
          .update(jobRuns)
          .set({ finishedAt: clock.now(), sent: lastOutboxId(this.deps) - before, detail })
          .where(eq(jobRuns.id, claimed.id))
          .returning()
          .get();
        return { status: 'ok', run } as const;
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log.error('job failed', { scheduledFor: scheduledFor.toISOString(), error: reason });
      const run = db
        .insert(jobRuns)
        .values({ job: name, scheduledFor, startedAt, finishedAt: clock.now(), outcome: 'error', detail: reason.slice(0, 1000), trigger })
        .onConflictDoNothing()
        .returning()
        .get();
      return run ? { status: 'error', run } : { status: 'skipped', reason: 'already-ran' };
    } finally {
      this.#busy.delete(name);
    }
  }

  /**
   * After downtime: each catch-up job whose last scheduled time before `now` has no run, and falls after
   * its previous run, runs once for that time. Reminders are not caught up: late, they would only be noise.
   */
  catchUp(now: Date): CaughtUp[] {
    const since = this.firstRunAt();
    const caughtUp: CaughtUp[] = [];
    for (const name of this.names) {
      const at = this.missedTime(name, now, since);
      if (at) caughtUp.push({ name, at, outcome: this.run(name, at, 'catch-up') });
    }
    return caughtUp;
  }

  /**
   * The last time before `now` a catch-up job was due with no run since its previous run. A job that has
   * never run counts from `since`, when the scheduler first ran anything: a monthly report first due while
   * the service was down must not be lost because the installation is younger than a month.
   */
  missedTime(name: string, now: Date, since = this.firstRunAt()): Date | undefined {
    const job = this.job(name);
    const { enabled, schedule } = this.effective(name);
    if (!job.catchUp || !enabled) return undefined;
    const from = this.lastRun(name)?.scheduledFor ?? since;
    if (!from) return undefined; // a fresh installation has missed nothing
    let missed: Date | undefined;
    for (let t = schedule.next(from); t <= now; t = schedule.next(t)) missed = t;
    return missed;
  }

  /**
   * When the scheduler first ran a job: the start of the earliest run on record. Only the every-minute
   * sweep prunes its records, and the daily jobs keep theirs, so this stays put within a day of it.
   */
  firstRunAt(): Date | undefined {
    return (
      this.deps.db
        .select({ at: min(jobRuns.startedAt) })
        .from(jobRuns)
        .get()?.at ?? undefined
    );
  }
}

/** Drops a job's run records older than `before`: for jobs that fire every minute, whose records say nothing after a day or two. */
export function pruneRuns(db: Db, job: string, before: Date): number {
  return db
    .delete(jobRuns)
    .where(and(eq(jobRuns.job, job), lt(jobRuns.scheduledFor, before)))
    .run().changes;
}

function lastOutboxId(deps: CoreDeps): number {
  return (
    deps.db
      .select({ id: max(outbox.id) })
      .from(outbox)
      .get()?.id ?? 0
  );
}
