import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Placeholders, type Text, messages, t } from '../../src/i18n/index.js';

type Messages = typeof messages;
/** The params a text reads: its placeholders, or the declared params of a function entry. */
type Names<T> = T extends (p: infer P) => string ? keyof P : T extends string ? Placeholders<T> : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Keys whose zh and en read different params (checked by tsc; `never` when every key agrees). */
type Mismatched = { [K in keyof Messages]: Same<Names<Messages[K]['zh']>, Names<Messages[K]['en']>> extends true ? never : K }[keyof Messages];

const entries = Object.entries(messages) as [string, { zh: Text; en: Text }][];
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

/** Every param a function entry may read, as one value: counts of one and of several, and a word. */
const everyParam = (value: string | number) => new Proxy({}, { get: () => value }) as never;
const SAMPLES = [1, 2, 'Li'];

/** Each English text as a reader may see it: a string as written, a function rendered with sample params. */
const englishTexts = entries.flatMap(([key, { en }]) =>
  typeof en === 'string' ? [[key, en] as const] : SAMPLES.map((sample) => [key, en(everyParam(sample))] as const),
);

describe('the zh and en tables', () => {
  it('read the same params in both languages (function entries: the same declared params)', () => {
    expectTypeOf<Mismatched>().toEqualTypeOf<never>();
  });

  it('give every key a text in both languages', () => {
    for (const [key, entry] of entries) {
      expect(Object.keys(entry).sort(), key).toEqual(['en', 'zh']);
      for (const text of [entry.zh, entry.en]) expect(typeof text === 'function' || text.length > 0, key).toBe(true);
    }
  });

  it('use the same placeholders in zh and en', () => {
    const mismatched = entries
      .filter(([, { zh, en }]) => typeof zh === 'string' && typeof en === 'string')
      .filter(([, { zh, en }]) => placeholders(zh as string).join() !== placeholders(en as string).join())
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });
});

describe('English texts', () => {
  it('use English punctuation, not full-width (Chinese names come in as params)', () => {
    // CJK symbols and punctuation (、。「」【】…) and full-width forms (：，！？（）…)
    const fullWidth = /[\u3000-\u303f\uff00-\uffef]/;
    expect(englishTexts.filter(([, text]) => fullWidth.test(text))).toEqual([]);
  });

  it('count in the right number, never "thing(s)"', () => {
    expect(englishTexts.filter(([, text]) => text.includes('(s)'))).toEqual([]);
    expect(t('en', 'ticket.list.header', { count: 1 })).toBe('📋 1 open ticket, oldest first:');
    expect(t('en', 'ticket.list.header', { count: 2 })).toBe('📋 2 open tickets, oldest first:');
    expect(t('en', 'ticket.photosAdded', { count: 1, ref: 'T1' })).toBe('📷 Attached 1 photo to T1.');
    expect(t('en', 'confirm.line', { name: 'Li', hours: '1 h', points: 1 })).toBe('· Li 1 h, +1 point');
    expect(t('en', 'task.card.full', { slots: 3 })).toBe('All 3 slots taken');
  });
});
