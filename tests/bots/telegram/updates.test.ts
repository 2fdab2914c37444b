import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { chatKey, displayName, mentionsBot, RecentUpdates, toIncoming } from '../../../bots/telegram/updates.js';
import { TEST_BOT, TelegramUpdates } from '../../helpers/telegram-updates.js';

const bot = { id: TEST_BOT.id, username: TEST_BOT.username, privacyMode: false };
const u = new TelegramUpdates();
const jin = u.user(42, '金', { last_name: '阿姨', language_code: 'zh-hans' });
const group = u.supergroup(-100123, '3号楼居民群');
const msg = (text: string, extra: Partial<Message> = {}, chat: Parameters<TelegramUpdates['message']>[1] = group) => u.message(jin, chat, text, extra).message!;

describe('toIncoming', () => {
  it('makes a group message a room message with the sender, the bot names and the deep link', () => {
    const m = msg('报事 路灯坏了');
    expect(toIncoming(m, bot)).toEqual({
      platform: 'telegram',
      roomId: '-100123',
      roomName: '3号楼居民群',
      isPrivate: false,
      senderId: '42',
      senderName: '金 阿姨',
      messageId: String(m.message_id),
      text: '报事 路灯坏了',
      mentioned: false,
      inReplyToBot: false,
      botNames: ['linli_test_bot'],
      senderLanguage: 'zh-hans',
      privateChatHint: 'https://t.me/linli_test_bot?start=hi',
    });
  });

  it('makes a private chat the sender’s private room, named after them', () => {
    const incoming = toIncoming(msg('/me', {}, u.privateChat(jin)), bot);
    expect(incoming).toMatchObject({ roomId: '42', isPrivate: true, roomName: '金 阿姨' });
  });

  it.each([
    ['/start', '/help'],
    ['/start hi', '/help'],
    ['/start@linli_test_bot', '/help'],
    ['/start ABCD2345', '/start ABCD2345'],
    ['/start@other_bot', '/start@other_bot'],
  ])('reads %s as %s', (text, expected) => {
    expect(toIncoming(msg(text, {}, u.privateChat(jin)), bot)?.text).toBe(expected);
  });

  it('takes a photo caption as the text', () => {
    const m = u.photo(jin, group, 'f1', '/report 漏水').message!;
    expect(toIncoming(m, bot)?.text).toBe('/report 漏水');
  });

  it.each([
    ['another bot', { from: { id: 7, is_bot: true, first_name: 'Other' } }],
    ['a channel post', { chat: { id: -1009, type: 'channel', title: 'News' } }],
    ['a channel, forwarded to its discussion group', { is_automatic_forward: true, sender_chat: { id: -1009, type: 'channel', title: 'News' } }],
  ] as const)('ignores a message from %s', (_, extra) => {
    expect(toIncoming(msg('/help', extra as Partial<Message>), bot)).toBeUndefined();
  });

  it('speaks for the group an anonymous admin writes as', () => {
    const m = msg('/bind ABCD2345', { sender_chat: group, from: { id: 1087968824, is_bot: true, first_name: 'Group' } });
    expect(toIncoming(m, bot)).toMatchObject({ senderId: '-100123', senderName: '3号楼居民群' });
  });
});

describe('mentionsBot', () => {
  it.each([
    ['an @mention of the bot anywhere', msg('路灯坏了 @Linli_Test_Bot'), true],
    ['an @mention of someone else', msg('@someone_else 你好'), false],
    [
      'a reply to the bot (a reply is not a mention)',
      msg('好的', { reply_to_message: { message_id: 1, date: 0, chat: group, from: TEST_BOT } as never }),
      false,
    ],
    ['a reply to a person', msg('好的', { reply_to_message: { message_id: 1, date: 0, chat: group, from: jin } as never }), false],
    ['a text mention of the bot', msg('邻里 帮助', { entities: [{ type: 'text_mention', offset: 0, length: 2, user: TEST_BOT }] }), true],
  ])('%s', (_, m, expected) => {
    expect(mentionsBot(m, bot)).toBe(expected);
  });
});

describe('replies to the bot', () => {
  it('marks them, so commands in them count as addressed', () => {
    const reply = msg('好的', { reply_to_message: { message_id: 1, date: 0, chat: group, from: TEST_BOT } as never });
    expect(toIncoming(reply, bot)).toMatchObject({ inReplyToBot: true, mentioned: false });
    expect(toIncoming(msg('好的'), bot)).toMatchObject({ inReplyToBot: false });
  });
});

describe('displayName', () => {
  it.each([
    [{ id: 1, first_name: 'Li', last_name: 'Wei' }, 'Li Wei'],
    [{ id: 1, first_name: '', username: 'liwei' }, 'liwei'],
    [{ id: 1, first_name: '' }, '1'],
  ])('%o → %s', (user, expected) => {
    expect(displayName(user)).toBe(expected);
  });
});

describe('chatKey', () => {
  it('keys messages and presses by their chat', () => {
    expect(chatKey(u.message(jin, group, 'x'))).toBe('-100123');
    expect(chatKey(u.press(jin, { message_id: 3, chat: group }, '/help'))).toBe('-100123');
  });
});

describe('RecentUpdates', () => {
  it('says an id is fresh once, and forgets the oldest beyond its capacity', () => {
    const recent = new RecentUpdates(2);
    expect([recent.fresh(1), recent.fresh(1), recent.fresh(2), recent.fresh(3)]).toEqual([true, false, true, true]);
    expect(recent.fresh(1)).toBe(true); // forgotten
    expect(recent.fresh(3)).toBe(false);
  });
});
