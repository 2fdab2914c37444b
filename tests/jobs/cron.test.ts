import { describe, expect, it } from 'vitest';
import { CronSchedule, cronProblem } from '../../src/jobs/cron.js';

const at = (s: string) => new Date(s);

describe('CronSchedule', () => {
  it.each([
    ['0 8,14 * * *', '2026-03-02T07:59:00+08:00', '2026-03-02T08:00:00+08:00'],
    ['0 8,14 * * *', '2026-03-02T08:00:00+08:00', '2026-03-02T14:00:00+08:00'],
    ['0 8,14 * * *', '2026-03-02T14:00:00+08:00', '2026-03-03T08:00:00+08:00'],
    ['0 20 * * 5', '2026-03-02T09:00:00+08:00', '2026-03-06T20:00:00+08:00'],
    ['30 0 * * 6', '2026-03-06T20:00:00+08:00', '2026-03-07T00:30:00+08:00'],
    ['0 9 1 * *', '2026-03-02T09:00:00+08:00', '2026-04-01T09:00:00+08:00'],
    ['0 9 1 1,4,7,10 *', '2026-04-01T09:00:00+08:00', '2026-07-01T09:00:00+08:00'],
    ['0 9 5 1 *', '2026-03-02T09:00:00+08:00', '2027-01-05T09:00:00+08:00'],
    ['* * * * *', '2026-03-02T09:00:30+08:00', '2026-03-02T09:01:00+08:00'],
  ])('%s after %s is %s (Asia/Shanghai)', (expression, after, expected) => {
    expect(new CronSchedule(expression, 'Asia/Shanghai').next(at(after)).toISOString()).toBe(at(expected).toISOString());
  });

  it('reads times in its own zone', () => {
    const utc = new CronSchedule('0 8 * * *', 'UTC');
    expect(utc.next(at('2026-03-02T00:00:00Z')).toISOString()).toBe('2026-03-02T08:00:00.000Z');
    expect(new CronSchedule('0 8 * * *', 'Asia/Shanghai').matches(at('2026-03-02T00:00:00Z'))).toBe(true);
  });

  it('explains a bad expression', () => {
    expect(cronProblem('0 25 * * *')).toMatch(/hour/);
    expect(cronProblem('0 8 * *')).toMatch(/five fields/);
    expect(cronProblem('0 8 * * 1-5')).toBeNull();
    expect(() => new CronSchedule('0 0 8 * * *', 'UTC')).toThrow(/five fields/);
  });
});
