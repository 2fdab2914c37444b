import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../../src/chat/types.js';
import { DAY } from '../../../src/clock.js';
import { adjust } from '../../../src/domain/ledger/adjust.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { restock, updateReward } from '../../../src/domain/rewards/rewards.js';
import { type DemoChat, demoChat } from '../../helpers/services.js';

const reply = async (demo: DemoChat, user: string, room: string, text: string) => demo.textsIn(await demo.say(user, room, text), room).join('\n');

let grants = 0;
function give(demo: DemoChat, who: keyof DemoChat['ids']['members'], points: number) {
  adjust(
    { ...demo.services.deps, actor: { kind: 'member', memberId: demo.ids.members.admin.id } },
    { memberId: demo.ids.members[who].id, unitId: demo.ids.units.community.id, points, reason: 'test', idempotencyKey: `chat-${++grants}` },
  );
}

/** Buys G1 as 杨幼红 in grid-1 and returns the code that arrived privately. */
async function bought(demo: DemoChat, reward = 'G1'): Promise<string> {
  const out = await demo.say('yang', 'grid-1', `兑换 ${reward}`);
  const code = /券码：([A-Z0-9]{12})/.exec(demo.textsIn(out, 'dm:yang').join())?.[1];
  expect(code).toBeDefined();
  return code!;
}

describe('商城', () => {
  it('lists what is on offer here with cost, stock, merchant and redeem buttons', async () => {
    const demo = demoChat();
    give(demo, 'yang', 25);
    const [shop] = await demo.say('yang', 'grid-1', '积分超市');
    // in a group the card shows no one's balance; in private it shows yours
    expect(shop!.text).not.toContain('25');
    expect(shop!.text).toContain('发送「积分」查看自己的积分');
    const [own] = await demo.say('yang', 'dm:yang', '积分超市');
    expect(own!.text).toContain('你的积分：25');
    expect(shop!.text).toContain('G1 理发券 · 20 积分 · 剩 10 张 · 海林理发店');
    expect(shop!.text).toContain('G2 按摩券 · 30 积分 · 剩 10 张 · 渔港按摩坊');
    expect(shop!.buttons).toEqual([[{ label: '兑换 理发券（20分）', command: '/redeem G1' }], [{ label: '兑换 按摩券（30分）', command: '/redeem G2' }]]);
    restock({ ...demo.system, actor: { kind: 'member', memberId: demo.ids.members.zhao.id } }, { rewardId: 2, quantity: -10 });
    const [after] = await demo.say('yang', 'grid-1', '/shop');
    expect(after!.text).toContain('G2 按摩券 · 30 积分 · 已兑完');
    expect(after!.buttons).toHaveLength(1);
  });

  it('says when nothing is on offer', async () => {
    const demo = demoChat();
    expect(await reply(demo, 'admin', 'street', '商城')).toContain('暂时没有可兑换的券');
  });
});

