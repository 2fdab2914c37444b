import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { slashCommands } from '../../../bots/telegram/send.js';
import { commands } from '../../../src/chat/commands/index.js';
import { telegramNeighbourhood } from '../../helpers/telegram.js';
import { TEST_BOT } from '../../helpers/telegram-updates.js';

/** The demo neighbourhood on Telegram, with the bot's privacy mode on or off (as getMe reports it). */
const neighbourhood = (privacyMode: boolean) => telegramNeighbourhood({ adapter: { botInfo: { ...TEST_BOT, can_read_all_group_messages: !privacyMode } } });

describe('slashCommands', () => {
  const slash = slashCommands(commands);

  it.each([
    ['rewrites a command with its arguments', '发送「进度 T1」查看进度', '发送「/status T1」查看进度'],
    ['rewrites a command said alone', '（发送「任务」）', '（发送「/tasks」）'],
    ['rewrites each command of a text, the longest word first', '发送「接单 T1」接单，「我的券」看券码', '发送「/take T1」接单，「/vouchers」看券码'],
    ['rewrites an insisting command', '请发送「报事! 内容」。', '请发送「/report! 内容」。'],
    ['rewrites the commands help lists', '· 帮助 — 查看可用命令\n· 报事 <内容> — 报告问题', '· /help — 查看可用命令\n· /report <内容> — 报告问题'],
    ['leaves a quoted report that starts with a word', '「积分怎么算」「任务 太多了」', '「积分怎么算」「任务 太多了」'],
    ['leaves a command that needs arguments, quoted without', '也可说「没解决」', '也可说「没解决」'],
    ['leaves names and places', '「社区办公室」「{name}」', '「社区办公室」「{name}」'],
  ])('%s', (_, text, expected) => {
    expect(slash(text)).toBe(expected);
  });
});

describe('Telegram hints under privacy mode', () => {
  /** 金阿姨 reports; the bot answers where she said it. */
  const report = async (n: Awaited<ReturnType<typeof neighbourhood>>, chat: Parameters<typeof n.say>[1]) => {
    const [reply] = await n.say(n.users.jin, chat, '/report 3号楼路灯坏了');
    return reply!;
  };

  it('names the slash command in a group whose messages the bot cannot read', async () => {
    const n = await neighbourhood(true);
    const reply = await report(n, n.residents);
    expect(reply).toContain('发送「/status T1」查看进度');
    expect(reply).not.toContain('进度 T1');
  });

  it.each([
    ['in a private chat, privacy mode on', true, 'private'],
    ['in a group, privacy mode off', false, 'group'],
  ] as const)('keeps the Chinese words %s', async (_, privacyMode, where) => {
    const n = await neighbourhood(privacyMode);
    const reply = await report(n, where === 'private' ? n.dm('jin') : n.residents);
    expect(reply).toContain('发送「进度 T1」查看进度');
  });

  it('says the slash form in notices for the group, in help, and in the notice a press shows', async () => {
    const n = await neighbourhood(true);
    await report(n, n.residents);
    // The outbox's announcement in the staff group lists what to do with the ticket.
    const delivered = await n.deliver();
    const inStaff = delivered
      .filter((m) => m.chat.id === n.staff.id)
      .map((m) => m.text)
      .join('\n');
    expect(inStaff).toContain('回复「/take T1」接单');
    expect(inStaff).not.toMatch(/「(接单|办结|进度) /);

    const [help] = await n.say(n.users.jin, n.residents, '/help');
    expect(help).toContain('· /report');
    expect(help).not.toMatch(/^· 报事/m);

    await n.say(n.users.yang, n.residents, '/shop');
    const shop = n.messagesIn(n.residents.id).findLast((m: Message) => m.reply_markup !== undefined)!;
    const short = await n.press(n.users.jin, shop, '兑换 理发券');
    expect(short.answer).toContain('积分不够');
    expect(short.answer).toContain('（发送「/tasks」）');
  });
});
