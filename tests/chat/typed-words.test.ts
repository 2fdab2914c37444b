import { describe, expect, it } from 'vitest';
import { getMember } from '../../src/domain/org/members.js';
import { t } from '../../src/i18n/index.js';
import { demoChat } from '../helpers/services.js';

/** Words people type are looked up in Maps: names of Object.prototype's properties find nothing. */
const PROTOTYPE_WORDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineGetter__'];

describe('words that name prototype properties', () => {
  it.each(PROTOTYPE_WORDS)('语言 %s is not a language: the usage, and the language stays', async (word) => {
    const demo = demoChat();
    const replies = await demo.say('jin', 'dm:jin', `语言 ${word}`);
    expect(demo.textsIn(replies, 'dm:jin').join()).toContain('语言 中文|English');
    expect(getMember(demo.services.db, demo.ids.members.jin.id).language).toBe('zh');
  });

  it.each(PROTOTYPE_WORDS)('绑定码 … %s is not a purpose: it is part of the unit name', async (word) => {
    const demo = demoChat();
    const replies = await demo.say('li', 'dm:li', `绑定码 荷东第一网格 ${word}`);
    expect(demo.textsIn(replies, 'dm:li').join()).toContain(`找不到名为「荷东第一网格 ${word}」的单位`);
  });

  it('words a message in Chinese for a language that is no language', () => {
    expect(t('__proto__' as never, 'lang.set')).toBe(t('zh', 'lang.set'));
    expect(t('constructor' as never, 'api.badRange')).toBe(t('zh', 'api.badRange'));
  });
});