describe('兑换', () => {
  it('sends the code only to the private chat and updates the shop card on a button press', async () => {
    const demo = demoChat();
    give(demo, 'yang', 50);
    const message: IncomingMessage = {
      platform: 'shell',
      roomId: 'grid-1',
      roomName: 'grid-1',
      isPrivate: false,
      senderId: 'yang',
      senderName: '杨幼红',
      messageId: 'press-1',
      text: '/redeem G1',
      botNames: ['邻里'],
    };
    const result = await demo.services.core.handle(message);
    expect(result.replies[0]!.text).toContain('券码已私聊发给你');
    expect(result.replies[0]!.text).toContain('剩余积分：30');
    expect(result.card?.text).toContain('剩 9 张');
    await demo.chat.deliver();
    const code = /券码：([A-Z0-9]{12})/.exec(
      demo.sent
        .filter((o) => o.room === 'dm:yang')
        .map((o) => o.text)
        .join(),
    )?.[1];
    expect(code).toHaveLength(12);
    expect(result.replies[0]!.text).not.toContain(code);
    expect(
      demo.sent
        .filter((o) => o.room === 'grid-1')
        .map((o) => o.text)
        .join(),
    ).not.toContain(code);
  });

  it('shows the code in the reply when redeemed in the private chat', async () => {
    const demo = demoChat();
    give(demo, 'yang', 20);
    const out = await demo.say('yang', 'dm:yang', '兑换 G1');
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toMatch(/券码：[A-Z0-9]{12}\n有效期至 5月31日 09:00/);
  });

  it("tells a member without a private chat how to open one, in the adapter's words when it has them", async () => {
    const demo = demoChat();
    const base: IncomingMessage = {
      platform: 'shell',
      roomId: 'grid-1',
      roomName: 'grid-1',
      isPrivate: false,
      senderId: 'newbie',
      senderName: '新邻居',
      messageId: 'n-1',
      text: '我的',
      botNames: ['邻里'],
    };
    await demo.services.core.handle(base);
    const member = demo.services.db.query.identities.findFirst({ where: (i, { eq }) => eq(i.platformUserId, 'newbie') }).sync()!;
    adjust(
      { ...demo.system, actor: { kind: 'member', memberId: demo.ids.members.li.id } },
      { memberId: member.memberId, unitId: demo.ids.units.grid1.id, points: 40, reason: 'x', idempotencyKey: 'newbie' },
    );
    const hinted = await demo.services.core.handle({ ...base, messageId: 'n-2', text: '兑换 G1', privateChatHint: 'https://t.me/linli_bot?start=hi' });
    expect(hinted.replies[0]!.text).toContain('https://t.me/linli_bot?start=hi');
    expect(hinted.replies[0]!.text).toContain('我的券');
    const generic = await demo.services.core.handle({ ...base, messageId: 'n-3', text: '兑换 G1' });
    expect(generic.replies[0]!.text).toContain('发起私聊');
    expect(generic.replies[0]!.text).not.toMatch(/[A-Z0-9]{12}/);
    const vouchers = await demo.services.core.handle({ ...base, messageId: 'n-4', text: '我的券' });
    expect(vouchers.replies[0]!.text).toContain('券码只能私聊查看');
  });

  it.each([
    ['not enough points, saying how many are missing', 12, '兑换 G1', '还差 8 分'],
    ['an unknown reward', 50, '兑换 G9', '找不到 G9'],
    ['a malformed ref, said to the bot', 50, '/redeem W1', '用法'],
  ])('refuses %s', async (_, points, text, expected) => {
    const demo = demoChat();
    give(demo, 'yang', points);
    expect(await reply(demo, 'yang', 'grid-1', text)).toContain(expected);
  });

  it('refuses when out of stock', async () => {
    const demo = demoChat();
    give(demo, 'yang', 100);
    restock({ ...demo.system, actor: { kind: 'member', memberId: demo.ids.members.zhao.id } }, { rewardId: 1, quantity: -10 });
    expect(await reply(demo, 'yang', 'grid-1', '兑换 G1')).toContain('理发券（G1）已经兑完了');
  });

  it('refuses past the monthly limit', async () => {
    const demo = demoChat();
    give(demo, 'yang', 100);
    await bought(demo);
    await bought(demo);
    expect(await reply(demo, 'yang', 'grid-1', '兑换 G1')).toContain('本月你已兑换 2 张理发券，每人每月限 2 张');
    updateReward({ ...demo.system, actor: { kind: 'member', memberId: demo.ids.members.zhao.id } }, 1, { perMemberMonthlyLimit: null });
    expect(await reply(demo, 'yang', 'grid-1', '兑换 G1')).toContain('兑换成功');
  });
});

