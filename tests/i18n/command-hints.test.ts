import { describe, expect, it } from 'vitest';
import { commands } from '../../src/chat/commands/index.js';
import type { CommandWords } from '../../src/chat/parser.js';
import { messages } from '../../src/i18n/index.js';

/**
 * Every command word a message tells people to type (「接单 T1」, 发送「报事 …」, "/take T1"), in every text of
 * both languages, function entries included. API paths (/docs, /members) are not commands.
 */
function quotedCommandWords(): { key: string; word: string }[] {
  const found: { key: string; word: string }[] = [];
  for (const [key, entry] of Object.entries(messages)) {
    if (key.startsWith('api.')) continue;
    for (const text of [entry.zh, entry.en].map(String)) {
      for (const m of text.matchAll(/(?<![\w/.:<])\/([a-z_]+)\b(?!\/)/g)) found.push({ key, word: m[1]! });
      for (const m of text.matchAll(/(?:发送|回复|输入|再发|发|说|用)「([\u4e00-\u9fff]+)[\s」{<]/g)) found.push({ key, word: m[1]! });
      for (const m of text.matchAll(/「([\u4e00-\u9fff]+) (?:T|W|G)?\{/g)) found.push({ key, word: m[1]! });
    }
  }
  return found;
}

const stale = (table: readonly CommandWords[]) => {
  const words = new Set(table.flatMap((c) => [c.name, ...c.words, ...c.aliases]));
  return quotedCommandWords().filter(({ word }) => !words.has(word));
};

describe('the command words that messages quote', () => {
  it('finds the hints to check', () => {
    const quoted = quotedCommandWords();
    expect(quoted.some((q) => q.key === 'ticket.notice.resolvedReporter' && q.word === '评价')).toBe(true);
    expect(quoted.some((q) => q.word === 'take')).toBe(true);
  });

  it('are all words of a command, so a renamed command cannot leave a stale hint', () => {
    expect(stale(commands)).toEqual([]);
  });

  it('fails for every hint that still quotes a word a command no longer has', () => {
    const renamed = commands.map((c) => (c.name === 'take' ? { ...c, name: 'grab', words: ['抢单'], aliases: [] } : c));
    const left = stale(renamed);
    expect(left.map((s) => s.word)).toContain('接单');
    expect(left.map((s) => s.word)).toContain('take');
  });
});
