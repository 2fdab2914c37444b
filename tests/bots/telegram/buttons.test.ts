import type { Chat, Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { createBindingCode } from '../../../src/domain/org/binding-codes.js';
import { probeCommands } from '../../helpers/probe-commands.js';
import { telegramHarness } from '../../helpers/telegram.js';
import { ownLinkCode } from '../../helpers/services.js';

const setup = async () => {
  const h = telegramHarness(probeCommands());
  const u = h.updates;
  const zhang = u.user(2001, '张大爷');
  const li = u.user(2002, '小李');
  const staff = u.supergroup(-100600, '第一网格工作群');
  await h.say(zhang, staff, '/bind ' + createBindingCode(h.system, { unitId: h.ids.units.grid1.id, purpose: 'staff' }).code);
  await h.say(li, u.privateChat(li), '/start ' + ownLinkCode(h.system, h.ids.members.li.id));
  /** The message the bot sent last, as Telegram would show it (with its keyboard). */
  const lastSent = (): Message => {
    const call = h.callsOf('sendMessage').at(-1)!;
    const chatId = Number(call.payload.chat_id);
    const chat: Chat = chatId < 0 ? { id: chatId, type: 'supergroup', title: 'g' } : { id: chatId, type: 'private', first_name: 'u' };
    return {
      message_id: 1000 + h.callsOf('sendMessage').filter((c) => c.payload.chat_id === call.payload.chat_id).length,
      date: 1,
      chat,
      text: call.payload.text,
      reply_markup: call.payload.reply_markup,
    } as Message;
  };
  const press = async (who: typeof zhang, message: Message, label: string) => {
    const button = message.reply_markup!.inline_keyboard.flat().find((b) => b.text === label)!;
    const from = h.calls.length;
    const update = u.press(who, message, (button as { callback_data: string }).callback_data);
    await h.handle(update);
    return {
      update,
      answers: h.callsOf('answerCallbackQuery', from),
      edits: h.callsOf('editMessageText', from),
      sent: h.callsOf('sendMessage', from),
    };
  };
  return { h, u, zhang, li, staff, lastSent, press };
};

describe('Telegram buttons', () => {
  it('sends buttons as an inline keyboard whose data is the command', async () => {
    const { h, zhang, staff, lastSent } = await setup();
    await h.say(zhang, staff, '/poll');
    expect(lastSent().reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'A', callback_data: '/poll A' },
          { text: 'B', callback_data: '投票 B' },
        ],
      ],
    });
  });

  it.each(['A', 'B'])('runs the command of button %s, answers the press with the reply and edits the message to the card', async (label) => {
    const { h, zhang, staff, lastSent, press } = await setup();
    await h.say(zhang, staff, '/poll');
    const poll = lastSent();
    const { answers, edits, sent } = await press(zhang, poll, label);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.payload.text).toBe(`你投了 ${label}`);
    expect(edits).toHaveLength(1);
    expect(edits[0]!.payload).toMatchObject({
      chat_id: '-100600',
      message_id: poll.message_id,
      text: `投票结束：${label}`,
      reply_markup: { inline_keyboard: [] },
    });
    expect(sent).toEqual([]); // in a group the answer is the notice, not a new message
  });

  it('answers a refused press with the reason and changes nothing', async () => {
    const { h, zhang, li, staff, lastSent, press } = await setup();
    await h.say(li, staff, '/poll');
    const card = { ...lastSent(), reply_markup: { inline_keyboard: [[{ text: '接单', callback_data: '/take T7' }]] } };
    const refused = await press(zhang, card, '接单');
    expect(refused.answers[0]!.payload.text).toContain('只有本网格的工作人员');
    expect(refused.edits).toEqual([]);
    expect(refused.sent).toEqual([]);

    const taken = await press(li, card, '接单');
    expect(taken.answers[0]!.payload.text).toBe('已接：T7');
    expect(taken.edits[0]!.payload).toMatchObject({
      text: 'T7 · 处理人：网格员小李',
      reply_markup: { inline_keyboard: [[{ text: '完成', callback_data: '/poll T7完成' }]] },
    });
  });

  it('handles a redelivered press once, still answering it', async () => {
    const { h, zhang, staff, lastSent } = await setup();
    await h.say(zhang, staff, '/poll');
    const update = h.updates.press(zhang, lastSent(), '/poll A');
    await h.handle(update);
    await h.handle({ ...update, update_id: update.update_id + 1 }); // same press, after a restart
    expect(h.callsOf('editMessageText')).toHaveLength(1);
    const answers = h.callsOf('answerCallbackQuery');
    expect(answers).toHaveLength(2);
    expect(answers[1]!.payload.text).toBeUndefined();
  });

  it('posts what a press says in a private chat, so it stays there', async () => {
    const { h, u, zhang, lastSent, press } = await setup();
    await h.say(zhang, u.privateChat(zhang), '/poll');
    const { answers, edits, sent } = await press(zhang, lastSent(), 'A');
    expect(answers[0]!.payload.text).toBe('你投了 A');
    expect(edits).toHaveLength(1);
    expect(sent.map((c) => c.payload.text)).toEqual(['你投了 A']);
  });

  it('posts a reply too long for the notice in the group, and shortens the notice', async () => {
    const { h, zhang, staff, lastSent } = await setup();
    await h.say(zhang, staff, '/poll');
    const from = h.calls.length;
    await h.handle(h.updates.press(zhang, lastSent(), '/long'));
    const answer = h.callsOf('answerCallbackQuery', from)[0]!.payload.text as string;
    expect(answer.length).toBe(200);
    expect(answer.endsWith('…')).toBe(true);
    expect(h.callsOf('sendMessage', from)[0]!.payload.text).toMatch(/^第 1 行/);
  });

  it('answers a press even when handling it fails', async () => {
    const { h, zhang, staff, lastSent } = await setup();
    await h.say(zhang, staff, '/poll');
    h.services.core.handle = async () => {
      throw new Error('database is gone');
    };
    await h.handle(h.updates.press(zhang, lastSent(), '/poll A'));
    expect(h.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(h.logged.join('\n')).toContain('update handling failed');
  });

  it('still runs a press and posts what it says when Telegram refuses to answer it', async () => {
    const { h, u, zhang, lastSent, press } = await setup();
    await h.say(zhang, u.privateChat(zhang), '/poll');
    h.failNext('answerCallbackQuery', { error_code: 400, description: 'Bad Request: query is too old and response timeout expired or query ID is invalid' });
    const { edits, sent } = await press(zhang, lastSent(), 'A');
    expect(edits).toHaveLength(1);
    expect(sent.map((c) => c.payload.text)).toEqual(['你投了 A']);
    expect(h.logged.join('\n')).toContain('could not answer a press');
    expect(h.logged.join('\n')).not.toContain('update handling failed');
  });

  it('answers a press on a message too old to read without running anything', async () => {
    const { h, zhang, staff } = await setup();
    await h.handle(h.updates.press(zhang, { message_id: 5, chat: staff, date: 0 }, '/poll A'));
    expect(h.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(h.callsOf('editMessageText')).toEqual([]);
  });

  it('takes an unchanged card as done, not as an error', async () => {
    const { h, zhang, staff, lastSent } = await setup();
    await h.say(zhang, staff, '/poll');
    h.failNext('editMessageText', {
      error_code: 400,
      description: 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same',
    });
    await h.handle(h.updates.press(zhang, lastSent(), '/poll A'));
    expect(h.logged.join('\n')).not.toContain('update handling failed');
  });

  it("paces the edit of a pressed card with the chat's other messages", async () => {
    const { h, zhang, staff, lastSent, press } = await setup();
    h.clock.advance(60_000);
    await h.say(zhang, staff, '/poll');
    h.sleeps.length = 0;
    // The clock stands still from here: the edit comes right after the poll was sent, so it waits its second.
    const { edits } = await press(zhang, lastSent(), 'A');
    expect(edits).toHaveLength(1);
    expect(h.sleeps).toEqual([1000]);
  });

  it('answers a press before an edit that must wait in a busy group, and posts what a late answer lost', async () => {
    const { h, zhang, staff, lastSent, press } = await setup();
    await h.say(zhang, staff, '/poll');
    const poll = lastSent();
    // The group's minute is used up (the clock stands still), so the edit would wait long.
    for (let i = 0; i < 20; i++) await h.adapter.transport.send(String(staff.id), { text: `通知 ${i}` });
    h.failNext('answerCallbackQuery', { error_code: 400, description: 'Bad Request: query is too old and response timeout expired or query ID is invalid' });
    const from = h.calls.length;
    const { sent } = await press(zhang, poll, 'A');
    const methods = h.calls
      .slice(from)
      .map((c) => c.method)
      .filter((m) => m !== 'sendMessage');
    expect(methods).toEqual(['answerCallbackQuery', 'editMessageText']);
    expect(sent.map((c) => c.payload.text)).toEqual(['你投了 A']);
  });

  it('shortens button commands to fit callback_data, and drops a button that cannot fit', async () => {
    const { h, zhang, staff, lastSent } = await setup();
    await h.say(zhang, staff, '/wide');
    expect(lastSent().reply_markup!.inline_keyboard).toEqual([
      [{ text: '短', callback_data: '/poll 短' }],
      [{ text: '缩短', callback_data: '/poll ' + 'a'.repeat(58) }],
    ]);
    expect(h.logged.join('\n')).toContain('button dropped');
  });
});
