import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, parseIsoDuration, zonedTime } from '../src/time.js';

describe('time helpers', () => {
  it.each([
    ['PT2H', 7_200_000],
    ['PT30M', 1_800_000],
    ['P1D', 86_400_000],
    ['P1DT2H30M', 95_400_000],
    ['P2W', 1_209_600_000],
    ['pt90s', 90_000],
  ])('parses %s', (text, ms) => expect(parseIsoDuration(text)).toBe(ms));

  it.each(['', 'P', 'PT', '2h', 'P1Y', 'PT-1H'])('refuses %j', (text) => expect(parseIsoDuration(text)).toBeNull());

  it('formats instants in the zone and language', () => {
    const t = new Date('2026-03-02T01:30:00Z');
    expect(formatDateTime(t, 'Asia/Shanghai', 'zh')).toBe('3月2日 09:30');
    expect(formatDateTime(t, 'Asia/Shanghai', 'en')).toBe('Mar 2 09:30');
    expect(formatDateTime(t, 'Asia/Shanghai', 'zh', new Date('2027-01-01T00:00:00Z'))).toBe('2026年3月2日 09:30');
    expect(zonedTime('Asia/Shanghai', 2026, 3, 2, 9, 30).toISOString()).toBe(t.toISOString());
  });

  it('formats durations', () => {
    expect(formatDuration(30_000, 'zh')).toBe('不到1分钟');
    expect(formatDuration(125 * 60_000, 'zh')).toBe('2小时5分钟');
    expect(formatDuration(125 * 60_000, 'en')).toBe('2 h 5 min');
    expect(formatDuration(26 * 3_600_000 + 60_000, 'zh')).toBe('1天2小时');
  });
});
