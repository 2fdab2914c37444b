import { describe, expect, it } from 'vitest';
import { MINUTE, SimulatedClock } from '../../src/clock.js';
import { RateLimiter } from '../../src/http/rate-limit.js';
import { START } from '../helpers/services.js';
import { apiHarness } from './harness.js';

describe('rate limiting', () => {
  it('answers a token over its limit with 429 and Retry-After, others unaffected', async () => {
    const h = apiHarness({ LINLI_RATE_LIMIT: '3' });
    for (let i = 0; i < 3; i++) {
      const ok = await h.call('GET', '/units', { token: h.tokens.community });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    h.clock.advance(20_000);
    const limited = await h.call('GET', '/units', { token: h.tokens.community });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', title: 'Too many requests' });
    expect((await h.call('GET', '/units', { token: h.tokens.street })).status).toBe(200);
    h.clock.advance(40_000);
    expect((await h.call('GET', '/units', { token: h.tokens.community })).status).toBe(200);
  });

  it('defaults to 600 a minute', () => {
    const h = apiHarness();
    expect(h.services.config.rateLimitPerMinute).toBe(600);
  });

  it('counts per token in one-minute windows', () => {
    const clock = new SimulatedClock(START);
    const limiter = new RateLimiter(2, clock);
    expect(limiter.take(1)).toEqual({ ok: true, remaining: 1 });
    expect(limiter.take(1)).toEqual({ ok: true, remaining: 0 });
    expect(limiter.take(1)).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(limiter.take(2)).toEqual({ ok: true, remaining: 1 });
    clock.advance(MINUTE);
    expect(limiter.take(1)).toEqual({ ok: true, remaining: 1 });
  });
});

describe('failed sign-ins', () => {
  it('makes an address wait after ten failures a minute, even with a good token, then lets it in', async () => {
    const h = apiHarness();
    for (let i = 0; i < 10; i++) expect((await h.call('GET', '/units', { token: `linli_wrong-guess-${i}` })).status).toBe(401);
    h.clock.advance(15_000);
    for (const token of ['linli_wrong-guess-10', h.tokens.root]) {
      const answer = await h.call('GET', '/units', { token, headers: { 'accept-language': 'zh' } });
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('45');
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'RATE_LIMITED', detail: expect.stringContaining('45 秒后再试') });
    }
    h.clock.advance(45_000);
    expect((await h.call('GET', '/units', { token: h.tokens.root })).status).toBe(200);
  });

  it('counts failures only', async () => {
    const h = apiHarness();
    for (let i = 0; i < 9; i++) await h.call('GET', '/units', { token: 'linli_wrong' });
    for (let i = 0; i < 20; i++) expect((await h.call('GET', '/units', { token: h.tokens.root })).status).toBe(200);
    expect((await h.call('GET', '/units', { token: 'linli_wrong' })).status).toBe(401);
    expect((await h.call('GET', '/units', { token: h.tokens.root })).status).toBe(429);
  });
});
