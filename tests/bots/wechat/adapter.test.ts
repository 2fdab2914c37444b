import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decideFriendRequest } from '../../../bots/wechat/friendship.js';
import { WECHAT } from '../../../bots/wechat/messages.js';
import type { AttachmentConsumer, CommandDef } from '../../../src/chat/command.js';
import { commands } from '../../../src/chat/commands/index.js';
import { ChatCore } from '../../../src/chat/core.js';
import { renderNotice } from '../../../src/chat/render/index.js';
import { ChatPort } from '../../../src/chat/port.js';
import { DAY, MINUTE, SimulatedClock } from '../../../src/clock.js';
import { inTransaction } from '../../../src/db/client.js';
import { identities, processedMessages } from '../../../src/db/schema/index.js';
import type { Ctx } from '../../../src/domain/context.js';
import type { StoredFile } from '../../../src/domain/files.js';
import { notifyMember, notifyRooms, notifyUnit } from '../../../src/domain/notify.js';
import { createBindingCode } from '../../../src/domain/org/binding-codes.js';
import { findRoom, seeRoom } from '../../../src/domain/org/rooms.js';
import { seedDemo } from '../../../src/domain/seed/demo.js';
import { DomainError } from '../../../src/errors.js';
import { freshDb } from '../../helpers/db.js';
import { type Group, manualClock, photo, type Sent, until, type WechatWorld, wechatWorld } from '../../helpers/wechat.js';
import { ownLinkCode } from '../../helpers/services.js';
import { boomCommand } from '../../helpers/probe-commands.js';

/** Commands only these tests have: a note that takes photos, a private message, buttons, failures, a long text. */
const notes = new Map<number, { roomId: number; files: StoredFile[] }>();

const testCommands: CommandDef[] = [
  {
    name: 'note',
    words: ['记录'],
    aliases: ['note'],
    args: 'optional',
    where: 'group',
    run(ctx) {
      notes.set(ctx.member.id, { roomId: ctx.room.id, files: [...ctx.files] });
      return '记下了，可以发照片';
    },
  },
  {
    name: 'whisper',
    words: ['悄悄话'],
    aliases: ['whisper'],
    args: 'none',
    where: 'group',
    run(ctx) {
      const sent = notifyMember(ctx, ctx.member.id, () => ({ text: '券码 ABC123，请到店出示' }), 'test:whisper');
      const hint = ctx.message.privateChatHint;
      return sent ? '已私聊发给你' : `请先${typeof hint === 'function' ? hint(ctx.t) : hint}`;
    },
  },
  {
    name: 'choose',
    words: ['选择'],
    aliases: [],
    args: 'none',
    where: 'any',
    run: () => ({
      text: '请回复「好」或「不好」',
      buttons: [
        [
          { label: '好', command: '/ok' },
          { label: '不好', command: '/no' },
        ],
      ],
    }),
  },
  boomCommand,
  {
    name: 'refuse',
    words: ['拒绝'],
    aliases: [],
    args: 'none',
    where: 'any',
    run: () => {
      throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    },
  },
  {
    name: 'essay',
    words: ['长文'],
    aliases: [],
    args: 'none',
    where: 'any',
    run: () => Array.from({ length: 12 }, (_, i) => `第${i + 1}行：${'邻'.repeat(30)}`).join('\n'),
  },
];

const notePhotos: AttachmentConsumer<{ roomId: number; files: StoredFile[] }> = {
  name: 'note-photos',
  find: (ctx) => {
    const note = notes.get(ctx.member.id);
    return note && note.roomId === ctx.room.id ? note : undefined;
  },
  attach: (_ctx, note, files) => {
    note.files.push(...files);
    return `收到 ${files.length} 张照片`;
  },
};

let world: WechatWorld;

async function start(options: Parameters<typeof wechatWorld>[0] = {}) {
  notes.clear();
  world = await wechatWorld({
    core: (services) => new ChatCore(services.deps, { commands: [...commands, ...testCommands], consumers: [notePhotos] }),
    ...options,
  });
  return world;
}

afterEach(async () => {
  await world?.stop();
});

const system = (w: WechatWorld): Ctx => ({ ...w.services.deps, actor: { kind: 'system', job: 'test' } });

/** A group bound to building 3, with 王阿姨 in it. */
async function boundGroup(w: WechatWorld) {
  const mary = w.wechat.person('王阿姨');
  const group = w.wechat.group('3号楼居民群', [mary]);
  const code = createBindingCode(system(w), {
    unitId: w.ids.units.building3.id,
    purpose: 'residents',
  }).code;
  const sent = await w.say(mary, group, `绑定 ${code}`);
  return { mary, group, sent };
}

