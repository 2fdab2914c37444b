import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { identities, outbox, rooms } from '../../../src/db/schema/index.js';
import { createBindingCode } from '../../../src/domain/org/binding-codes.js';
import { findRoom } from '../../../src/domain/org/rooms.js';
import { probeCommands } from '../../helpers/probe-commands.js';
import { telegramHarness } from '../../helpers/telegram.js';
import { ownLinkCode } from '../../helpers/services.js';

const setup = () => {
  const h = telegramHarness(probeCommands());
  const u = h.updates;
  const zhang = u.user(1001, '张', { last_name: '大爷', language_code: 'zh-hans' });
  const li = u.user(1002, '小李', { username: 'xiaoli' });
  const group = u.supergroup(-100500, '3号楼居民群');
  /** Binds `group` to building 3 through the chat, as people would. */
  const bindGroup = async (chat = group, unit = h.ids.units.building3.id, purpose: 'residents' | 'staff' = 'residents') => {
    const code = createBindingCode(h.system, { unitId: unit, purpose }).code;
    return h.say(zhang, chat, `/bind ${code}`);
  };
  /** Links the Telegram user to a demo member with /start CODE, as the deep link t.me/bot?start=CODE does. */
  const link = async (user = li, memberId = h.ids.members.li.id) => {
    const code = ownLinkCode(h.system, memberId);
    return h.say(user, u.privateChat(user), `/start ${code}`);
  };
  return { h, u, zhang, li, group, bindGroup, link };
};

describe('Telegram messages', () => {
  it('answers a command in a group as a reply to it, and in a private chat plainly', async () => {
    const { h, u, zhang, group } = setup();
    await h.say(zhang, group, '/help');
    await h.say(zhang, u.privateChat(zhang), '/help');
    const [inGroup, inPrivate] = h.callsOf('sendMessage');
    expect(inGroup!.payload).toMatchObject({ chat_id: '-100500', reply_parameters: { message_id: 1 } });
    expect(inGroup!.payload.text).toContain('未绑定的群');
    expect(inPrivate!.payload.chat_id).toBe('1001');
    expect(inPrivate!.payload.reply_parameters).toBeUndefined();
    expect(inPrivate!.payload.text).toContain('私聊');
  });

  it.each([
    ['/me@linli_test_bot', 1],
    ['/ME@Linli_Test_Bot', 1],
    ['/me@some_other_bot', 0],
    ['我的', 1],
    ['@linli_test_bot 我的', 1],
    ['今天天气真好', 0],
    ['我的天哪今天好热', 0],
  ])('in a group, %s gets %i answer(s)', async (text, count) => {
    const { h, zhang, group } = setup();
    const texts = await h.say(zhang, group, text);
    expect(texts).toHaveLength(count);
    if (count) expect(texts[0]).toContain('张 大爷');
  });

  it('binds a group with /bind CODE; the group then knows its unit', async () => {
    const { h, group, zhang, bindGroup } = setup();
    const [bound] = await bindGroup();
    expect(bound).toContain('3号楼');
    expect(findRoom(h.services.db, 'telegram', '-100500')).toMatchObject({ unitId: h.ids.units.building3.id, purpose: 'residents', name: '3号楼居民群' });
    const [help] = await h.say(zhang, group, '帮助');
    expect(help).toContain('3号楼 · 居民群');
  });

  it('links a Telegram account to a member with /start CODE, and greets a bare /start with help', async () => {
    const { h, u, li, link } = setup();
    const [greeting] = await h.say(li, u.privateChat(li), '/start');
    expect(greeting).toContain('可用命令');
    const [linked] = await link();
    expect(linked).toContain('网格员小李');
    const [me] = await h.say(li, u.privateChat(li), '我的');
    expect(me).toContain('工作人员@荷东第一网格');
    const identity = h.services.db.select().from(identities).where(eq(identities.platformUserId, '1002')).get();
    expect(identity).toMatchObject({ platform: 'telegram', memberId: h.ids.members.li.id });
    expect(findRoom(h.services.db, 'telegram', '1002')?.memberId).toBe(h.ids.members.li.id);
  });

  it('lets a linked staff member make a binding code in private, and refuses a resident', async () => {
    const { h, u, li, zhang, link } = setup();
    await link();
    const [made] = await h.say(li, u.privateChat(li), '/bindcode 3号楼 工作');
    expect(made).toMatch(/[A-Z0-9]{8}/);
    const [refused] = await h.say(zhang, u.privateChat(zhang), '绑定码 3号楼');
    expect(refused).toContain('工作人员');
  });

  it('gives a link code in private only', async () => {
    const { h, u, zhang, group } = setup();
    const [code] = await h.say(zhang, u.privateChat(zhang), '/linkcode');
    expect(code).toContain('关联码');
    const [refused] = await h.say(zhang, group, '关联码');
    expect(refused).toContain('私聊');
  });

  it('answers new English-speaking users in English, and switches language on request', async () => {
    const { h, u, group } = setup();
    const tom = u.user(1003, 'Tom', { language_code: 'en' });
    const [help] = await h.say(tom, group, '/help');
    expect(help).toMatch(/^Linli · commands/);
    const [set] = await h.say(tom, group, '语言 中文');
    expect(set).toContain('中文');
    const [again] = await h.say(tom, group, '/help');
    expect(again).toContain('可用命令');
  });

  it('gives the usage line for a malformed command, and points an unknown one at help', async () => {
    const { h, zhang, group } = setup();
    expect((await h.say(zhang, group, '/lang klingon'))[0]).toContain('用法');
    expect((await h.say(zhang, group, '/frobnicate'))[0]).toContain('帮助');
  });

  it('answers a command that breaks with an apology', async () => {
    const { h, zhang, group } = setup();
    const [reply] = await h.say(zhang, group, '爆炸');
    expect(reply).toContain('出错');
  });

  it('handles a repeated update once, and the same message redelivered after a restart once', async () => {
    const { h, u, zhang, group } = setup();
    const update = u.message(zhang, group, '/me');
    await h.handle(update);
    await h.handle(update);
    expect(h.callsOf('sendMessage')).toHaveLength(1);
    // A new process has forgotten the update ids; the database has not forgotten the message.
    const redelivered = { ...update, update_id: update.update_id + 100 };
    await h.handle(redelivered);
    expect(h.callsOf('sendMessage')).toHaveLength(1);
  });

  it('splits a long reply into messages that fit, the buttons on the last', async () => {
    const { h, zhang, group } = setup();
    const texts = await h.say(zhang, group, '/long');
    expect(texts.length).toBeGreaterThan(1);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(4096);
    expect(texts.join('\n').split('\n')).toHaveLength(400);
    const sent = h.callsOf('sendMessage');
    expect(sent.at(-1)!.payload.reply_markup).toBeDefined();
    expect(sent.slice(0, -1).every((c) => c.payload.reply_markup === undefined)).toBe(true);
    expect(sent.slice(1).every((c) => c.payload.reply_parameters === undefined)).toBe(true);
  });

  it('addresses a reply to someone in a group with a mention of their name', async () => {
    const { h, zhang, group } = setup();
    await h.say(zhang, group, '/shout');
    const [sent] = h.callsOf('sendMessage');
    expect(sent!.payload.text).toBe('张 大爷 叫你呢');
    expect(sent!.payload.entities).toEqual([{ type: 'text_mention', offset: 0, length: 4, user: { id: 1001, is_bot: false, first_name: '张 大爷' } }]);
  });

  it('answers in the forum topic the message came from', async () => {
    const { h, u, zhang, group } = setup();
    await h.handle(u.message(zhang, group, '/me', { is_topic_message: true, message_thread_id: 77 }));
    expect(h.callsOf('sendMessage')[0]!.payload.message_thread_id).toBe(77);
  });

  it('queues a reply that cannot be sent in the outbox, to be retried', async () => {
    const { h, zhang, group } = setup();
    h.failNext('sendMessage', { error_code: 400, description: 'Bad Request: not enough rights to send text messages to the chat' });
    await h.say(zhang, group, '/me');
    const queued = h.services.db.select().from(outbox).all();
    expect(queued).toMatchObject([{ platform: 'telegram', roomId: '-100500', source: 'telegram:reply', status: 'pending' }]);
    h.services.dispatcher.register(h.adapter.transport);
    await h.services.dispatcher.drain();
    expect(h.callsOf('sendMessage').at(-1)!.payload.text).toBe(queued[0]!.text);
  });

  it('logs an update whose handling fails, and goes on with the next', async () => {
    const { h, zhang, group } = setup();
    const handle = h.services.core.handle.bind(h.services.core);
    h.services.core.handle = async () => {
      throw new Error('database is gone');
    };
    expect(await h.say(zhang, group, '/me')).toEqual([]);
    expect(h.logged.join('\n')).toMatch(/ERROR.*update handling failed.*database is gone/);
    h.services.core.handle = handle;
    expect(await h.say(zhang, group, '/me')).toHaveLength(1);
  });
});

