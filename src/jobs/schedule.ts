import { DAY } from '../clock.js';
import { lt } from 'drizzle-orm';
import { optimizeStore } from '../db/client.js';
import { processedMessages } from '../db/schema/index.js';
import { idempotencyPrune } from './idempotency-prune.js';
import type { JobDef } from './job.js';
import { patrolJobs } from './patrols.js';
import { reconcileJob } from './reconcile.js';
import { annualReview, monthlyReminder, quarterlyDispatch } from './reports.js';
import { slaSweep } from './sla-sweep.js';
import { taskLapse } from './task-lapse.js';
import { ticketAutoclose } from './ticket-autoclose.js';
import { voucherExpiry } from './voucher-expiry.js';

/** Forgets dedupe marks older than any platform redelivers, and refreshes the query planner's statistics. */
const housekeeping: JobDef = {
  name: 'housekeeping',
  cron: '40 3 * * *',
  description: "Prune dedupe marks older than 30 days; refresh the query planner's statistics (PRAGMA optimize)",
  catchUp: true,
  run(ctx) {
    const before = new Date(ctx.scheduledFor.getTime() - 30 * DAY);
    const removed = ctx.db.delete(processedMessages).where(lt(processedMessages.at, before)).run().changes;
    optimizeStore(ctx.db.$client);
    return `removed ${removed} dedupe marks; statistics refreshed`;
  },
};

/** The one cron table. Each area's jobs are listed here, in the order they run when due together. */
export function scheduleTable(): JobDef[] {
  return [
    slaSweep,
    ticketAutoclose,
    voucherExpiry,
    taskLapse,
    ...patrolJobs,
    monthlyReminder,
    quarterlyDispatch,
    annualReview,
    reconcileJob,
    housekeeping,
    idempotencyPrune,
  ];
}
