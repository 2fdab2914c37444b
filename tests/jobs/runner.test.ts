import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, SimulatedClock } from '../../src/clock.js';
import { jobRuns, outbox } from '../../src/db/schema/index.js';
import type { JobDef } from '../../src/jobs/job.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { SimulatedScheduler } from '../../src/jobs/scheduler.js';
import { notifyUnit } from '../../src/domain/notify.js';
import { demoServices, START } from '../helpers/services.js';

function setup(jobs: JobDef[]) {
  const clock = new SimulatedClock(START);
  const { services, ids } = demoServices({ clock });
  const runner = new JobRunner(services.deps, jobs);
  return { clock, services, ids, runner };
}

describe('JobRunner', () => {
  it('runs a job once per scheduled time and records what it sent', () => {
    let calls = 0;
    const { runner, services, ids } = setup([
      {
        name: 'hello',
        cron: '0 8 * * *',
        description: 'says hello',
        catchUp: false,
        run(ctx) {
          calls++;
          notifyUnit(ctx, ids.units.grid1.id, 'staff', () => ({ text: 'hello' }), 'job:hello');
          return 'said hello';
        },
      },
    ]);
    const time = new Date('2026-03-03T08:00:00+08:00');
    expect(runner.run('hello', time, 'schedule')).toMatchObject({ status: 'ok', run: { sent: 1, detail: 'said hello' } });
    expect(runner.run('hello', time, 'schedule')).toEqual({ status: 'skipped', reason: 'already-ran' });
    expect(calls).toBe(1);
    expect(services.db.select().from(outbox).all()).toHaveLength(1);
  });

  it('records a failure, rolls back its work, and lets other jobs run', () => {
    const { runner, services, ids } = setup([
      {
        name: 'broken',
        cron: '0 8 * * *',
        description: 'fails half-way',
        catchUp: false,
        run(ctx) {
          notifyUnit(ctx, ids.units.grid1.id, 'staff', () => ({ text: 'half' }), 'job:broken');
          throw new Error('database on fire');
        },
      },
      { name: 'fine', cron: '0 8 * * *', description: 'works', catchUp: false, run: () => 'ok' },
    ]);
    const time = new Date('2026-03-03T08:00:00+08:00');
    expect(runner.run('broken', time, 'schedule')).toMatchObject({ status: 'error', run: { outcome: 'error', detail: 'database on fire' } });
    expect(runner.run('fine', time, 'schedule')).toMatchObject({ status: 'ok' });
    expect(services.db.select().from(outbox).all()).toHaveLength(0);
    // the next scheduled time tries again
    expect(runner.run('broken', new Date(time.getTime() + 24 * HOUR), 'schedule').status).toBe('error');
  });

  it('never overlaps a run of the same job', () => {
    let inner: unknown;
    const jobs: JobDef[] = [
      {
        name: 'reentrant',
        cron: '* * * * *',
        description: 'tries to run itself',
        catchUp: false,
        run: () => {
          inner = runner.run('reentrant', new Date(START.getTime() + MINUTE), 'manual');
        },
      },
    ];
    const runner = new JobRunner(setup([]).services.deps, jobs);
    runner.run('reentrant', START, 'schedule');
    expect(inner).toEqual({ status: 'skipped', reason: 'running' });
  });

  it('catches up the last missed time of catch-up jobs only, once', () => {
    const ran: string[] = [];
    const { runner, clock } = setup([
      {
        name: 'expiry',
        cron: '10 0 * * *',
        description: 'must not be lost',
        catchUp: true,
        run: (c) => void ran.push(`expiry ${c.scheduledFor.toISOString()}`),
      },
      { name: 'reminder', cron: '0 8 * * *', description: 'stale when late', catchUp: false, run: () => void ran.push('reminder') },
    ]);
    runner.run('expiry', new Date('2026-03-02T00:10:00+08:00'), 'schedule');
    runner.run('reminder', new Date('2026-03-02T08:00:00+08:00'), 'schedule');
    ran.length = 0;
    clock.set(new Date('2026-03-05T12:00:00+08:00')); // down for three days
    runner.catchUp(clock.now());
    runner.catchUp(clock.now());
    expect(ran).toEqual([`expiry ${new Date('2026-03-05T00:10:00+08:00').toISOString()}`]);
  });

  it('catches up a job that never ran from the first run on record, and nothing on a fresh installation', () => {
    const ran: string[] = [];
    const { runner, clock } = setup([
      { name: 'daily', cron: '0 3 * * *', description: '', catchUp: true, run: () => void ran.push('daily') },
      { name: 'monthly', cron: '0 9 1 * *', description: '', catchUp: true, run: (c) => void ran.push(`monthly ${c.scheduledFor.toISOString()}`) },
    ]);
    clock.set(new Date('2026-03-03T12:00:00+08:00'));
    expect(runner.catchUp(clock.now())).toEqual([]); // nothing ran yet: nothing was missed
    runner.run('daily', new Date('2026-03-03T03:00:00+08:00'), 'schedule');
    clock.set(new Date('2026-04-02T10:00:00+08:00')); // down over April 1
    ran.length = 0;
    const caughtUp = runner.catchUp(clock.now());
    expect(caughtUp.map((c) => [c.name, c.outcome.status])).toEqual([
      ['daily', 'ok'],
      ['monthly', 'ok'],
    ]);
    expect(ran).toContain(`monthly ${new Date('2026-04-01T09:00:00+08:00').toISOString()}`);
  });

  it('takes an admin schedule over the default and refuses a bad one', () => {
    const { runner } = setup([{ name: 'x', cron: '0 8 * * *', description: '', catchUp: false, run: () => {} }]);
    expect(runner.configure('x', { cron: '0 9 * * *' })).toMatchObject({ cron: '0 9 * * *', defaultCron: '0 8 * * *', enabled: true });
    expect(runner.configure('x', { enabled: false }).nextRun).toBeNull();
    expect(() => runner.configure('x', { cron: '0 99 * * *' })).toThrow(/badCron/);
    expect(() => runner.configure('nope', {})).toThrow(/notFound/);
  });
});

