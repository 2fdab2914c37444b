import { parse, validateDetailed } from 'node-cron';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A schedule that does not fire within this many years is taken never to fire. */
export const NEVER_YEARS = 5;

/**
 * A cron expression in a time zone, parsed by node-cron (so the simulated clock and production read the
 * table the same way), with a fast "next time after" for the simulated clock and for "next run" in the API.
 */
export class CronSchedule {
  readonly #minute: Set<number>;
  readonly #hour: Set<number>;
  readonly #dayOfMonth: Set<number>;
  readonly #month: Set<number>;
  readonly #dayOfWeek: Set<number>;
  readonly #offsets = new Map<number, number>();
  readonly #format: Intl.DateTimeFormat;

  constructor(
    readonly expression: string,
    readonly timeZone: string,
  ) {
    const problem = cronProblem(expression);
    if (problem) throw new RangeError(problem);
    const fields = parse(expression);
    if (fields.second.length !== 1 || fields.second[0] !== 0) {
      throw new RangeError(`"${expression}": schedules run on whole minutes; use five fields`);
    }
    this.#minute = new Set(fields.minute);
    this.#hour = new Set(fields.hour);
    this.#dayOfMonth = new Set(fields.dayOfMonth.map(Number));
    this.#month = new Set(fields.month);
    this.#dayOfWeek = new Set(fields.dayOfWeek.map((d) => Number(d) % 7));
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  /** Whether the schedule fires in the minute containing `date`. */
  matches(date: Date): boolean {
    const local = this.#local(date.getTime());
    return this.#dayMatches(local) && this.#hour.has(local.getUTCHours()) && this.#minute.has(local.getUTCMinutes());
  }

  /** The first firing strictly after `after`; a RangeError when none comes within NEVER_YEARS. */
  next(after: Date): Date {
    const next = this.nextWithin(after);
    if (!next) throw new RangeError(`"${this.expression}" never fires`);
    return next;
  }

  /** The first firing strictly after `after`, or null when none comes within NEVER_YEARS (29 February on a Monday). */
  nextWithin(after: Date): Date | null {
    let t = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
    const limit = t + NEVER_YEARS * 366 * 24 * HOUR;
    while (t < limit) {
      const local = this.#local(t);
      if (!this.#dayMatches(local)) {
        // Jump to the next local midnight.
        const intoDay = local.getUTCHours() * HOUR + local.getUTCMinutes() * MINUTE;
        t += 24 * HOUR - intoDay;
        continue;
      }
      if (!this.#hour.has(local.getUTCHours())) {
        t += HOUR - local.getUTCMinutes() * MINUTE;
        continue;
      }
      if (this.#minute.has(local.getUTCMinutes())) return new Date(t);
      t += MINUTE;
    }
    return null;
  }

  #dayMatches(local: Date): boolean {
    return this.#month.has(local.getUTCMonth() + 1) && this.#dayOfMonth.has(local.getUTCDate()) && this.#dayOfWeek.has(local.getUTCDay());
  }

  /** The wall-clock time in the zone, as a Date whose UTC fields read as local time. */
  #local(t: number): Date {
    return new Date(t + this.#offset(t));
  }

  /** The zone's UTC offset at `t`, cached per hour (offsets change only on hour boundaries in practice). */
  #offset(t: number): number {
    const hour = Math.floor(t / HOUR);
    let offset = this.#offsets.get(hour);
    if (offset === undefined) {
      const parts = Object.fromEntries(this.#format.formatToParts(new Date(hour * HOUR)).map((p) => [p.type, p.value]));
      const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
      offset = asUtc - hour * HOUR;
      if (this.#offsets.size > 100_000) this.#offsets.clear();
      this.#offsets.set(hour, offset);
    }
    return offset;
  }
}

/** Null for a valid five-field expression, else what is wrong with it. */
export function cronProblem(expression: string): string | null {
  if (expression.trim().split(/\s+/).length !== 5) {
    return `"${expression}": expected five fields (minute hour day-of-month month day-of-week)`;
  }
  const result = validateDetailed(expression);
  if (result.valid) return null;
  return `"${expression}": ${result.errors.map((e) => e.message).join('; ')}`;
}
