import { Pacer } from '../../src/chat/pacer.js';

/** WeChat shows long messages, but a wall of text is hard to read on a phone and risks the length limit. */
export const DEFAULT_MAX_LENGTH = 1500;

const MINUTE_MS = 60_000;

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

/**
 * Every message the bot sends goes through here, replies and outbox deliveries alike: one room's messages
 * in order, one message on the wire at a time, spaced per room and per minute.
 *
 * The Pacer plans the slots; the spacing is then checked again against when earlier sends actually
 * finished, so a late timer or a slow send never squeezes two messages closer than WeChat tolerates.
 */
export class PacedSender {
  readonly #pacer: Pacer;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #inRoomOrder = serialPerKey();
  #wire: Promise<unknown> = Promise.resolve();
  readonly #roomDone = new Map<string, number>();
  /** When the last `perMinute` sends finished, oldest first. */
  readonly #recent: number[] = [];
  #closed = false;
  readonly #closing = new AbortController();

  constructor(readonly options: PacingOptions) {
    this.#now = options.now ?? Date.now;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.#sleep = (ms) => abortable(sleep(ms), this.#closing.signal);
    this.#pacer = new Pacer({
      perRoomIntervalMs: options.roomIntervalMs,
      perMinute: options.perMinute,
      now: this.#now,
      sleep: this.#sleep,
    });
  }

  /** Runs `send` for `roomId` when its turn comes; resolves with its result. */
  run<T>(roomId: string, send: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new SenderClosedError());
    return this.#inRoomOrder(roomId, () => this.#paced(roomId, send));
  }

  /** Refuses new sends and abandons the waiting ones (they reject; the outbox retries its rows later). */
  close(): void {
    this.#closed = true;
    this.#closing.abort();
  }

  async #paced<T>(roomId: string, send: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new SenderClosedError();
    await this.#pacer.wait(roomId);
    const onWire = this.#wire.then(async () => {
      await this.#sleepUntil(this.#earliest(roomId));
      if (this.#closed) throw new SenderClosedError();
      try {
        return await withTimeout(send(), this.options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS);
      } finally {
        this.#finished(roomId);
      }
    });
    this.#wire = onWire.catch(() => {});
    return onWire;
  }

  #earliest(roomId: string): number {
    const roomDone = this.#roomDone.get(roomId);
    const byRoom = roomDone === undefined ? 0 : roomDone + this.options.roomIntervalMs;
    const minuteAgo = this.#recent.length >= this.options.perMinute ? this.#recent[this.#recent.length - this.options.perMinute]! : undefined;
    const byMinute = minuteAgo === undefined ? 0 : minuteAgo + MINUTE_MS;
    return Math.max(byRoom, byMinute);
  }

  #finished(roomId: string) {
    const at = this.#now();
    this.#roomDone.set(roomId, at);
    this.#recent.push(at);
    if (this.#recent.length > this.options.perMinute) this.#recent.shift();
  }

  async #sleepUntil(at: number) {
    // A timer may wake a moment early; sleep again until the time has really come.
    for (let delay = at - this.#now(); delay > 0; delay = at - this.#now()) await this.#sleep(delay);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`WeChat did not confirm the send within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function abortable(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new SenderClosedError());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new SenderClosedError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