describe('wechat adapter: groups and commands', () => {
  it('binds a group with 绑定 CODE, answering in the group and @mentioning the sender', async () => {
    const w = await start();
    const { group, sent } = await boundGroup(w);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'group', id: group.id });
    expect(sent[0]!.text).toMatch(/^@王阿姨 ✅ 本群已绑定到「3号楼」/);
    expect(findRoom(w.services.db, WECHAT, group.id)).toMatchObject({
      name: '3号楼居民群',
      kind: 'group',
      unitId: w.ids.units.building3.id,
      purpose: 'residents',
    });
  });

  it.each([
    ['a plain word', '帮助'],
    ['a word after @<bot name>', '@邻里 帮助'],
    ["a word after @<bot name> and WeChat's mention space", '@邻里\u2005帮助'],
    ['a /command', '/help'],
    ['a #word', '#帮助'],
  ])('takes a command as %s', async (_how, text) => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    const sent = await w.say(mary, group, text);
    expect(w.wechat.textsIn(group, sent)).toHaveLength(1);
    expect(sent[0]!.text).toMatch(/^@王阿姨 邻里助手 · 可用命令（3号楼 · 居民群）/);
  });

  it('says nothing to chatter, and points a command said to the bot but unknown at help', async () => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    expect(await w.say(mary, group, '今天天气真好')).toEqual([]);
    expect(await w.say(mary, group, '@张三 晚上一起跳广场舞')).toEqual([]);
    const [hint] = await w.say(mary, group, '@邻里 在吗');
    expect(hint?.text).toContain('没听懂「在吗」');
  });

  it('ignores the messages the bot sent itself', async () => {
    const w = await start();
    const { group } = await boundGroup(w);
    // someone typing on the bot account's own phone: the message shows, nothing answers it
    const sent = await w.say(w.wechat.botUser, group, '帮助');
    expect(sent.map((s) => s.text)).toEqual(['帮助']);
    // its own replies, which the puppet also delivers as messages, never loop back either
    expect(w.wechat.sent.filter((s) => s.text.startsWith('@'))).toHaveLength(1);
  });

  it("answers in a private chat without @mention, and makes the chat the member's private room", async () => {
    const w = await start();
    const { mary } = await boundGroup(w);
    const sent = await w.say(mary, 'private', '我的');
    expect(sent).toEqual([expect.objectContaining({ to: 'private', id: mary.id, text: expect.stringMatching(/^👤 王阿姨\n/) })]);
    expect(findRoom(w.services.db, WECHAT, mary.id)).toMatchObject({ kind: 'private', name: '王阿姨' });
  });

  it("passes an image sent just after a command to the command's attachment consumer", async () => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    const [ack] = await w.say(mary, group, '记录 楼道堆满杂物');
    expect(ack?.text).toBe('@王阿姨 记下了，可以发照片');
    const [got] = await w.say(mary, group, photo());
    expect(got?.text).toBe('@王阿姨 收到 1 张照片');
    const files = [...notes.values()][0]!.files;
    expect(files).toEqual([expect.objectContaining({ mimeType: 'image/png' })]);
    expect(existsSync(join(w.services.config.dataDir, files[0]!.path))).toBe(true);
  });

  it('keeps an image with no command before it to itself', async () => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    expect(await w.say(mary, group, photo())).toEqual([]);
  });

  it('handles a command and the image right behind it in order, even when they arrive together', async () => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    const before = w.wechat.sent.length;
    w.wechat.say(mary, group, '记录 路灯坏了');
    w.wechat.say(mary, group, photo());
    await until(() => w.wechat.sent.length === before + 2, 'both replies');
    await w.settle();
    expect(w.wechat.textsIn(group, w.wechat.sent.slice(before))).toEqual(['@王阿姨 记下了，可以发照片', '@王阿姨 收到 1 张照片']);
  });

  it("sends a private notification to the member's own chat and not to the group", async () => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    await w.say(mary, 'private', '我的');
    const sent = await w.say(mary, group, '悄悄话');
    expect(w.wechat.textsIn(group, sent)).toEqual(['@王阿姨 已私聊发给你']);
    expect(w.wechat.textsIn(mary, sent)).toEqual(['券码 ABC123，请到店出示']);
    expect(
      w.wechat.sent
        .filter((s) => s.to === 'group')
        .map((s) => s.text)
        .join(),
    ).not.toContain('ABC123');
  });

  it('tells someone with no private chat yet how to open one', async () => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    const [reply] = await w.say(mary, group, '悄悄话');
    expect(reply?.text).toBe('@王阿姨 请先加「邻里」为微信好友（验证信息写「邻里」），然后私聊我');
    expect(w.wechat.textsIn(mary)).toEqual([]);
  });

  it('shows the text of a message with buttons, which always says what to type', async () => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    const sent = await w.say(mary, group, '选择');
    expect(sent.map((s) => s.text)).toEqual(['@王阿姨 请回复「好」或「不好」']);
  });

  it.each([
    ['a bug', '爆炸', '抱歉，处理时出错了'],
    ['a rule', '拒绝', '只有本网格的工作人员可以这样做'],
  ])('answers %s that stops a command, and goes on working', async (_what, text, expected) => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    const [reply] = await w.say(mary, group, text);
    expect(reply?.text).toContain(expected);
    expect(await w.say(mary, group, '我的')).toHaveLength(1);
  });

  it('splits a long text at line breaks into messages in order, @mentioning in the first only', async () => {
    const w = await start({ adapter: { maxLength: 100 } });
    const { mary, group } = await boundGroup(w);
    const sent = await w.say(mary, group, '长文');
    expect(sent.length).toBeGreaterThan(3);
    expect(sent[0]!.text).toMatch(/^@王阿姨 第1行/);
    expect(sent.slice(1).every((s) => !s.text.startsWith('@'))).toBe(true);
    const lines = sent
      .map((s) => s.text.replace(/^@王阿姨 /, ''))
      .join('\n')
      .split('\n');
    expect(lines).toEqual(Array.from({ length: 12 }, (_, i) => `第${i + 1}行：${'邻'.repeat(30)}`));
  });

  it('handles a message delivered again (same id, after a reconnect) once', async () => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    const before = w.wechat.sent.length;
    const id = w.wechat.say(mary, group, '我的');
    await until(() => w.wechat.sent.length === before + 1, 'the reply');
    await w.settle();
    expect(await w.replay(id)).toEqual([]);
    expect(
      w.services.db
        .select()
        .from(processedMessages)
        .all()
        .filter((p) => p.messageId === id),
    ).toHaveLength(1);
  });

  it('renames the group when its topic changes', async () => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    group.topic('3号楼邻里互助群').by(mary);
    await until(() => findRoom(w.services.db, WECHAT, group.id)?.name === '3号楼邻里互助群', 'the new name');
    expect(findRoom(w.services.db, WECHAT, group.id)?.unitId).toBe(w.ids.units.building3.id);
  });

  it('greets a group it is added to, saying how to bind it', async () => {
    const w = await start();
    const mary = w.wechat.person('王阿姨');
    const group = w.wechat.group('5号楼群', [mary], { withBot: false });
    group.add(w.wechat.botUser).by(mary);
    await until(() => w.wechat.textsIn(group).length === 1, 'the greeting');
    expect(w.wechat.textsIn(group)[0]).toContain('绑定 绑定码');
    expect(findRoom(w.services.db, WECHAT, group.id)).toMatchObject({ name: '5号楼群', unitId: null });
  });
});

