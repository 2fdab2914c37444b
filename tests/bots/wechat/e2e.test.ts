import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { WECHAT } from '../../../bots/wechat/messages.js';
import { members, ticketPhotos, tickets, vouchers } from '../../../src/db/schema/index.js';
import { balanceOf, memberAccount } from '../../../src/domain/ledger/accounts.js';
import { notifyUnit } from '../../../src/domain/notify.js';
import { createBindingCode } from '../../../src/domain/org/binding-codes.js';
import { findRoom } from '../../../src/domain/org/rooms.js';
import { findUnitByName } from '../../../src/domain/org/units.js';
import { SHELL } from '../../../src/domain/seed/demo.js';
import { createLogger, silentLogger } from '../../../src/log.js';
import { type Running, startLinli } from '../../../src/main.js';
import { type Group, MockWechat, type Person, PHOTO, photo, type Sent, until } from '../../helpers/wechat.js';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'linli-wechat-')), 'linli.db');

/** Short pacing, so the story runs in seconds; still measured below. */
const ROOM_INTERVAL_MS = 25;

let running: Running | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/**
 * Linli as `npm start` runs it, on a mock WeChat: the adapter, the core, the outbox dispatcher on its timer
 * and the jobs, all started by startLinli with the puppet it is given.
 */
async function startOnWechat(env: Record<string, string> = {}) {
  const wechat = new MockWechat();
  running = await startLinli({
    db: tmpDb(),
    port: false,
    seed: true,
    log: silentLogger,
    wechatPuppet: wechat.puppet,
    env: {
      LINLI_OUTBOX_INTERVAL_MS: '20',
      LINLI_WECHAT_ROOM_INTERVAL_MS: String(ROOM_INTERVAL_MS),
      LINLI_WECHAT_PER_MINUTE: '10000',
      ...env,
    },
  });
  await running.connected;
  const linli = running;
  wechat.login();
  await until(() => linli.services.dispatcher.platforms.includes(WECHAT), 'the bot to log in');

  /**
   * Says something on WeChat and waits for the `expected` messages the bot sends because of it, replies
   * and outbox deliveries alike. More would show up in the next step and fail it.
   */
  async function say(who: Person, where: Group | 'private', what: string | ReturnType<typeof photo>, expected: number): Promise<Sent[] & { id: string }> {
    const before = wechat.sent.length;
    const id = wechat.say(who, where === 'private' ? wechat.botUser : where, what);
    await until(() => wechat.sent.length >= before + expected, `${expected} message(s) after "${String(what)}"`);
    return Object.assign(wechat.sent.slice(before), { id });
  }

  async function befriend(who: Person, hello: string, expected: number): Promise<Sent[]> {
    const before = wechat.sent.length;
    await wechat.requestFriend(who, hello);
    await until(() => wechat.sent.length >= before + expected, `${expected} message(s) after the friend request`);
    return wechat.sent.slice(before);
  }

  /** What a member on the shell chat gets back from the running core, as `npm run chat` shows it. */
  async function onShell(user: string, text: string): Promise<string> {
    const result = await linli.services.core.handle({
      platform: SHELL,
      roomId: `dm:${user}`,
      roomName: user,
      isPrivate: true,
      senderId: user,
      senderName: user,
      messageId: `shell-${user}-${text}`,
      text,
    });
    return result.replies.map((r) => r.text).join('\n');
  }

  return { wechat, running: linli, say, befriend, onShell };
}

const codeIn = (text: string | undefined, length: number) => new RegExp(`\\b([A-Z0-9]{${length}})\\b`).exec(text ?? '')?.[1];
const to = (sent: readonly Sent[], where: Group | Person) => sent.filter((s) => s.id === where.id).map((s) => s.text);

