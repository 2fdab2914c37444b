import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MINUTE, systemClock } from '../../src/clock.js';
import { jobRuns } from '../../src/db/schema/index.js';
import type { JobDef } from '../../src/jobs/job.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { CronScheduler } from '../../src/jobs/scheduler.js';
import { testServices } from '../helpers/services.js';

const NINE = new Date('2026-03-02T09:00:00+08:00');

/**
 * node-cron on vitest's fake timers: a job "takes" time by moving the fake clock forward while it runs, as
 * a synchronous job blocks the process, and no test waits in real time.
 */
function cronSetup(jobs: JobDef[]) {
  vi.useFakeTimers({ now: new Date(NINE.getTime() - 30_000) });
  const services = testServices({ clock: systemClock });
  const runner = new JobRunner(services.deps, jobs);
  const after: string[] = [];
  const scheduler = new CronScheduler(runner, (name, outcome) => void after.push(`${name} ${outcome.status}`));
  const runs = (name: string) =>
    services.db
      .select()
      .from(jobRuns)
      .where(eq(jobRuns.job, name))
      .all()
      .map((r) => [r.scheduledFor.toISOString(), r.trigger]);
  return { scheduler, runs, after };
}

/** A job that keeps the process busy for `ms`. */
const busy = (name: string, cron: string, ms: number): JobDef => ({
  name,
  cron,
  description: '',
  catchUp: false,
  run: () => void vi.setSystemTime(Date.now() + ms),
});
const quick = (name: string, cron: string, catchUp: boolean): JobDef => ({ name, cron, description: '', catchUp, run: () => 'ran' });

describe('CronScheduler', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    vi.useRealTimers();
  });

  it('runs a job due in the same minute as a slow one, late', async () => {
    const { scheduler, runs } = cronSetup([busy('slow', '* * * * *', 2_500), quick('next', '* * * * *', false)]);
    await scheduler.start();
    stop = () => scheduler.stop();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(runs('slow')).toEqual([[NINE.toISOString(), 'schedule']]);
    expect(runs('next')).toEqual([[NINE.toISOString(), 'schedule']]);
  });

  it('after a firing too late even for the tolerance, runs a catch-up job once for it and skips a reminder', async () => {
    const { scheduler, runs, after } = cronSetup([
      busy('stuck', '0 9 * * *', 20 * MINUTE),
      quick('report', '0 9 * * *', true),
      quick('reminder', '0 9 * * *', false),
      quick('sweep', '* * * * *', true),
    ]);
    await scheduler.start();
    stop = () => scheduler.stop();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(runs('report')).toEqual([[NINE.toISOString(), 'catch-up']]);
    expect(after).toContain('report ok');
    expect(runs('reminder')).toEqual([]);
    // Twenty missed minutes of a sweep: it runs once, for the minute now due, not twenty times.
    expect(runs('sweep')).toEqual([[new Date(NINE.getTime() + 20 * MINUTE).toISOString(), 'schedule']]);
  });
});