describe('SimulatedScheduler', () => {
  it('runs every job due on the way, in time order, each at its own time', async () => {
    const log: string[] = [];
    const { runner, clock, services } = setup([
      { name: 'twice-daily', cron: '0 8,14 * * *', description: '', catchUp: false, run: (c) => void log.push(`a ${c.clock.now().toISOString()}`) },
      { name: 'noon', cron: '0 12 * * *', description: '', catchUp: false, run: (c) => void log.push(`b ${c.clock.now().toISOString()}`) },
    ]);
    clock.set(new Date('2026-03-03T07:59:00+08:00'));
    await new SimulatedScheduler(runner, clock).advance(7 * HOUR);
    expect(log).toEqual([
      `a ${new Date('2026-03-03T08:00:00+08:00').toISOString()}`,
      `b ${new Date('2026-03-03T12:00:00+08:00').toISOString()}`,
      `a ${new Date('2026-03-03T14:00:00+08:00').toISOString()}`,
    ]);
    expect(clock.now().toISOString()).toBe(new Date('2026-03-03T14:59:00+08:00').toISOString());
    expect(services.db.select().from(jobRuns).where(eq(jobRuns.job, 'twice-daily')).all()).toHaveLength(2);
  });

  it('skips disabled jobs', async () => {
    const log: string[] = [];
    const { runner, clock } = setup([{ name: 'off', cron: '* * * * *', description: '', catchUp: false, run: () => void log.push('ran') }]);
    runner.configure('off', { enabled: false });
    await new SimulatedScheduler(runner, clock).advance(HOUR);
    expect(log).toEqual([]);
  });

  it("skips the firings before a job's next work, and asks again after any job ran", async () => {
    const ran: string[] = [];
    let dueAt: Date | null = null;
    const { runner, clock } = setup([
      {
        name: 'sweep',
        cron: '* * * * *',
        description: '',
        catchUp: false,
        nextWork: () => dueAt,
        run: (c) => {
          ran.push(`sweep ${c.scheduledFor.toISOString()}`);
          if (dueAt && dueAt <= c.scheduledFor) dueAt = null;
        },
      },
      {
        name: 'maker',
        cron: '0 10 * * *',
        description: '',
        catchUp: false,
        run: (c) => {
          ran.push('maker');
          dueAt = new Date(c.scheduledFor.getTime() + 90_000);
        },
      },
    ]);
    clock.set(new Date('2026-03-03T09:00:00+08:00'));
    await new SimulatedScheduler(runner, clock).advance(2 * HOUR);
    // nothing due until 10:00 made work for 10:01:30, swept at the first firing at or after it
    expect(ran).toEqual(['maker', `sweep ${new Date('2026-03-03T10:02:00+08:00').toISOString()}`]);
  });
});