describe('我的券, 退券', () => {
  it('shows a voucher past its date as expired before the daily job returns its points, as 核销 refuses it', async () => {
    const demo = demoChat();
    give(demo, 'yang', 20);
    const code = await bought(demo);
    expect(await reply(demo, 'yang', 'dm:yang', '我的券')).toContain(`${code} · 未使用`);
    demo.clock.advance(90 * DAY); // the daily expiry job has not run
    expect(await reply(demo, 'yang', 'dm:yang', '我的券')).toContain(`${code} · 已过期（积分将自动退回）`);
    expect(await reply(demo, 'barber', 'dm:barber', `核销 ${code}`)).toContain('过期，不能使用');
    await demo.say('yang', 'dm:yang', '/lang en');
    expect(await reply(demo, 'yang', 'dm:yang', '/vouchers')).toContain(`${code} · expired (points on their way back)`);
  });

  it('lists vouchers privately, never in the group', async () => {
    const demo = demoChat();
    expect(await reply(demo, 'yang', 'grid-1', '我的券')).toContain('你还没有券');
    give(demo, 'yang', 20);
    const code = await bought(demo);
    const out = await demo.say('yang', 'grid-1', '我的券');
    expect(demo.textsIn(out, 'grid-1').join()).toContain('已私聊发给你');
    expect(demo.textsIn(out, 'grid-1').join()).not.toContain(code);
    expect(demo.textsIn(out, 'dm:yang').join()).toContain(`理发券 ${code} · 未使用`);
  });

  it('cancels an unused voucher for the holder only: points and stock return', async () => {
    const demo = demoChat();
    give(demo, 'yang', 20);
    const code = await bought(demo);
    // someone else's code reads as a code that does not exist: it cannot be probed
    const notYours = await reply(demo, 'jin', 'dm:jin', `退券 ${code}`);
    expect(notYours).toContain('只有券的持有人');
    expect(await reply(demo, 'jin', 'dm:jin', '退券 ZZZZZZZZZZZZ')).toBe(notYours.replace(code, 'ZZZZZZZZZZZZ'));
    expect(await reply(demo, 'yang', 'dm:yang', `退券 ${code}`)).toContain('20 积分已退回。当前积分：20');
    expect(await reply(demo, 'yang', 'dm:yang', `退券 ${code}`)).toContain('已经退过了');
    expect(await reply(demo, 'yang', 'dm:yang', `/refund ZZZZZZZZZZZZ`)).toContain('你没有券码为 ZZZZZZZZZZZZ 的券');
    expect(await reply(demo, 'yang', 'dm:yang', `/vouchers`)).toContain('已退券');
    expect(await reply(demo, 'barber', 'dm:barber', `核销 ${code}`)).toContain('已于 3月2日 09:00 退券');
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('refuses to cancel a used voucher', async () => {
    const demo = demoChat();
    give(demo, 'yang', 20);
    const code = await bought(demo);
    await demo.say('barber', 'dm:barber', `核销 ${code}`);
    expect(await reply(demo, 'yang', 'dm:yang', `退券 ${code}`)).toContain('已于 3月2日 09:00 使用，不能退券');
  });
});

describe('核销', () => {
  it.each([
    ["another merchant's code", 'spa', '请到 海林理发店 使用'],
    ['a code for someone who is not a merchant', 'li', '只有商户可以核销'],
  ])('refuses %s', async (_, user, expected) => {
    const demo = demoChat();
    give(demo, 'yang', 20);
    const code = await bought(demo);
    expect(await reply(demo, user, `dm:${user}`, `核销 ${code}`)).toContain(expected);
  });

  it.each(['li', 'yang'])('tells %s, who is no merchant, the same whether or not the code exists', async (user) => {
    const demo = demoChat();
    give(demo, 'yang', 20);
    const code = await bought(demo);
    const real = await reply(demo, user, `dm:${user}`, `核销 ${code}`);
    expect(real).not.toContain('海林理发店');
    expect(await reply(demo, user, `dm:${user}`, '核销 ZZZZZZZZZZZZ')).toBe(real);
  });

  it('refuses an unknown code and an expired one, and tells the holder of a use', async () => {
    const demo = demoChat();
    give(demo, 'yang', 40);
    expect(await reply(demo, 'barber', 'dm:barber', '核销 ABCDEFGHJKMN')).toContain('券码 ABCDEFGHJKMN 不存在');
    const code = await bought(demo);
    const out = await demo.say('barber', 'dm:barber', `/verify ${code}`);
    expect(demo.textsIn(out, 'dm:barber').join()).toContain('核销成功：理发券（持券人 杨幼红），20 积分记入商户结算账户');
    expect(demo.textsIn(out, 'dm:yang').join()).toContain('在 海林理发店 核销');
    expect(await reply(demo, 'barber', 'dm:barber', '积分')).toContain('商户结算账户：20 积分');
    const later = await bought(demo);
    const expired = await demo.advance(91 * DAY);
    expect(demo.textsIn(expired, 'dm:yang').join()).toContain('已过期，20 积分已退回');
    expect(await reply(demo, 'barber', 'dm:barber', `核销 ${later}`)).toContain('过期，不能使用');
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('is offered in help to merchants only', async () => {
    const demo = demoChat();
    expect(await reply(demo, 'barber', 'dm:barber', '帮助')).toContain('核销');
    expect(await reply(demo, 'yang', 'dm:yang', '帮助')).not.toContain('核销');
  });
});