describe('WeChat end to end, through startLinli', () => {
  it('serves a grid on WeChat: binding, 报事 with a photo, 接单 → 办结 → 评价, a wish for points, a voucher and its 核销', async () => {
    const { wechat, running, say, befriend, onShell } = await startOnWechat();
    const { db } = running.services;
    const memberNamed = (name: string) => db.select().from(members).where(eq(members.name, name)).get();

    // 网格员小李 already uses Linli elsewhere: 关联码 there, and the code in his WeChat friend request.
    const li = wechat.person('小李');
    const linkText = await onShell('li', '关联码');
    expect(linkText).toContain('验证信息');
    const linked = await befriend(li, `我是网格员小李 ${codeIn(linkText, 8)}`, 2);
    expect(to(linked, li)).toEqual([expect.stringContaining('你好，我是邻里助手'), expect.stringContaining('已关联到 网格员小李 的账号')]);

    // He makes a binding code for each of his grid's groups in the private chat, and binds them.
    const [residentsCode] = await say(li, 'private', '绑定码 荷东第一网格 居民', 1);
    const [staffCode] = await say(li, 'private', '绑定码 荷东第一网格 工作', 1);
    const zhang = wechat.person('张大爷');
    const liu = wechat.person('刘阿姨');
    const residents = wechat.group('荷东一网格邻里群', [li, zhang, liu]);
    const staff = wechat.group('一网格工作群', [li]);
    expect(to(await say(zhang, residents, `绑定 ${codeIn(residentsCode?.text, 8)}`, 1), residents)).toEqual([
      expect.stringMatching(/^@张大爷 ✅ 本群已绑定到「荷东第一网格」（居民群）/),
    ]);
    expect(to(await say(li, staff, `@邻里 绑定 ${codeIn(staffCode?.text, 8)}`, 1), staff)).toEqual([
      expect.stringMatching(/^@小李 ✅ 本群已绑定到「荷东第一网格」（工作群）/),
    ]);
    const grid1 = findUnitByName(db, '荷东第一网格')!.id;
    expect(findRoom(db, WECHAT, staff.id)).toMatchObject({ unitId: grid1, purpose: 'staff', name: '一网格工作群' });

    // 报事, and the photo right after it as its own message, as WeChat sends it.
    const report = await say(zhang, residents, '报事 3号楼楼道路灯坏了', 2);
    expect(to(report, residents)).toEqual([expect.stringMatching(/^@张大爷 ✅ 收到！工单号 T1（市政照明）.*\n.*照片会附到工单上/)]);
    expect(to(report, staff)).toEqual([expect.stringMatching(/^🆕 工单 T1 · 市政照明 · 待接单[\s\S]*3号楼楼道路灯坏了[\s\S]*回复「接单 T1」接单$/)]);
    const photoSent = await say(zhang, residents, photo('IMG_0412.png'), 2);
    expect(to(photoSent, residents)).toEqual(['@张大爷 📷 已把 1 张照片附到 T1。']);
    expect(to(photoSent, staff)).toEqual(['📷 工单 T1 补充了 1 张照片。']);
    const [stored] = db.select().from(ticketPhotos).all();
    expect(stored).toMatchObject({ ticketId: 1, mimeType: 'image/png', hash: createHash('sha256').update(PHOTO).digest('hex') });
    expect(readFileSync(join(running.services.config.dataDir, stored!.path))).toEqual(PHOTO);

    // The same 报事 delivered again after a reconnect is handled once: no second ticket, no second answer.
    wechat.replay(report.id);
    expect(to(await say(zhang, residents, '进度 T1', 1), residents)).toEqual([expect.stringContaining('T1')]);
    expect(db.select().from(tickets).all()).toHaveLength(1);

    // Only the grid's staff take it; the reporter hears in the group, addressed to him (no private chat).
    expect(to(await say(liu, residents, '接单 T1', 1), residents)).toEqual([expect.stringMatching(/^@刘阿姨 只有负责这片区域的网格员或工作人员才能接单 T1/)]);
    const taken = await say(li, staff, '接单 T1', 2);
    expect(to(taken, staff)).toEqual([expect.stringMatching(/^@小李 ✅ 你已接单 T1「3号楼楼道路灯坏了」（报事人：张大爷）/)]);
    expect(to(taken, residents)).toEqual([expect.stringMatching(/^@张大爷 🙋 你报的 T1「3号楼楼道路灯坏了」已由 网格员小李 接单/)]);
    const resolved = await say(li, staff, '办结 T1 已换灯泡', 2);
    expect(to(resolved, staff)).toEqual(['@小李 ✅ T1 已办结，已请报事人评价。']);
    expect(to(resolved, residents)).toEqual([
      expect.stringMatching(/^@张大爷 ✅ 你报的 T1「3号楼楼道路灯坏了」已办结（网格员小李）：已换灯泡\n请打分：回复「评价 T1 5」/),
    ]);
    expect(to(await say(liu, residents, '评价 T1 1', 1), residents)).toEqual(['@刘阿姨 只有报事人可以评价 T1。']);
    const rated = await say(zhang, residents, '评价 T1 5 修得很快', 2);
    expect(to(rated, residents)).toEqual([expect.stringMatching(/^@张大爷 🙏 谢谢评价！T1 ⭐⭐⭐⭐⭐，工单已关闭。/)]);
    expect(to(rated, staff)).toEqual(['⭐ 工单 T1 收到评价：⭐⭐⭐⭐⭐「修得很快」']);
    expect(db.select().from(tickets).get()).toMatchObject({ status: 'closed', rating: 5, comment: '修得很快' });

    // A wish: 刘阿姨 claims it and serves; 张大爷 confirms; the hours become points.
    expect(to(await say(zhang, residents, '心愿 想请人帮忙买菜', 1), residents)).toEqual([
      expect.stringMatching(/^@张大爷 🙏 微心愿 W1[\s\S]*发送「认领 W1」认领。$/),
    ]);
    // 张大爷 has no private chat: what concerns him comes in the group, addressed to him.
    expect(to(await say(liu, residents, '认领 W1', 2), residents)).toEqual([
      expect.stringMatching(/^@刘阿姨 ✅ 刘阿姨 认领了 W1/),
      '@张大爷 🤝 刘阿姨 认领了你的心愿 W1（想请人帮忙买菜），会和你联系。',
    ]);
    const done = await say(liu, residents, '完成 W1 2小时', 2);
    expect(to(done, residents)).toEqual([
      '@刘阿姨 📝 已记录 W1 服务 2小时，等待 张大爷 确认，确认后可得 20 积分。',
      expect.stringMatching(/^@张大爷 ⏱ 刘阿姨 报告为你的心愿 W1（想请人帮忙买菜）服务了 2小时。\n属实请发送「确认 W1」/),
    ]);
    expect(to(done, staff)).toEqual([]);
    expect(to(await say(liu, residents, '确认 W1', 1), residents)).toEqual([expect.stringMatching(/^@刘阿姨 不能确认自己的服务时长/)]);
    expect(to(await say(zhang, residents, '确认 W1', 2), residents)).toEqual([
      '@张大爷 ✅ 已确认 W1：\n· 刘阿姨 2小时，+20 积分',
      '@刘阿姨 🎉 W1（想请人帮忙买菜）的服务 2小时 已确认，获得 20 积分。发送「积分」查看。',
    ]);
    const liuId = memberNamed('刘阿姨')!.id;
    expect(balanceOf(db, memberAccount(liuId))).toBe(20);

    // 兑换 in the group with no private chat yet: bought, but the code waits; the reply says how to get it.
    const [hint] = await say(liu, residents, '兑换 G1', 1);
    expect(hint?.text).toMatch(/^@刘阿姨 🎟 兑换成功：理发券（20 积分）。券码只能私聊发送/);
    expect(hint?.text).toContain('加「邻里」为微信好友（验证信息写「邻里」），然后私聊我');
    const [first] = db.select().from(vouchers).all();
    expect(hint?.text).not.toContain(first!.code);

    // She adds the bot with the keyword, and reads her code in the private chat.
    expect(to(await befriend(liu, '我是刘阿姨，在邻里群里看到的', 1), liu)).toEqual([expect.stringContaining('你好，我是邻里助手')]);
    expect(to(await say(liu, 'private', '我的券', 1), liu)).toEqual([expect.stringContaining(`理发券 ${first!.code} · 未使用`)]);

    // A second wish; now the code goes straight to her private chat, and the group only hears it was sent.
    await say(zhang, residents, '心愿 想请人陪我去医院复查', 1);
    await say(liu, residents, '认领 W2', 2);
    await say(liu, residents, '完成 W2 2小时', 2);
    const confirmed = await say(zhang, residents, '确认 W2', 2);
    expect(to(confirmed, liu)).toEqual([expect.stringMatching(/^🎉 W2（想请人陪我去医院复查）的服务 2小时 已确认，获得 20 积分/)]);
    const redeemed = await say(liu, residents, '兑换 G1', 2);
    const second = db.select().from(vouchers).all()[1]!;
    expect(to(redeemed, residents)).toEqual(['@刘阿姨 🎟 兑换成功：理发券（20 积分）。券码已私聊发给你，请勿在群里公开。剩余积分：0']);
    expect(to(redeemed, liu)).toEqual([expect.stringMatching(new RegExp(`^🎟 你的理发券券码：${second.code}\\n到 海林理发店 出示券码核销`))]);

    // The barber links his WeChat the same way and verifies both codes at the counter.
    const barber = wechat.person('海林理发');
    await befriend(barber, codeIn(await onShell('barber', '关联码'), 8)!, 2);
    for (const voucher of [first!, second]) {
      const verified = await say(barber, 'private', `核销 ${voucher.code}`, 2);
      expect(to(verified, barber)).toEqual(['✅ 核销成功：理发券（持券人 刘阿姨），20 积分记入商户结算账户。']);
      expect(to(verified, liu)).toEqual([expect.stringMatching(/^✅ 你的理发券已于 .+ 在 海林理发店 核销。/)]);
    }
    expect(to(await say(barber, 'private', `核销 ${second.code}`, 1), barber)).toEqual([expect.stringMatching(/^❌ 这张理发券已于 .+ 核销过，不能重复使用。/)]);

    // Nothing more was sent than the steps awaited, and no code ever went to a group.
    const total = wechat.sent.length;
    await running.services.dispatcher.drain();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(wechat.sent).toHaveLength(total);
    const inGroups = wechat.sent
      .filter((s) => s.to === 'group')
      .map((s) => s.text)
      .join('\n');
    for (const voucher of [first!, second]) expect(inGroups).not.toContain(voucher.code);

    // Pacing, measured on everything the bot sent in the story: each conversation's messages are spaced.
    const times = new Map<string, number[]>();
    for (const s of wechat.sent) times.set(s.id, [...(times.get(s.id) ?? []), s.at]);
    const gaps = [...times.values()].flatMap((at) => at.slice(1).map((t, i) => t - at[i]!));
    expect(gaps.length).toBeGreaterThan(30);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(ROOM_INTERVAL_MS);
  });

  it('serves a WeChat group with the puppet it is given: binding it, answering, delivering the outbox', async () => {
    const lines: string[] = [];
    const wechat = new MockWechat();
    running = await startLinli({
      db: tmpDb(),
      port: false,
      seed: true,
      env: { LINLI_OUTBOX_INTERVAL_MS: '20', LINLI_WECHAT_ROOM_INTERVAL_MS: '1' },
      log: createLogger('info', (line) => lines.push(line)),
      wechatPuppet: wechat.puppet,
    });
    await running.connected;
    expect(running.url).toBeNull();
    expect(lines.filter((l) => l.includes('wechat adapter started'))).toHaveLength(1);
    wechat.login();
    const mary = wechat.person('王阿姨');
    const group = wechat.group('3号楼居民群', [mary]);
    const { deps } = running.services;
    const building = findUnitByName(deps.db, '3号楼')!;
    const code = createBindingCode({ ...deps, actor: { kind: 'system', job: 'test' } }, { unitId: building.id, purpose: 'residents' }).code;

    await until(() => running!.services.dispatcher.platforms.includes('wechat'), 'the login');
    wechat.say(mary, group, `绑定 ${code}`);
    await until(() => wechat.textsIn(group).length === 1, 'the reply');
    expect(wechat.textsIn(group)[0]).toMatch(/^@王阿姨 ✅ 本群已绑定到「3号楼」/);

    // the running dispatcher delivers an announcement on its own
    notifyUnit(deps, building.id, 'residents', () => ({ text: '明天上午停水' }), 'test');
    await until(() => wechat.textsIn(group).includes('明天上午停水'), 'the announcement');
    await running.stop();
    running = undefined;
    expect(lines.at(-1)).toContain('stopped');
  });

  it('starts WeChat when LINLI_WECHAT=on, with the puppet WECHATY_PUPPET names', async () => {
    const lines: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'linli-wechat-'));
    running = await startLinli({
      db: join(dir, 'linli.db'),
      port: false,
      env: { LINLI_WECHAT: 'on', WECHATY_PUPPET: 'wechaty-puppet-mock' },
      log: createLogger('info', (line) => lines.push(line)),
    });
    await running.connected;
    await running.stop();
    running = undefined;
    expect(lines.some((l) => l.includes('wechat adapter started') && l.includes('wechaty-puppet-mock'))).toBe(true);
    expect(lines.some((l) => l.includes('no chat platform configured'))).toBe(false);
    // the session sits next to the database, in the data directory
    expect(lines.some((l) => l.includes(join(dir, 'wechat.memory-card.json')))).toBe(true);
  });
});