describe('wechat world: the demo neighbourhood on WeChat', () => {
  it('lets demo members speak on WeChat as themselves, in groups bound to their units', async () => {
    const w = await start();
    const li = w.member('li');
    const jin = w.member('jin');
    const staff = w.boundGroup('grid1', 'staff', [li]);
    const residents = w.boundGroup('grid1', 'residents', [jin, li]);
    const [me] = await w.say(li, staff, '我的');
    expect(me?.text).toMatch(/^@网格员小李 👤 网格员小李\n角色：工作人员@荷东第一网格/);
    const [help] = await w.say(jin, residents, '帮助');
    expect(help?.text).toContain('荷东第一网格 · 居民群');
  });

  it("delivers an announcement to a unit's WeChat staff group and a member's notice to their WeChat chat", async () => {
    const w = await start();
    const li = w.member('li');
    const staff = w.boundGroup('grid1', 'staff', [li]);
    inTransaction(w.services.db, () => {
      notifyUnit(w.services.deps, w.ids.units.grid1.id, 'staff', () => ({ text: '今晚八点网格议事会' }), 'test');
      notifyMember(w.services.deps, w.ids.members.li.id, () => ({ text: '你有一张新工单' }), 'test');
    });
    const sent = await w.deliver();
    expect(w.wechat.textsIn(staff, sent)).toEqual(['今晚八点网格议事会']);
    expect(w.wechat.textsIn(li, sent)).toEqual(['你有一张新工单']);
  });
});

