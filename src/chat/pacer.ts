/**
 * Spaces out sends: at most one message per `perRoomIntervalMs` in a room and `perMinute` in all.
 * WeChat bans accounts that burst; Telegram answers 429. A slot is reserved synchronously, so callers
 * that arrive together queue in order instead of all seeing the same free slot. The one rate limiter of
 * both platforms: Telegram's ChatPacers keep one per chat, WeChat's PacedSender one for the account.
 */
export interface PacerOptions {
  perRoomIntervalMs: number;
  perMinute: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const WINDOW_MS = 60_000;

export class Pacer {
  readonly #roomNext = new Map<string, number>();
  /** Reserved send times within the last minute and ahead, ascending. */
  readonly #window: number[] = [];
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(readonly options: PacerOptions) {
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** When a send to this room may go, reserving that slot. */
  reserve(roomId: string): number {
    const at = this.peek(roomId);
    const index = this.#window.findIndex((s) => s > at);
    this.#window.splice(index === -1 ? this.#window.length : index, 0, at);
    this.#roomNext.set(roomId, at + this.options.perRoomIntervalMs);
    return at;
  }

  /** When a send to this room could go if asked now, without reserving it. */
  peek(roomId: string): number {
    const now = this.#now();
    while (this.#window.length && this.#window[0]! <= now - WINDOW_MS) this.#window.shift();
    let at = Math.max(now, this.#roomNext.get(roomId) ?? 0);
    while (!this.#fits(at)) {
      // The next moment one of the reserved sends leaves the minute around `at`.
      at = Math.min(...this.#window.map((s) => s + WINDOW_MS).filter((s) => s > at));
    }
    return at;
  }

  /** Whether one more send at `at` keeps every minute-long window within the limit. */
  #fits(at: number): boolean {
    const sends = [...this.#window, at].sort((a, b) => a - b);
    for (const end of sends) {
      if (end < at || end >= at + WINDOW_MS) continue;
      const count = sends.filter((s) => s > end - WINDOW_MS && s <= end).length;
      if (count > this.options.perMinute) return false;
    }
    return true;
  }

  /**
   * Counts a reserved send from when it finished rather than from its slot: the room's next send waits
   * the interval from now, and the minute's budget counts it now. So a late timer or a slow send never
   * squeezes the next message closer than the platform tolerates.
   */
  finished(roomId: string, slot: number): void {
    const at = this.#now();
    const index = this.#window.indexOf(slot);
    if (index !== -1) this.#window.splice(index, 1);
    const later = this.#window.findIndex((s) => s > at);
    this.#window.splice(later === -1 ? this.#window.length : later, 0, at);
    this.#roomNext.set(roomId, Math.max(this.#roomNext.get(roomId) ?? 0, at + this.options.perRoomIntervalMs));
  }

  /** Waits for this room's next slot. */
  async wait(roomId: string): Promise<void> {
    const delay = this.reserve(roomId) - this.#now();
    if (delay > 0) await this.#sleep(delay);
  }
}
