import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, localParts, parseIsoDuration, zonedTime } from '../src/time.js';

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

  describe('wall-clock fields', () => {
    // What a formatter of its own for each call says, as localParts said before it kept one per zone.
    const reference = (date: Date, timeZone: string) => {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          weekday: 'short',
        })
          .formatToParts(date)
          .map((p) => [p.type, p.value]),
      );
      const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!);
      return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), weekday };
    };

    it('are the same in every zone, asked in turn, across DST changes and the turn of the year', () => {
      // New York changes clocks on 2026-03-08 and 2026-11-01; Shanghai has no DST; Kathmandu is +05:45.
      const instants = [
        '2026-03-08T06:59:00Z',
        '2026-03-08T07:00:00Z',
        '2026-11-01T05:30:00Z',
        '2026-11-01T06:30:00Z',
        '2026-12-31T16:00:00Z',
        '2026-12-31T15:59:00Z',
        '2024-02-29T23:59:00Z',
      ];
      for (const at of instants) {
        for (const zone of ['Asia/Shanghai', 'America/New_York', 'Asia/Kathmandu', 'UTC']) {
          const date = new Date(at);
          expect(localParts(date, zone), `${at} in ${zone}`).toEqual(reference(date, zone));
        }
      }
      expect(localParts(new Date('2026-12-31T16:00:00Z'), 'Asia/Shanghai')).toEqual({ year: 2027, month: 1, day: 1, hour: 0, minute: 0, weekday: 5 });
      expect(localParts(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toMatchObject({ day: 8, hour: 3, minute: 0 });
      expect(formatDateTime(new Date('2026-11-01T06:30:00Z'), 'America/New_York', 'en')).toBe('Nov 1 01:30');
    });

    it('come from one formatter per zone, not one per call', () => {
      const Real = Intl.DateTimeFormat;
      let made = 0;
      class Counted extends Real {
        constructor(...args: ConstructorParameters<typeof Real>) {
          super(...args);
          made++;
        }
      }
      Intl.DateTimeFormat = Counted as typeof Real;
      try {
        const at = new Date('2026-03-02T01:30:00Z');
        for (let i = 0; i < 50; i++) {
          localParts(at, 'Pacific/Chatham');
          formatDateTime(at, 'Pacific/Chatham', 'zh', at);
          zonedTime('Pacific/Chatham', 2026, 3, 2, 9, 30);
        }
        expect(made).toBe(1);
      } finally {
        Intl.DateTimeFormat = Real;
      }
      expect(localParts(new Date('2026-03-02T01:30:00Z'), 'Pacific/Chatham')).toEqual(reference(new Date('2026-03-02T01:30:00Z'), 'Pacific/Chatham'));
    });

    it('refuses an unknown zone every time it is asked', () => {
      expect(() => localParts(new Date(), 'Mars/Olympus')).toThrow(RangeError);
      expect(() => localParts(new Date(), 'Mars/Olympus')).toThrow(RangeError);
    });
  });
});
