import { Pacer } from '../../src/chat/pacer.js';
import type { OutMessage } from '../../src/chat/types.js';

/** WeChat shows long messages, but a wall of text is hard to read on a phone and risks the length limit. */
export const DEFAULT_MAX_LENGTH = 1500;

/**
 * Splits a text into parts of at most `maxLength` characters, at line breaks where it can; a single line
 * longer than that is cut. Characters are counted as code points, so an emoji is never cut in half.
 */
export function splitText(text: string, maxLength = DEFAULT_MAX_LENGTH): string[] {
  if ([...text].length <= maxLength) return [text];
  const lines = text.split('\n').flatMap((line) => {
    const chars = [...line];
    if (chars.length <= maxLength) return [line];
    const pieces: string[] = [];
    for (let i = 0; i < chars.length; i += maxLength) pieces.push(chars.slice(i, i + maxLength).join(''));
    return pieces;
  });
  const parts: string[] = [];
  let current: string | undefined;
  let size = 0;
  for (const line of lines) {
    const length = [...line].length;
    if (current !== undefined && size + 1 + length > maxLength) {
      parts.push(current);
      current = undefined;
    }
    if (current === undefined) {
      current = line;
      size = length;
    } else {
      current += '\n' + line;
      size += 1 + length;
    }
  }
  if (current !== undefined) parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/**
 * Runs the work given under one key one after another, in the order it was given; keys run side by side.
 * A failure does not hold up what follows it.
 */
export function serialPerKey() {
  const tails = new Map<string, Promise<void>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.then(
      () => {},
      () => {},
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

export interface PacingOptions {
  roomIntervalMs: number;
  perMinute: number;
  /** A send still unanswered after this long is given up, so one hung call cannot hold up every room. */
  sendTimeoutMs?: number;
  /** The clock pacing runs on (milliseconds); the system clock unless given. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_SEND_TIMEOUT_MS = 60_000;

export class SenderClosedError extends Error {
  constructor() {
    super('the WeChat sender is stopped');
    this.name = 'SenderClosedError';
  }
}

/** A send waiting for its turn on the wire. */
interface Waiting {
  roomId: string;
  /** Its turn has come, in the Pacer slot given. */
  go(slot: number): void;
  fail(error: Error): void;
}

/**
 * Every message the bot sends goes through here, replies and outbox deliveries alike: one room's messages
 * in order, one message on the wire at a time, spaced per room and per minute by a Pacer, measured from
 * when earlier sends actually finished, so a late timer or a slow send never squeezes two messages closer
 * than WeChat tolerates.
 *
 * Of the sends that may go, a reply goes first: someone who just asked should not wait behind a broadcast
 * to sixty groups for the minute's budget. Whatever else is queued for a room a reply is due in goes first
 * too, since the reply must follow it there. Otherwise sends go in the order they came.
 */
export class PacedSender {
  readonly #now: () => number;
  readonly #sleep: ((ms: number) => Promise<void>) | undefined;
  /** When each room and the account may send next. */
  readonly #pacer: Pacer;
  readonly #inRoomOrder = serialPerKey();
  /** Sends waiting for the wire, in the order they came (at most one per room: rooms are in order). */
  readonly #waiting: Waiting[] = [];
  /** Rooms a reply is due in, with how many. */
  readonly #replies = new Map<string, number>();
  #onWire = false;
  #planning = false;
  /** Ends the current wait early, to plan again with a send that just came. */
  #wake: (() => void) | undefined;
  #closed = false;

  constructor(readonly options: PacingOptions) {
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep;
    this.#pacer = new Pacer({ perRoomIntervalMs: options.roomIntervalMs, perMinute: options.perMinute, now: this.#now });
  }

  /** Runs `send` for `roomId` when its turn comes; resolves with its result. */
  run<T>(roomId: string, send: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new SenderClosedError());
    return this.#inRoomOrder(roomId, () => this.#paced(roomId, send));
  }

  /** Runs `work` (which sends into `roomId` through `run`) as a reply: its sends go ahead of other rooms' waiting ones. */
  async reply<T>(roomId: string, work: () => Promise<T>): Promise<T> {
    this.#replies.set(roomId, (this.#replies.get(roomId) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (this.#replies.get(roomId) ?? 1) - 1;
      if (left > 0) this.#replies.set(roomId, left);
      else this.#replies.delete(roomId);
    }
  }

  /** Refuses new sends and abandons the waiting ones (they reject; the outbox retries its rows later). */
  close(): void {
    this.#closed = true;
    for (const waiting of this.#waiting.splice(0)) waiting.fail(new SenderClosedError());
    this.#wake?.();
  }

  async #paced<T>(roomId: string, send: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new SenderClosedError();
    const slot = await new Promise<number>((go, fail) => {
      this.#waiting.push({ roomId, go, fail });
      this.#plan();
    });
    try {
      if (this.#closed) throw new SenderClosedError();
      return await withTimeout(send(), this.options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS);
    } finally {
      this.#pacer.finished(roomId, slot);
      this.#onWire = false;
      this.#plan();
    }
  }

  /** Puts the next send on the wire when its time comes; one planner runs at a time, and a new send wakes it. */
  #plan(): void {
    if (this.#planning) {
      this.#wake?.();
      return;
    }
    this.#planning = true;
    void this.#planLoop();
  }

  async #planLoop(): Promise<void> {
    try {
      while (!this.#closed && !this.#onWire && this.#waiting.length) {
        const due = this.#waiting.map((waiting) => ({ waiting, at: this.#pacer.peek(waiting.roomId) }));
        // Read after the pacer's: a room free now is never taken for one free a moment from now.
        const now = this.#now();
        const ready = due.filter((d) => d.at <= now).map((d) => d.waiting);
        if (!ready.length) {
          // A timer may wake a moment early, or a send come meanwhile: look again either way.
          await this.#nap(Math.min(...due.map((d) => d.at)) - now);
          continue;
        }
        const next = ready.find((w) => this.#replies.has(w.roomId)) ?? ready[0]!;
        this.#waiting.splice(this.#waiting.indexOf(next), 1);
        this.#onWire = true;
        next.go(this.#pacer.reserve(next.roomId));
      }
    } finally {
      // Cleared in the very tick the loop ends (no await in between), so a send that comes next plans anew.
      this.#planning = false;
    }
  }

  #nap(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      if (this.#sleep) this.#sleep(ms).then(done, done);
      else timer = setTimeout(done, ms);
    });
  }
}

/** A message of which some went out before a failure: `rest` is what the room has not had yet. */
export class PartlySent extends Error {
  constructor(
    readonly rest: OutMessage,
    override readonly cause: unknown,
  ) {
    super(`sent in part: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'PartlySent';
  }
}

/** WeChat did not confirm a send in time: it may or may not have gone out. */
export class SendTimeoutError extends Error {
  constructor(ms: number) {
    super(`WeChat did not confirm the send within ${ms} ms`);
    this.name = 'SendTimeoutError';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeoutError(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
