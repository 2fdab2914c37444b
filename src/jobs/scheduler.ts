import cron, { type ScheduledTask } from 'node-cron';
import type { SimulatedClock } from '../clock.js';
import type { CaughtUp, JobRunner, RunOutcome, Trigger } from './runner.js';

const MINUTE = 60_000;
const floorToMinute = (d: Date) => new Date(Math.floor(d.getTime() / MINUTE) * MINUTE);

/**
 * How late a firing may start and still run. Runs are synchronous, so jobs due in the same minute (09:00 on
 * the 1st: the sweep, auto-close and the reports) start one after another, each as late as those before it
 * took; node-cron's default of one second would skip them. node-cron caps it at the gap to the job's next
 * firing. A firing later still is treated like downtime (see `#missed`).
 */
export const LATE_TOLERANCE_MS = 15 * MINUTE;

/** Called after each run, with what it did: the outbox dispatcher delivers what the job wrote. */
export type AfterRun = (name: string, outcome: RunOutcome) => void | Promise<void>;

/** Production: node-cron fires each enabled job at its times in LINLI_TZ. */
export class CronScheduler {
  readonly #tasks = new Map<string, ScheduledTask>();
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly runner: JobRunner,
    private readonly afterRun: AfterRun = () => {},
  ) {}

  /** Catches up what downtime missed, then schedules every enabled job. */
  async start(): Promise<CaughtUp[]> {
    const caughtUp = this.runner.catchUp(this.runner.deps.clock.now());
    for (const { name, outcome } of caughtUp) await this.afterRun(name, outcome);
    for (const name of this.runner.names) this.reload(name);
    // A schedule changed through the API takes effect at once.
    this.#unsubscribe = this.runner.onChange((name) => this.reload(name));
    return caughtUp;
  }

  /** Applies a changed schedule (or enabling, disabling) of one job. */
  reload(name: string): void {
    void this.#tasks.get(name)?.destroy();
    this.#tasks.delete(name);
    const { cron: expression, enabled } = this.runner.effective(name);
    if (!enabled) return;
    // No `noOverlap`: the runner already never overlaps a job (its runs are synchronous), and node-cron's
    // guard would drop a firing while the previous one's afterRun is still delivering.
    const task = cron.schedule(
      expression,
      async (context) => {
        const outcome = this.runner.run(name, floorToMinute(context.date), 'schedule');
        await this.afterRun(name, outcome);
      },
      { name, timezone: this.runner.deps.settings.timeZone, missedExecutionTolerance: LATE_TOLERANCE_MS },
    );
    task.on('execution:missed', (context) => this.#missed(name, floorToMinute(context.date)));
    this.#tasks.set(name, task);
  }

  /**
   * node-cron gave up on a firing (the process was blocked or asleep past the tolerance). As after
   * downtime: a job whose work must not be lost runs for its last missed time; a late reminder is skipped.
   * node-cron reports every missed firing, oldest first, then runs the current one if it is on time, so
   * only a firing with no later one due yet is run here: the runner's per-time record makes it once.
   */
  async #missed(name: string, at: Date): Promise<void> {
    const { schedule } = this.runner.effective(name);
    if (schedule.next(at) <= this.runner.deps.clock.now()) return;
    if (!this.runner.job(name).catchUp) {
      this.runner.deps.log.child('scheduler').warn('skipped a firing too late to be useful', { job: name, at: at.toISOString() });
      return;
    }
    const outcome = this.runner.run(name, at, 'catch-up');
    await this.afterRun(name, outcome);
  }

  /** The cron expression each scheduled job runs on now; disabled jobs are absent. */
  get scheduled(): Record<string, string> {
    return Object.fromEntries([...this.#tasks].map(([name, task]) => [name, task.getPattern()]));
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await Promise.all([...this.#tasks.values()].map((t) => t.destroy()));
    this.#tasks.clear();
  }
}

/**
 * The shell chat's simulated clock runs the very same table: moving time forward runs, in order, every
 * job that falls due on the way, each at its own time.
 */
export class SimulatedScheduler {
  constructor(
    private readonly runner: JobRunner,
    private readonly clock: SimulatedClock,
    private readonly afterRun: AfterRun = () => {},
  ) {}

  async advance(ms: number): Promise<{ name: string; at: Date; outcome: RunOutcome }[]> {
    return this.advanceTo(new Date(this.clock.now().getTime() + ms));
  }

  async advanceTo(target: Date): Promise<{ name: string; at: Date; outcome: RunOutcome }[]> {
    const ran: { name: string; at: Date; outcome: RunOutcome }[] = [];
    const schedules = this.runner.names
      .map((name) => ({ name, ...this.runner.effective(name), nextWork: this.runner.job(name).nextWork }))
      .filter((s) => s.enabled);
    // A job that says when it next has work skips the firings before that: a sweep every minute would
    // otherwise make a simulated month tens of thousands of empty runs.
    const firing = (s: (typeof schedules)[number], after: Date): number => {
      const next = s.schedule.next(after).getTime();
      if (!s.nextWork) return next;
      const work = s.nextWork(this.runner.deps, after);
      if (work === null) return Number.POSITIVE_INFINITY;
      return Math.max(next, s.schedule.next(new Date(work.getTime() - 1)).getTime());
    };
    const next = new Map(schedules.map((s) => [s.name, firing(s, this.clock.now())]));
    for (;;) {
      const soonest = Math.min(...next.values());
      if (!Number.isFinite(soonest) || soonest > target.getTime()) break;
      const at = new Date(soonest);
      this.clock.set(at);
      for (const s of schedules) {
        if (next.get(s.name) !== soonest) continue;
        const outcome = this.runner.run(s.name, at, 'schedule' satisfies Trigger);
        ran.push({ name: s.name, at, outcome });
        await this.afterRun(s.name, outcome);
        next.set(s.name, s.schedule.next(at).getTime());
      }
      // What ran may have made work for a job that had none.
      for (const s of schedules) if (s.nextWork) next.set(s.name, firing(s, at));
    }
    this.clock.set(target);
    return ran;
  }
}
