import { describe, expect, it } from 'vitest';
import { firstWord, parseRef } from '../../src/chat/args.js';

describe('parseRef', () => {
  it.each([
    ['T12', 12],
    ['t12', 12],
    ['12', 12],
    ['#12', 12],
    ['Ｔ１２', 12],
  ])('reads %s', (token, n) => expect(parseRef('T', token)).toBe(n));

  it.each([undefined, '', 'W12', 'T', 'T0', 'T1.5', 'T12x'])('refuses %j', (token) => expect(parseRef('T', token)).toBeNull());
});

describe('firstWord', () => {
  it('splits off the first word', () => {
    expect(firstWord(' T1  路灯修好了 ')).toEqual(['T1', '路灯修好了']);
    expect(firstWord('T1')).toEqual(['T1', '']);
    expect(firstWord('')).toEqual([undefined, '']);
  });

  it('ends a ref or number at the punctuation run into it, and keeps the rest as written', () => {
    expect(firstWord('T1，已换灯泡！')).toEqual(['T1', '已换灯泡！']);
    expect(firstWord('Ｔ１。')).toEqual(['T1', '']);
    expect(firstWord('5分，很好。')).toEqual(['5分', '很好。']);
    expect(firstWord('⭐⭐⭐！不错')).toEqual(['⭐⭐⭐', '不错']);
    expect(firstWord('T1 灯泡，换了！')).toEqual(['T1', '灯泡，换了！']);
    expect(firstWord('张三，李四')).toEqual(['张三,李四', '']); // the word is folded for matching
  });
});
