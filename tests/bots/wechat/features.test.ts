import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WECHAT } from '../../../bots/wechat/messages.js';
import { MINUTE } from '../../../src/clock.js';
import { outbox, ticketPhotos, tickets, vouchers } from '../../../src/db/schema/index.js';
import { memberActor } from '../../../src/domain/context.js';
import { adjust } from '../../../src/domain/ledger/adjust.js';
import { SHELL } from '../../../src/domain/seed/demo.js';
import { type Group, type Person, PHOTO, photo, until, type WechatWorld, wechatWorld } from '../../helpers/wechat.js';

/** The demo's people on WeChat, in grid 1's two groups (and grid 2's staff group for 小陈). */
async function grid1OnWechat(options: Parameters<typeof wechatWorld>[0] = {}) {
  const w = await wechatWorld(options);
  const people = {
    jin: w.member('jin'),
    wang: w.member('wang'),
    li: w.member('li'),
    chen: w.member('chen'),
    yang: w.member('yang'),
    barber: w.member('barber'),
    spa: w.member('spa'),
  };
  const residents = w.boundGroup('grid1', 'residents', [people.jin, people.wang, people.yang, people.li]);
  const staff = w.boundGroup('grid1', 'staff', [people.li]);
  const grid2Staff = w.boundGroup('grid2', 'staff', [people.chen]);
  return { w, ...people, residents, staff, grid2Staff };
}

type Grid1 = Awaited<ReturnType<typeof grid1OnWechat>>;

const texts = (sent: { id: string; text: string }[], where: Group | Person) => sent.filter((s) => s.id === where.id).map((s) => s.text);

let world: WechatWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe('报事 on WeChat, with the photo sent after it', () => {
  it('takes the image of the next message through message.toFileBox() and attaches it to the ticket', async () => {
    const g = await grid1OnWechat();
    world = g.w;
    const fetched = vi.spyOn(g.w.wechat.puppet, 'messageFile');
    await g.w.say(g.jin, g.residents, '报事 楼道里堆满了纸箱');
    const sent = await g.w.say(g.jin, g.residents, photo('IMG_2031.png'));
    expect(fetched).toHaveBeenCalledOnce();
    expect(texts(sent, g.residents)).toEqual(['@金阿姨 📷 已把 1 张照片附到 T1。']);
    expect(texts(sent, g.staff)).toEqual(['📷 工单 T1 补充了 1 张照片。']);
    // and the photo itself follows the notice into the staff group
    await g.w.settle();
    expect(g.w.wechat.images.filter((i) => i.id === g.staff.id)).toHaveLength(1);
    expect(g.w.services.db.select().from(ticketPhotos).all()).toEqual([
      expect.objectContaining({ ticketId: 1, hash: createHash('sha256').update(PHOTO).digest('hex'), size: PHOTO.length }),
    ]);
  });

  it.each([
    ['from someone else in the group', (g: Grid1) => g.wang],
    [
      'more than two minutes later',
      (g: Grid1) => {
        g.w.clock.advance(3 * MINUTE);
        return g.jin;
      },
    ],
  ])('leaves an image %s alone', async (_what, sender) => {
    const g = await grid1OnWechat();
    world = g.w;
    await g.w.say(g.jin, g.residents, '报事 楼道里堆满了纸箱');
    expect(await g.w.say(sender(g), g.residents, photo())).toEqual([]);
    expect(g.w.services.db.select().from(ticketPhotos).all()).toEqual([]);
  });
});

describe('the right people, on WeChat', () => {
  let g: Grid1;
  let voucherCode: string;

  beforeAll(async () => {
    g = await grid1OnWechat();
    const { w } = g;
    await w.say(g.jin, g.residents, '报事 3号楼路灯坏了');
    await w.say(g.li, g.staff, '接单 T1');
    await w.say(g.li, g.staff, '办结 T1 已换灯泡');
    await w.say(g.wang, g.residents, '心愿 想请人帮忙买菜');
    await w.say(g.yang, g.residents, '认领 W1');
    await w.say(g.yang, g.residents, '完成 W1 2小时');
    adjust(
      { ...w.services.deps, actor: memberActor(w.ids.members.admin.id) },
      { memberId: w.ids.members.jin.id, unitId: w.ids.units.community.id, points: 40, reason: '社区活动', idempotencyKey: 'wechat-test' },
    );
    await w.say(g.jin, 'private', '兑换 G1');
    voucherCode = w.services.db.select().from(vouchers).get()!.code;
  });
  afterAll(async () => {
    await g.w.stop();
  });

  type Case = [string, 'jin' | 'wang' | 'li' | 'chen' | 'yang' | 'spa', 'residents' | 'staff' | 'grid2Staff' | 'private', string, RegExp];
  it.each<Case>([
    ['a resident cannot take a ticket', 'wang', 'residents', '接单 T1', /^@王阿姨 只有负责这片区域的网格员或工作人员才能接单 T1/],
    ["another grid's worker cannot either", 'chen', 'grid2Staff', '接单 T1', /^@网格员小陈 只有负责这片区域的网格员或工作人员才能接单 T1/],
    ['only the reporter rates', 'wang', 'residents', '评价 T1 5', /^@王阿姨 只有报事人可以评价 T1。$/],
    ['a volunteer does not confirm their own hours', 'yang', 'residents', '确认 W1', /^@杨幼红 不能确认自己的服务时长（W1）/],
    ['someone not served does not confirm them', 'jin', 'residents', '确认 W1', /^@金阿姨 只有被服务的居民或负责的工作人员可以确认 W1。$/],
    ['another merchant does not verify the voucher', 'spa', 'private', '核销 CODE', /^这张理发券不能在这里核销，请到 海林理发店 使用。$/],
  ])('%s', async (_what, who, where, text, expected) => {
    const sent = await g.w.say(g[who], where === 'private' ? 'private' : g[where], text.replace('CODE', voucherCode));
    expect(sent.map((s) => s.text)).toEqual([expect.stringMatching(expected)]);
  });

  it('sends a voucher code bought in a group to the private chat only, saying so in the group', async () => {
    const sent = await g.w.say(g.jin, g.residents, '兑换 G1');
    const code = g.w.services.db.select().from(vouchers).all().at(-1)!.code;
    expect(texts(sent, g.residents)).toEqual([expect.stringMatching(/^@金阿姨 🎟 兑换成功：理发券（20 积分）。券码已私聊发给你/)]);
    expect(texts(sent, g.jin)).toEqual([expect.stringContaining(`你的理发券券码：${code}`)]);
    expect(g.w.wechat.sent.filter((s) => s.to === 'group' && s.text.includes(code))).toEqual([]);
  });

  it('lets the reporter rate, and the merchant verify, once the others were refused', async () => {
    expect(texts(await g.w.say(g.jin, g.residents, '评价 T1 5'), g.residents)).toEqual([expect.stringContaining('谢谢评价')]);
    expect(texts(await g.w.say(g.wang, g.residents, '确认 W1'), g.residents)).toEqual([expect.stringContaining('+20 积分')]);
    const code = g.w.services.db.select().from(vouchers).all().at(-1)!.code;
    expect(texts(await g.w.say(g.barber, 'private', `核销 ${code}`), g.barber)).toEqual([expect.stringContaining('核销成功')]);
  });
});