describe('wechat replies that cannot be sent', () => {
  it('queues a reply the puppet refused, and the outbox delivers it', async () => {
    const w = await start();
    const { mary, group } = await boundGroup(w);
    // Refused however often wechaty tries, until the connection is back.
    const refused = vi.spyOn(w.wechat.puppet, 'messageSendText').mockRejectedValue(new Error('connection reset'));
    expect(await w.say(mary, group, '帮助')).toEqual([]);
    expect(refused).toHaveBeenCalled();
    refused.mockRestore();
    // The outbox tried once more while the connection was down and waits before the next attempt.
    w.clock.advance(MINUTE);
    const [help, ...more] = w.wechat.textsIn(group, await w.deliver());
    expect(help).toContain('邻里助手');
    expect(more).toEqual([]);
    expect(await w.deliver()).toEqual([]);
  });
});

describe('wechat replies sent in part', () => {
  const essay = Array.from({ length: 12 }, (_, i) => `第${i + 1}行：${'邻'.repeat(30)}`);

  it('queues only the parts a long reply had not sent, so the group reads each line once', async () => {
    const w = await start({ adapter: { maxLength: 100 } });
    const { mary, group } = await boundGroup(w);
    const puppet = w.wechat.puppet;
    const real = puppet.messageSendText.bind(puppet);
    let calls = 0;
    const flaky = vi.spyOn(puppet, 'messageSendText').mockImplementation((...args) => {
      calls += 1;
      return calls === 1 ? real(...args) : Promise.reject(new Error('connection reset'));
    });
    const first = await w.say(mary, group, '长文');
    expect(first).toHaveLength(1);
    flaky.mockRestore();
    w.clock.advance(MINUTE);
    const rest = await w.deliver();
    const lines = [...first, ...rest]
      .map((s) => s.text.replace(/^@王阿姨 /, ''))
      .join('\n')
      .split('\n');
    expect(lines).toEqual(essay);
  });

  it('sends the rest of a notification that went out in part, and counts the row as sent', async () => {
    const w = await start({ adapter: { maxLength: 100 } });
    const { group } = await boundGroup(w);
    const room = findRoom(w.services.db, WECHAT, group.id)!;
    inTransaction(w.services.db, () => notifyRooms(w.services.deps, [room], () => ({ text: essay.join('\n') }), 'test'));
    const puppet = w.wechat.puppet;
    const real = puppet.messageSendText.bind(puppet);
    let calls = 0;
    const flaky = vi.spyOn(puppet, 'messageSendText').mockImplementation((...args) => {
      calls += 1;
      return calls <= 2 ? real(...args) : Promise.reject(new Error('connection reset'));
    });
    const first = await w.deliver();
    expect(first).toHaveLength(2);
    flaky.mockRestore();
    w.clock.advance(MINUTE);
    const rest = await w.deliver();
    expect(
      [...first, ...rest]
        .map((s) => s.text)
        .join('\n')
        .split('\n'),
    ).toEqual(essay);
  });
});

