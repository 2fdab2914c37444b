import type { MiddlewareHandler } from 'hono';
import { type Clock, MINUTE } from '../clock.js';
import { DomainError } from '../errors.js';
import type { ApiEnv } from './env.js';

/** A token over its limit; the seconds until its window frees travel beside the message, for Retry-After. */
export class RateLimitedError extends DomainError<'error.rateLimited'> {
  constructor(readonly retryAfter: number) {
    super('RATE_LIMITED', 'error.rateLimited');
  }
}

/** An address that failed to sign in too often: told how long to wait, in the message and in Retry-After. */
export class SignInsLimitedError extends DomainError<'api.tooManyFailures'> {
  constructor(readonly retryAfter: number) {
    super('RATE_LIMITED', 'api.tooManyFailures', { retryAfter });
  }
}

export type Taken = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

/**
 * Requests per minute per key (a token, or a client address for failed sign-ins), in fixed one-minute
 * windows that start with a key's first request. Kept in memory: one process serves the API, and a
 * restart forgiving a minute is harmless.
 */
export class RateLimiter {
  readonly #windows = new Map<number | string, { start: number; count: number }>();

  constructor(
    readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  take(key: number | string): Taken {
    const now = this.clock.now().getTime();
    let window = this.#windows.get(key);
    if (!window || now - window.start >= MINUTE) {
      if (this.#windows.size > 10_000) this.#forgetOld(now);
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count >= this.perMinute) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + MINUTE - now) / 1000)) };
    }
    window.count++;
    return { ok: true, remaining: this.perMinute - window.count };
  }

  /** Seconds until the key may go on, when it has used up its minute; undefined while it may. Counts nothing. */
  spent(key: number | string): number | undefined {
    const now = this.clock.now().getTime();
    const window = this.#windows.get(key);
    if (!window || now - window.start >= MINUTE || window.count < this.perMinute) return undefined;
    return Math.max(1, Math.ceil((window.start + MINUTE - now) / 1000));
  }

  #forgetOld(now: number) {
    for (const [id, w] of this.#windows) if (now - w.start >= MINUTE) this.#windows.delete(id);
  }
}

/** After authentication: a token over its limit gets a 429 problem with Retry-After. */
export function rateLimit(limiter: RateLimiter): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const taken = limiter.take(c.var.principal.tokenId);
    c.header('RateLimit-Limit', String(limiter.perMinute));
    if (!taken.ok) {
      c.header('RateLimit-Remaining', '0');
      throw new RateLimitedError(taken.retryAfterSeconds);
    }
    c.header('RateLimit-Remaining', String(taken.remaining));
    await next();
  };
}
