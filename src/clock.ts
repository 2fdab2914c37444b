/** The one source of "now". Production uses the system clock; tests and the shell chat's `--clock` use a simulated one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class SimulatedClock implements Clock {
  #ms: number;

  constructor(start: Date) {
    this.#ms = start.getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  /** Moves time forward; time never goes back, so a job's "last run" stays in the past. */
  set(to: Date): void {
    if (to.getTime() < this.#ms) throw new RangeError(`cannot move the clock back to ${to.toISOString()}`);
    this.#ms = to.getTime();
  }

  advance(ms: number): Date {
    this.set(new Date(this.#ms + ms));
    return this.now();
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