describe('wechat friend requests', () => {
  it.each([
    ['the keyword', () => '邻里'],
    ['the keyword inside a longer greeting', () => '你好，我是3号楼的，在邻里群里看到你'],
    ['a usable group binding code', (w: WechatWorld) => `绑定码 ${createBindingCode(system(w), { unitId: w.ids.units.grid1.id, purpose: 'residents' }).code}`],
    [
      'a code typed in lower case with a dash',
      (w: WechatWorld) => {
        const code = createBindingCode(system(w), { unitId: w.ids.units.grid1.id, purpose: 'residents' }).code.toLowerCase();
        return `${code.slice(0, 4)}-${code.slice(4)}`;
      },
    ],
  ])('accepts a request carrying %s and greets the new friend', async (_what, hello) => {
    world = await wechatWorld();
    const accept = vi.spyOn(world.wechat.puppet, 'friendshipAccept');
    const li = world.wechat.person('李大爷');
    const sent = await world.friendRequest(li, hello(world));
    expect(accept).toHaveBeenCalledOnce();
    expect(world.wechat.textsIn(li, sent)).toEqual([expect.stringContaining('你好，我是邻里助手')]);
  });

  it.each([
    ['a plain greeting', () => '你好，加个好友'],
    ['an advert', () => '专业代办信用卡，低息贷款'],
    ['a code-shaped word that is no code', () => 'K7MQ2XPA'],
    [
      'a code already used',
      (w: WechatWorld) => {
        const row = createBindingCode(system(w), { unitId: w.ids.units.grid1.id, purpose: 'residents' });
        w.services.db.$client.prepare('UPDATE binding_codes SET used_at = ? WHERE code = ?').run(Date.now(), row.code);
        return row.code;
      },
    ],
    [
      'an expired code',
      (w: WechatWorld) => {
        const code = createBindingCode(system(w), { unitId: w.ids.units.grid1.id, purpose: 'residents' }, DAY).code;
        w.clock.advance(2 * DAY);
        return code;
      },
    ],
  ])('leaves a request with %s unanswered', async (_what, hello) => {
    world = await wechatWorld();
    const accept = vi.spyOn(world.wechat.puppet, 'friendshipAccept');
    const stranger = world.wechat.person('陌生人');
    expect(await world.friendRequest(stranger, hello(world))).toEqual([]);
    expect(accept).not.toHaveBeenCalled();
  });

  it("uses a link code from the greeting at once: the new chat is the member's own", async () => {
    world = await wechatWorld();
    const code = ownLinkCode(system(world), world.ids.members.jin.id);
    const jin = world.wechat.person('金阿姨');
    const sent = await world.friendRequest(jin, `我是金阿姨 ${code}`);
    expect(world.wechat.textsIn(jin, sent)).toEqual([expect.stringContaining('你好，我是邻里助手'), expect.stringContaining('已关联到 金阿姨 的账号')]);
    const identity = world.services.db.select().from(identities).where(eq(identities.platformUserId, jin.id)).get();
    expect(identity).toMatchObject({ platform: WECHAT, memberId: world.ids.members.jin.id });
    expect(findRoom(world.services.db, WECHAT, jin.id)).toMatchObject({ kind: 'private', memberId: world.ids.members.jin.id });
  });

  it('takes the keyword from the configuration, whatever its case', async () => {
    world = await wechatWorld({ env: { LINLI_WECHAT_FRIEND_KEYWORD: 'Hedong2026' } });
    const accept = vi.spyOn(world.wechat.puppet, 'friendshipAccept');
    await world.friendRequest(world.wechat.person('A'), '邻里');
    expect(accept).not.toHaveBeenCalled();
    await world.friendRequest(world.wechat.person('B'), 'hello HEDONG2026');
    expect(accept).toHaveBeenCalledOnce();
  });
});

describe('decideFriendRequest', () => {
  const deps = () => {
    const db = freshDb();
    const d = {
      db,
      clock: new SimulatedClock(new Date('2026-03-02T09:00:00+08:00')),
      settings: { lang: 'zh' as const, timeZone: 'Asia/Shanghai', dataDir: '/tmp' },
      render: renderNotice,
    };
    return { deps: d, ids: seedDemo(d) };
  };

  it('tells which code it saw, so a member code can be used and a group code not', () => {
    const { deps: d, ids } = deps();
    const ctx: Ctx = { ...d, actor: { kind: 'system', job: 'test' } };
    const member = ownLinkCode(ctx, ids.members.yang.id);
    const group = createBindingCode(ctx, { unitId: ids.units.grid2.id, purpose: 'staff' }).code;
    const port = new ChatPort(d);
    expect(decideFriendRequest(port, `${group}`, '邻里')).toEqual({ accept: true, because: 'code', memberCode: undefined });
    expect(decideFriendRequest(port, `${group} ${member}`, '邻里')).toMatchObject({ accept: true, memberCode: { code: member } });
    expect(decideFriendRequest(port, `${member}X`, '邻里')).toEqual({ accept: false });
  });
});

/** Gaps between consecutive messages in each group, and the number sent. */
function gapsPerGroup(sent: readonly Sent[]): number[] {
  const byGroup = new Map<string, number[]>();
  for (const s of sent) byGroup.set(s.id, [...(byGroup.get(s.id) ?? []), s.at]);
  return [...byGroup.values()].flatMap((times) => times.slice(1).map((t, i) => t - times[i]!));
}

