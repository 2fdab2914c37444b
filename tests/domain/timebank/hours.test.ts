import { describe, expect, it } from 'vitest';
import { parseHours, pointsFor } from '../../../src/domain/timebank/hours.js';
import { formatHours } from '../../../src/time.js';

describe('parseHours', () => {
  it.each([
    ['2小时', 120],
    ['2个小时', 120],
    ['两小时', 120],
    ['两个钟头', 120],
    ['1.5h', 90],
    ['2h', 120],
    ['2H', 120],
    ['2 hours', 120],
    ['2hrs', 120],
    ['90分钟', 90],
    ['90分', 90],
    ['45min', 45],
    ['30m', 30],
    ['三十分钟', 30],
    ['半小时', 30],
    ['半个小时', 30],
    ['一个半小时', 90],
    ['1小时半', 90],
    ['1小时30分', 90],
    ['1小时30分钟', 90],
    ['一小时三十分', 90],
    ['1小时30', 90],
    ['1h30m', 90],
    ['1h 30min', 90],
    ['2:30', 150],
    ['PT2H', 120],
    ['pt45m', 45],
    ['2', 120],
    ['1.5', 90],
    ['２小时', 120], // full-width digit
    [' 2 小时 ', 120],
    ['十分钟', 10],
    ['0.01h', 1],
  ])('reads %j as %i minutes', (text, minutes) => expect(parseHours(text)).toBe(minutes));

  it.each(['', '小时', '分钟', 'abc', '0', '0小时', '2:75', '两天', '-1h', '1h2h', 'P', '很久'])('refuses %j', (text) => expect(parseHours(text)).toBeNull());
});

describe('formatHours and pointsFor', () => {
  it('words hours in both languages, zero included', () => {
    expect(formatHours(120, 'zh')).toBe('2小时');
    expect(formatHours(90, 'zh')).toBe('1小时30分钟');
    expect(formatHours(90, 'en')).toBe('1 h 30 min');
    expect(formatHours(0, 'zh')).toBe('0小时');
    expect(formatHours(0, 'en')).toBe('0 h');
  });

  it('rounds points to the nearest whole point', () => {
    expect(pointsFor(120, 10)).toBe(20);
    expect(pointsFor(90, 10)).toBe(15);
    expect(pointsFor(20, 10)).toBe(3); // 3.33
    expect(pointsFor(27, 10)).toBe(5); // 4.5 rounds up
    expect(pointsFor(60, 0)).toBe(0);
  });
});
