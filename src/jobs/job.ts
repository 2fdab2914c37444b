import type { Ctx, Deps } from '../domain/context.js';
import type { Logger } from '../log.js';

export interface JobContext extends Ctx {
  log: Logger;
  /** The time this run is for: the cron firing, or now for a manual run. Jobs compute from it, not from the wall clock. */
  scheduledFor: Date;
}

/** One row of the schedule: a plain function run at the times of a cron expression in LINLI_TZ. */
export interface JobDef {
  name: string;
  /** Default five-field cron expression; admins can change it through the API. */
  cron: string;
  description: string;
  /**
   * After downtime, run once for the last missed time (work that must not be lost: expiry, reports) or
   * skip it (a reminder sent late is noise).
   */
  catchUp: boolean;
  /**
   * For a job that only acts on what has fallen due: the earliest time after `after` at which a run could
   * do anything, or null when nothing is pending. The simulated clock skips the firings before it;
   * production runs every firing regardless.
   */
  nextWork?(deps: Deps, after: Date): Date | null;
  /** Runs inside one transaction with the run's record: synchronous, all or nothing. Returns a summary. */
  run(ctx: JobContext): string | void;
}