function notifyGroups(w: WechatWorld, groups: Group[], perGroup: number) {
  inTransaction(w.services.db, () => {
    const rooms = groups.map((g, i) => seeRoom(w.services.deps, { platform: WECHAT, platformRoomId: g.id, name: `群${i}`, isPrivate: false }));
    for (let n = 0; n < perGroup; n++) notifyRooms(w.services.deps, rooms, () => ({ text: `通知 ${n}` }), 'test:pacing');
  });
}

describe('wechat pacing, measured on the mock', () => {
  it('spaces every message to one group, replies and outbox alike, by the room interval', async () => {
    world = await wechatWorld({ env: { LINLI_WECHAT_ROOM_INTERVAL_MS: '60', LINLI_WECHAT_PER_MINUTE: '1000' } });
    const mary = world.wechat.person('王阿姨');
    const group = world.wechat.group('3号楼居民群', [mary]);
    notifyGroups(world, [group], 2);
    for (const text of ['帮助', '我的', '/help']) world.wechat.say(mary, group, text);
    await world.deliver();
    await until(() => world.wechat.textsIn(group).length === 5, 'three replies and two notifications');
    const inGroup = world.wechat.sent.filter((s) => s.id === group.id);
    expect(inGroup.filter((s) => s.text.startsWith('通知'))).toHaveLength(2);
    expect(inGroup.filter((s) => s.text.startsWith('@王阿姨'))).toHaveLength(3);
    expect(Math.min(...gapsPerGroup(inGroup))).toBeGreaterThanOrEqual(60);
  });

  it('answers someone who asks during a broadcast before the groups still waiting for it', async () => {
    const clock = manualClock(Date.now());
    world = await wechatWorld({
      env: { LINLI_WECHAT_ROOM_INTERVAL_MS: '1500', LINLI_WECHAT_PER_MINUTE: '2' },
      adapter: { pacing: { now: clock.now, sleep: clock.sleep } },
      now: clock.now,
    });
    const started = clock.now();
    const mary = world.wechat.person('王阿姨');
    const asked = world.wechat.group('3号楼居民群', [mary]);
    const groups = Array.from({ length: 4 }, (_, i) => world.wechat.group(`${i + 1}号楼群`, []));
    notifyGroups(world, groups, 1);
    const broadcast = world.services.dispatcher.drain();
    await until(() => world.wechat.sent.length === 2, 'the first two notices');

    const handle = vi.spyOn(world.services.core, 'handle');
    world.wechat.say(mary, asked, '帮助');
    await until(() => handle.mock.results.length === 1, 'the command');
    await handle.mock.results[0]!.value;
    await clock.advance(MINUTE);
    await until(() => world.wechat.sent.length === 4, "the next minute's two messages");
    await clock.advance(MINUTE);
    await broadcast;

    const sent = world.wechat.sent.map((s) => ({ to: s.id === asked.id ? 'asked' : 'notified', after: s.at - started }));
    expect(sent).toEqual([
      { to: 'notified', after: 0 },
      { to: 'notified', after: 0 },
      { to: 'asked', after: MINUTE },
      { to: 'notified', after: MINUTE },
      { to: 'notified', after: 2 * MINUTE },
    ]);
  });

  it('sends at most perMinute messages in any minute overall, and each group by its interval', async () => {
    // Time runs thirty times faster for the pacer and the record, so a minute passes in 2 s.
    const SPEED = 30;
    const t0 = Date.now();
    const now = () => t0 + (Date.now() - t0) * SPEED;
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms / SPEED));
    world = await wechatWorld({
      env: { LINLI_WECHAT_ROOM_INTERVAL_MS: '1500', LINLI_WECHAT_PER_MINUTE: '20' },
      adapter: { pacing: { now, sleep } },
      now,
    });
    const groups = Array.from({ length: 10 }, (_, i) => world.wechat.group(`${i + 1}号楼群`, []));
    const started = now();
    notifyGroups(world, groups, 3);
    const sent = await world.deliver();

    expect(sent).toHaveLength(30);
    expect(Math.min(...gapsPerGroup(sent))).toBeGreaterThanOrEqual(1500);
    const times = sent.map((s) => s.at).sort((a, b) => a - b);
    // any 21 in a row span at least a minute: no minute holds more than 20
    for (let i = 0; i + 20 < times.length; i++) expect(times[i + 20]! - times[i]!).toBeGreaterThanOrEqual(MINUTE);
    // the first twenty did not wait for the minute, the rest did
    expect(times[19]! - started).toBeLessThan(MINUTE);
    expect(times[20]! - started).toBeGreaterThanOrEqual(MINUTE);
  });
});
