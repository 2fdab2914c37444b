import { describe, expect, it } from 'vitest';
import { firstWord, parseRef } from '../../src/chat/args.js';

describe('parseRef', () => {
  it.each([
    ['T12', 12],
    ['t12', 12],
    ['12', 12],
    ['#12', 12],
  ])('reads %s', (token, n) => expect(parseRef('T', token)).toBe(n));

  it.each([undefined, '', 'W12', 'T', 'T0', 'T1.5', 'T12x'])('refuses %j', (token) => expect(parseRef('T', token)).toBeNull());
});

describe('firstWord', () => {
  it('splits off the first word', () => {
    expect(firstWord(' T1  路灯修好了 ')).toEqual(['T1', '路灯修好了']);
    expect(firstWord('T1')).toEqual(['T1', '']);
    expect(firstWord('')).toEqual([undefined, '']);
  });
});
