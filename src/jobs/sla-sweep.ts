import { DAY } from '../clock.js';
import { nextSlaWork, sweepSla } from '../domain/tickets/sla.js';
import type { JobDef } from './job.js';
import { pruneRuns } from './runner.js';

/** Run records of the sweep older than this are dropped: 1,440 a day say nothing after a day or two. */
const KEEP_RUNS_MS = 2 * DAY;

/**
 * Warns at 80% of a ticket's take or resolve time and escalates it at 100%. No catch-up: the sweep is a
 * function of the time it is given, so the next minute's run after downtime does all a catch-up run
 * would, escalating step by step from where each window ran out.
 */
export const slaSweep: JobDef = {
  name: 'sla-sweep',
  cron: '* * * * *',
  description: 'Ticket SLA: warn at 80% of the take/resolve time, escalate one level at 100%',
  catchUp: false,
  nextWork: (deps) => nextSlaWork(deps),
  run(ctx) {
    const { warned, escalated, overdue } = sweepSla(ctx, ctx.scheduledFor);
    pruneRuns(ctx.db, 'sla-sweep', new Date(ctx.scheduledFor.getTime() - KEEP_RUNS_MS));
    return `warned ${warned}, escalated ${escalated}, overdue ${overdue}`;
  },
};