describe('Telegram group migration', () => {
  it('keeps the binding when a group becomes a supergroup', async () => {
    const { h, u, zhang } = setup();
    const old = u.group(-500, '3号楼');
    const upgraded = u.supergroup(-100777, '3号楼');
    await h.say(zhang, old, '/bind ' + createBindingCode(h.system, { unitId: h.ids.units.building3.id, purpose: 'residents' }).code);
    const [to, from] = u.migration(zhang, old, upgraded);
    await h.handle(to!);
    await h.handle(from!);
    expect(findRoom(h.services.db, 'telegram', '-100777')).toMatchObject({ unitId: h.ids.units.building3.id, purpose: 'residents' });
    expect(findRoom(h.services.db, 'telegram', '-500')).toBeUndefined();
    const [help] = await h.say(zhang, upgraded, '帮助');
    expect(help).toContain('3号楼 · 居民群');
  });

  it('keeps the binding when the supergroup spoke before the migration note arrived', async () => {
    const { h, u, zhang } = setup();
    const old = u.group(-501, '2号楼');
    const upgraded = u.supergroup(-100778, '2号楼');
    await h.say(zhang, old, '/bind ' + createBindingCode(h.system, { unitId: h.ids.units.grid2.id, purpose: 'staff' }).code);
    await h.say(zhang, upgraded, '/me');
    const [to] = u.migration(zhang, old, upgraded);
    await h.handle(to!);
    expect(findRoom(h.services.db, 'telegram', '-100778')).toMatchObject({ unitId: h.ids.units.grid2.id, purpose: 'staff' });
  });

  it('follows a group that moved when a send to its old id is refused', async () => {
    const { h, u, zhang } = setup();
    const old = u.group(-502, '1号楼');
    await h.say(zhang, old, '/me');
    h.failNext('sendMessage', {
      error_code: 400,
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
      parameters: { migrate_to_chat_id: -100779 },
    });
    await h.adapter.transport.send('-502', { text: '停水通知' });
    const [refused, resent] = h.callsOf('sendMessage').slice(-2);
    expect(refused!.payload.chat_id).toBe('-502');
    expect(resent!.payload).toMatchObject({ chat_id: '-100779', text: '停水通知' });
    expect(h.services.db.select().from(rooms).where(eq(rooms.platformRoomId, '-100779')).get()).toBeDefined();
  });
});