describe('a voucher for someone with no private chat with the bot', () => {
  it.each([
    ['zh', '兑换 G1', '券码只能私聊发送', '加「邻里」为微信好友（验证信息写「邻里」），然后私聊我'],
    ['en', '/redeem G1', 'Codes go only to a private chat', 'add "邻里" as a WeChat friend (write "邻里" in the request), then message me'],
  ])("says how to add the bot as a friend, in the member's language (%s)", async (lang, command, says, hint) => {
    world = await wechatWorld();
    const zhang = world.wechat.person('张大爷');
    const group = world.boundGroup('grid1', 'residents', [zhang]);
    await world.say(zhang, group, `语言 ${lang}`);
    const memberId = world.services.db.$client.prepare("SELECT id FROM members WHERE name = '张大爷'").pluck().get() as number;
    adjust(
      { ...world.services.deps, actor: memberActor(world.ids.members.admin.id) },
      { memberId, unitId: world.ids.units.community.id, points: 20, reason: 'test', idempotencyKey: `hint-${lang}` },
    );
    const [reply] = await world.say(zhang, group, command);
    expect(reply?.text).toContain(says);
    expect(reply?.text).toContain(hint);
    expect(reply?.text).not.toContain(world.services.db.select().from(vouchers).get()!.code);
    expect(world.wechat.textsIn(zhang)).toEqual([]);
  });
});

describe('WeChat down and back', () => {
  it('keeps what happens meanwhile in the outbox, delivers it after the login, and handles a redelivered message once', async () => {
    const g = await grid1OnWechat({ adapter: { lifecycle: { backoffMs: 20, maxBackoffMs: 1000, errorGraceMs: 20, printQr: () => {} } } });
    world = g.w;
    const { w } = g;
    const restarted = vi.spyOn(w.wechat.puppet, 'start');
    const before = w.wechat.sent.length;
    const reportId = w.wechat.say(g.jin, g.residents, '报事 3号楼路灯坏了');
    await until(() => w.wechat.sent.length === before + 1, 'the reply');
    await w.settle();
    expect(texts(w.wechat.sent.slice(before), g.staff)).toEqual([expect.stringContaining('🆕 工单 T1')]);

    // The connection breaks: the puppet reports it and is no longer logged in.
    w.wechat.puppet.emit('error', { gerror: JSON.stringify({ code: 14, message: 'grpc stream closed' }) });
    w.wechat.dropLogin();
    await until(() => w.adapter.status === 'offline', 'the drop to be noticed');
    // Meanwhile 王阿姨 reports in the shell chat's group of the same grid: the WeChat staff group must hear of it.
    const shell = await w.services.core.handle({
      platform: SHELL,
      roomId: 'grid-1',
      roomName: '荷东第一网格居民群',
      isPrivate: false,
      senderId: 'wang',
      senderName: '王阿姨',
      messageId: 'shell-1',
      text: '报事 5号楼门口垃圾没人清',
    });
    expect(shell.replies[0]?.text).toContain('T2');
    expect(await w.deliver()).toEqual([]);
    const waiting = w.services.db
      .select()
      .from(outbox)
      .all()
      .filter((row) => row.platform === WECHAT && row.status === 'pending');
    expect(waiting).toEqual([expect.objectContaining({ roomId: g.staff.id, text: expect.stringContaining('🆕 工单 T2') })]);

    await until(() => restarted.mock.calls.length === 1, 'the restart');
    w.wechat.login();
    await until(() => w.adapter.status === 'online', 'the login');
    expect(texts(await w.deliver(), g.staff)).toEqual([expect.stringContaining('🆕 工单 T2')]);

    // The puppet hands the 报事 of before the drop over again: nothing happens twice.
    expect(await w.replay(reportId)).toEqual([]);
    expect(
      w.services.db
        .select()
        .from(tickets)
        .all()
        .map((t) => t.text),
    ).toEqual(['3号楼路灯坏了', '5号楼门口垃圾没人清']);
    expect(texts(await w.say(g.li, g.staff, '接单 T2'), g.staff)).toEqual([expect.stringMatching(/^@网格员小李 ✅ 你已接单 T2/)]);
  });
});
