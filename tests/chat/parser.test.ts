import { describe, expect, it } from 'vitest';
import { CommandParser, normalizeText } from '../../src/chat/parser.js';
import { commands } from '../../src/chat/commands/index.js';

const table = [
  ...commands,
  { name: 'report', words: ['报事', '报修'], aliases: [], args: 'required' as const },
  { name: 'report_anon', words: ['匿名报事'], aliases: [], args: 'required' as const },
  { name: 'tasks', words: ['任务'], aliases: [], args: 'none' as const },
  { name: 'points', words: ['积分', '我的积分'], aliases: [], args: 'none' as const },
];
const parser = new CommandParser(table);
const bot = { botNames: ['邻里', 'linli_bot'] };

describe('normalizeText', () => {
  it('folds full-width forms and odd spaces', () => {
    expect(normalizeText('／ｒｅｐｏｒｔ　路灯坏了')).toBe('/report 路灯坏了');
    expect(normalizeText('@邻里\u2005报事\u200b 路灯')).toBe('@邻里 报事 路灯');
  });
});

describe('CommandParser', () => {
  describe.each([
    ['报事 3号楼路灯坏了', 'report', '3号楼路灯坏了'],
    ['报事3号楼路灯坏了', 'report', '3号楼路灯坏了'],
    ['报事：3号楼路灯坏了', 'report', '3号楼路灯坏了'],
    ['报事，3号楼路灯坏了', 'report', '3号楼路灯坏了'],
    ['报修 水管漏水', 'report', '水管漏水'],
    ['报事　3号楼路灯坏了', 'report', '3号楼路灯坏了'],
    ['/report 3号楼路灯坏了', 'report', '3号楼路灯坏了'],
    ['/report@linli_bot 路灯', 'report', '路灯'],
    ['/REPORT 路灯', 'report', '路灯'],
    ['＃报事 路灯', 'report', '路灯'],
    ['#报事 路灯', 'report', '路灯'],
    ['#报事# 路灯', 'report', '路灯'],
    ['＃报事＃路灯', 'report', '路灯'],
    ['#report# 路灯', 'report', '路灯'],
    ['#兑换#', 'redeem', ''],
    ['/报事 路灯', 'report', '路灯'],
    ['@邻里 报事 路灯', 'report', '路灯'],
    ['@邻里，报事 路灯', 'report', '路灯'],
    ['匿名报事 楼道堆物', 'report_anon', '楼道堆物'],
    ['帮助', 'help', ''],
    ['帮助。', 'help', ''],
    ['/help', 'help', ''],
    ['我的积分', 'points', ''],
    ['积分', 'points', ''],
    ['/bind ab12cd34', 'bind', 'ab12cd34'],
    ['绑定 AB12CD34', 'bind', 'AB12CD34'],
  ])('%s', (text, name, args) => {
    it(`is ${name}(${args})`, () => {
      const parsed = parser.parse(text, bot);
      expect(parsed).toMatchObject({ kind: 'command', name, args });
    });
  });

  it('marks explicit calls as addressed and bare words as not', () => {
    expect(parser.parse('/help', bot)).toMatchObject({ addressed: true });
    expect(parser.parse('@邻里 帮助', bot)).toMatchObject({ addressed: true });
    expect(parser.parse('帮助', bot)).toMatchObject({ addressed: false });
    expect(parser.parse('帮助', { ...bot, isPrivate: true })).toMatchObject({ addressed: true });
  });

  it('reads a bang after the word as insisting', () => {
    expect(parser.parse('报事! 路灯又坏了', bot)).toMatchObject({ name: 'report', bang: true, args: '路灯又坏了' });
    expect(parser.parse('报事！路灯又坏了', bot)).toMatchObject({ name: 'report', bang: true, args: '路灯又坏了' });
    expect(parser.parse('报事 路灯又坏了', bot)).toMatchObject({ bang: false });
  });

  it.each(['今天天气不错', '任务很重啊', '积分 怎么算', 'help me please', '报'])('treats "%s" as chatter', (text) => {
    expect(parser.parse(text, bot)).toEqual({ kind: 'chatter', addressed: false });
  });

  it.each([
    ['办结 TX', true],
    ['兑换', true],
    ['兑换。', true],
    ['进度T1', true],
    ['语言：klingon', true],
    ['完成了吗', false],
    ['评价一下这个网格员', false],
    ['完成，谢谢大家', false],
    ['完成3个任务了', false],
  ])('reads whether "%s" stands as the first word (%s)', (text, standalone) => {
    expect(parser.parse(text, bot)).toMatchObject({ kind: 'command', standalone, addressed: false });
  });

  it('hands over the arguments as written, punctuation and full-width forms kept', () => {
    expect(parser.parse('报事：电梯困人了！', bot)).toMatchObject({ name: 'report', args: '电梯困人了！' });
    expect(parser.parse('＃报事　３号楼，路灯坏了。', bot)).toMatchObject({ name: 'report', args: '３号楼，路灯坏了。' });
    expect(parser.parse('@邻里\u2005报事\u200b 路灯！', bot)).toMatchObject({ name: 'report', args: '路灯！' });
    expect(parser.parse('报事！ 路灯又坏了！', bot)).toMatchObject({ name: 'report', bang: true, args: '路灯又坏了！' });
  });

  it('runs a no-argument command said to the bot even with words after it', () => {
    expect(parser.parse('@邻里 任务 有哪些', bot)).toMatchObject({ kind: 'command', name: 'tasks' });
  });

  it('answers unknown commands addressed to the bot', () => {
    expect(parser.parse('/frobnicate', bot)).toEqual({ kind: 'unknown', word: 'frobnicate', addressed: true });
    expect(parser.parse('@邻里 你好', bot)).toEqual({ kind: 'unknown', word: '你好', addressed: true });
    expect(parser.parse('你好', { ...bot, isPrivate: true })).toMatchObject({ kind: 'unknown' });
  });

  it('ignores commands meant for another bot', () => {
    expect(parser.parse('/report@other_bot 路灯', bot)).toEqual({ kind: 'otherBot' });
  });

  it('does not take an @mention of someone else as addressing the bot', () => {
    expect(parser.parse('@王阿姨 你好', bot)).toEqual({ kind: 'chatter', addressed: false });
  });

  it('accepts English names bare only when addressed', () => {
    expect(parser.parse('help', { ...bot, isPrivate: true })).toMatchObject({ kind: 'command', name: 'help' });
    expect(parser.parse('@linli_bot help', bot)).toMatchObject({ kind: 'command', name: 'help' });
  });
});
