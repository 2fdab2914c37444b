import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ChatCore } from '../../src/chat/core.js';
import type { IncomingMessage } from '../../src/chat/types.js';
import { identities, members, processedMessages, rooms, tickets } from '../../src/db/schema/index.js';
import { createBindingCode } from '../../src/domain/org/binding-codes.js';
import { activeGrants } from '../../src/domain/org/members.js';
import { findRoom } from '../../src/domain/org/rooms.js';
import { demoChat } from '../helpers/services.js';
import { boomCommand } from '../helpers/probe-commands.js';

describe('chat core', () => {
  it('answers help in the room with the commands this member may use', async () => {
    const demo = demoChat();
    const [reply] = await demo.say('jin', 'grid-1', '帮助');
    expect(reply?.room).toBe('grid-1');
    expect(reply?.text).toContain('荷东第一网格');
    expect(reply?.text).toContain('我的');
    expect(reply?.text).not.toContain('绑定码'); // residents cannot create binding codes
    const [staffHelp] = await demo.say('li', 'dm:li', '帮助');
    expect(staffHelp?.text).toContain('绑定码');
  });

  it('offers in an unbound group only what works there, and says how to bind it', async () => {
    const demo = demoChat();
    const listed = (text: string | undefined) =>
      (text ?? '')
        .split('\n')
        .filter((l) => l.startsWith('· '))
        .map((l) => l.slice(2).split(/[ —]/)[0]);
    const [stranger] = await demo.say('zzz', 'new-group', '帮助');
    expect(listed(stranger?.text)).toEqual(['帮助', '绑定', '我的', '语言']);
    expect(stranger?.text).toContain('本群还没有绑定到网格。请网格员或管理员私聊我发送「绑定码 网格名」，再在本群发送「绑定 绑定码」');
    // what help leaves out would only have answered that the group is not bound
    expect((await demo.say('zzz', 'new-group', '报事 路灯坏了'))[0]?.text).toContain('本群还没有绑定到网格');

    // A member with a unit of their own can still report from here (into their unit).
    const [resident] = await demo.say('jin', 'new-group', '帮助');
    expect(listed(resident?.text)).toEqual(expect.arrayContaining(['报事', '心愿', '商城', '兑换']));
    expect(resident?.text).toContain('本群还没有绑定到网格');

    // In private, someone nobody placed yet is told how to get placed.
    const [alone] = await demo.say('zzz', 'dm:zzz', '帮助');
    expect(listed(alone?.text)).not.toContain('报事');
    expect(alone?.text).toContain('在你所在网格的居民群里发送「帮助」');

    // Bound, the group offers the neighbourhood's commands to everyone in it, and no longer the binding.
    const code = createBindingCode(demo.system, { unitId: demo.ids.units.grid2.id, purpose: 'residents' }).code;
    await demo.say('chen', 'new-group', `绑定 ${code}`);
    const [bound] = await demo.say('zzz', 'new-group', '帮助');
    expect(listed(bound?.text)).toEqual(expect.arrayContaining(['报事', '心愿', '积分', '商城', '兑换']));
    expect(listed(bound?.text)).not.toContain('绑定');
    expect(bound?.text).not.toContain('还没有绑定');
  });

  it('answers in English for members whose language is en', async () => {
    const demo = demoChat();
    const [set] = await demo.say('jin', 'grid-1', '/lang en');
    expect(set?.text).toMatch(/English/);
    const [reply] = await demo.say('jin', 'grid-1', '/help');
    expect(reply?.text).toMatch(/^Linli · commands/);
    const [back] = await demo.say('jin', 'grid-1', '语言 中文');
    expect(back?.text).toContain('中文');
  });

  it('handles the same platform message once', async () => {
    const demo = demoChat();
    const first = await demo.say('jin', 'grid-1', '我的', { id: 'm-1' });
    const again = await demo.say('jin', 'grid-1', '我的', { id: 'm-1' });
    const other = await demo.say('jin', 'grid-1', '我的', { id: 'm-2' });
    expect(first).toHaveLength(1);
    expect(again).toHaveLength(0);
    expect(other).toHaveLength(1);
    // the same id in another room is another message
    expect(await demo.say('jin', 'grid-2', '我的', { id: 'm-1' })).toHaveLength(1);
  });

  it('answers a message redelivered after a crash that came before its reply went out, and acts on it once', async () => {
    const demo = demoChat();
    const message: IncomingMessage = {
      platform: 'shell',
      roomId: 'grid-1',
      roomName: '荷东第一网格居民群',
      isPrivate: false,
      senderId: 'jin',
      senderName: '金阿姨',
      messageId: 'm-crash',
      text: '报事 3号楼楼道灯坏了',
    };
    const first = await demo.services.core.handle(message);
    expect(first.replies).toHaveLength(1);
    // The process died here: the ticket and the mark were committed, the reply never sent.
    const again = await demo.services.core.handle(message);
    expect(again.replies.map((r) => r.text)).toEqual(first.replies.map((r) => r.text));
    expect(demo.services.db.select().from(tickets).all()).toHaveLength(1);
    demo.services.core.replied(message, again);
    expect((await demo.services.core.handle(message)).replies).toEqual([]);
    expect(demo.services.db.select().from(tickets).all()).toHaveLength(1);
  });

  it('forgets an answer once the adapter has sent it', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '我的', { id: 'm-sent' });
    expect(demo.services.db.select().from(processedMessages).all()).toEqual([
      expect.objectContaining({ messageId: 'm-sent', reply: null, repliedAt: demo.clock.now() }),
    ]);
  });

  it('stays quiet on chatter and does not record it as processed', async () => {
    const demo = demoChat();
    expect(await demo.say('jin', 'grid-1', '今天天气真好')).toEqual([]);
    expect(await demo.say('jin', 'grid-1', '任务太多了')).toEqual([]);
    expect(demo.services.db.select().from(processedMessages).all()).toHaveLength(0);
  });

  it('points an unknown command said to the bot at help', async () => {
    const demo = demoChat();
    const [reply] = await demo.say('jin', 'grid-1', '/frobnicate');
    expect(reply?.text).toContain('帮助');
    const [mention] = await demo.say('jin', 'grid-1', '@邻里 在吗');
    expect(mention?.text).toContain('在吗');
  });

  it('treats a reply to the bot as addressed for commands, but not a thank-you as an unknown command', async () => {
    const demo = demoChat();
    const reply = (text: string, id: string) =>
      demo.services.core.handle({
        platform: 'shell',
        roomId: 'grid-1',
        roomName: 'g',
        isPrivate: false,
        senderId: 'jin',
        senderName: '金阿姨',
        messageId: id,
        text,
        inReplyToBot: true,
      });
    expect((await reply('谢谢', 'r1')).replies).toEqual([]);
    expect((await reply('/谢谢', 'r2')).replies[0]?.text).toContain('帮助');
    expect((await reply('help', 'r3')).replies[0]?.text).toContain('可用命令');
  });

  it('gives the usage line for a malformed command said to the bot or as the first word, silence when the word starts a sentence', async () => {
    const demo = demoChat();
    const [reply] = await demo.say('jin', 'grid-1', '/lang klingon');
    expect(reply?.text).toContain('用法');
    expect((await demo.say('jin', 'grid-1', '语言 klingon'))[0]?.text).toContain('用法：语言');
    expect((await demo.say('li', 'grid-1-staff', '办结 TX'))[0]?.text).toContain('用法：办结');
    expect((await demo.say('jin', 'grid-1', '进度 TX'))[0]?.text).toContain('用法：进度');
    expect((await demo.say('jin', 'grid-1', '兑换'))[0]?.text).toContain('用法：兑换');
    expect((await demo.say('jin', 'grid-1', '兑换。'))[0]?.text).toContain('用法：兑换');
    // run on into a sentence, the word is talk
    for (const chatter of ['完成了吗', '语言不通啊', '兑换什么好呢', '进度怎么样了', '办结了没有', '完成，谢谢大家']) {
      expect(await demo.say('jin', 'grid-1', chatter), chatter).toEqual([]);
    }
  });

  it('makes an unknown sender in a bound residents room a resident of its unit', async () => {
    const demo = demoChat();
    await demo.say('newbie', 'grid-1', '帮助', { name: '李大爷' });
    const identity = demo.services.db.select().from(identities).where(eq(identities.platformUserId, 'newbie')).get();
    expect(identity).toBeDefined();
    const member = demo.services.db.select().from(members).where(eq(members.id, identity!.memberId)).get();
    expect(member?.name).toBe('李大爷');
    const grants = activeGrants(demo.services.db, member!.id);
    expect(grants.map((g) => [g.role, g.unitId])).toEqual([['resident', demo.ids.units.grid1.id]]);
  });

  it('keeps at most 64 characters of a platform display name, and only what can be seen', async () => {
    const demo = demoChat();
    await demo.say('long', 'grid-2', '大家好', { name: '长'.repeat(10_000) });
    await demo.say('blank', 'grid-2', '大家好', { name: '\u200b\u200b\u2060' });
    await demo.say('spaced', 'grid-2', '大家好', { name: ' 王\u200b  阿姨 ' });
    const named = (userId: string) => {
      const identity = demo.services.db.select().from(identities).where(eq(identities.platformUserId, userId)).get()!;
      const member = demo.services.db.select().from(members).where(eq(members.id, identity.memberId)).get()!;
      return [identity.displayName, member.name];
    };
    expect(named('long')).toEqual(['长'.repeat(64), '长'.repeat(64)]);
    expect(named('blank')).toEqual(['', 'blank']);
    expect(named('spaced')).toEqual(['王 阿姨', '王 阿姨']);
  });

  it('creates the member even from chatter, without answering', async () => {
    const demo = demoChat();
    expect(await demo.say('quiet', 'grid-2', '大家好', { name: '张叔' })).toEqual([]);
    const identity = demo.services.db.select().from(identities).where(eq(identities.platformUserId, 'quiet')).get();
    expect(activeGrants(demo.services.db, identity!.memberId)[0]?.unitId).toBe(demo.ids.units.grid2.id);
  });

  it('binds a new group with a one-time code and refuses the code a second time', async () => {
    const demo = demoChat();
    const code = createBindingCode(demo.system, { unitId: demo.ids.units.building3.id, purpose: 'residents' }).code;
    const [unbound] = await demo.say('jin', 'b3', '/me');
    expect(unbound?.text).toContain('金阿姨');
    const [bound] = await demo.say('li', 'b3', `绑定 ${code.toLowerCase()}`);
    expect(bound?.text).toContain('3号楼');
    const room = findRoom(demo.services.db, 'shell', 'b3');
    expect(room).toMatchObject({ unitId: demo.ids.units.building3.id, purpose: 'residents' });
    const [again] = await demo.say('li', 'other-group', `绑定 ${code}`);
    expect(again?.text).toContain('用过');
    const [unknown] = await demo.say('li', 'other-group', '绑定 ZZZZZZZZ');
    expect(unknown?.text).toContain('不存在');
  });

  it('refuses an expired code', async () => {
    const demo = demoChat();
    const code = createBindingCode(demo.system, { unitId: demo.ids.units.grid2.id, purpose: 'staff' }, 1000).code;
    demo.clock.advance(2000);
    const [reply] = await demo.say('chen', 'new-staff', `/bind ${code}`);
    expect(reply?.text).toContain('过期');
  });

  it('lets a staff member create a binding code in chat, and a resident not', async () => {
    const demo = demoChat();
    const [made] = await demo.say('li', 'grid-1-staff', '绑定码 3号楼');
    const code = /：([A-Z0-9]{8})/.exec(made!.text)?.[1];
    expect(code).toBeDefined();
    const [bound] = await demo.say('li', 'new-b3', `绑定 ${code}`);
    expect(bound?.text).toContain('3号楼');
    const [refused] = await demo.say('jin', 'dm:jin', '绑定码 3号楼');
    expect(refused?.text).toContain('工作人员');
    const [missing] = await demo.say('li', 'dm:li', '绑定码 火星');
    expect(missing?.text).toContain('火星');
  });

  it('links a second platform identity to the same member with a link code', async () => {
    const demo = demoChat();
    const [made] = await demo.say('yang', 'dm:yang', '关联码');
    const code = /：([A-Z0-9]{8})/.exec(made!.text)?.[1];
    const core = demo.services.core;
    const dm = (text: string, id: string): IncomingMessage => ({
      platform: 'telegram',
      roomId: '777',
      roomName: 'Yang',
      isPrivate: true,
      senderId: '777',
      senderName: 'Yang Youhong',
      messageId: id,
      text,
    });
    const linked = await core.handle(dm(`/start ${code}`, '1'));
    expect(linked.replies[0]?.text).toContain('杨幼红');
    const me = await core.handle(dm('/me', '2'));
    expect(me.replies[0]?.text).toContain('志愿者');
    const tgRoom = demo.services.db.select().from(rooms).where(eq(rooms.platformRoomId, '777')).get();
    expect(tgRoom?.memberId).toBe(demo.ids.members.yang.id);
  });

  it('refuses a room code in a private chat and a link code in a group', async () => {
    const demo = demoChat();
    const roomCode = createBindingCode(demo.system, { unitId: demo.ids.units.grid2.id, purpose: 'residents' }).code;
    const [inPrivate] = await demo.say('jin', 'dm:jin', `绑定 ${roomCode}`);
    expect(inPrivate?.text).toContain('群');
    const memberCode = createBindingCode(demo.system, { memberId: demo.ids.members.jin.id }).code;
    const [inGroup] = await demo.say('jin', 'grid-1', `绑定 ${memberCode}`);
    expect(inGroup?.text).toContain('私聊');
    // neither attempt used the codes up
    const [ok] = await demo.say('x', 'fresh-group', `绑定 ${roomCode}`);
    expect(ok?.text).toContain('荷东第二网格');
  });

  it('answers with a generic apology and logs when something breaks', async () => {
    const demo = demoChat();
    const errors: string[] = [];
    const core = new ChatCore(
      { ...demo.services.deps, log: { ...demo.services.log, error: (m: string) => void errors.push(m) } },
      {
        commands: [boomCommand],
      },
    );
    const result = await core.handle({
      platform: 'shell',
      roomId: 'grid-1',
      roomName: 'g',
      isPrivate: false,
      senderId: 'jin',
      senderName: '金阿姨',
      messageId: 'b1',
      text: '爆炸',
    });
    expect(result.replies[0]?.text).toContain('出错');
    expect(errors).toEqual(['message handling failed']);
  });
});
