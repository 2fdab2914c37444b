import type { InlineKeyboardMarkup, Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { CALLBACK_DATA_BYTES } from '../../../bots/telegram/send.js';
import { renderNotice } from '../../../src/chat/render/index.js';
import { vouchers } from '../../../src/db/schema/index.js';
import { adjust } from '../../../src/domain/ledger/adjust.js';
import { balanceOf, memberAccount } from '../../../src/domain/ledger/accounts.js';
import { findIdentity } from '../../../src/domain/org/identities.js';
import { resolveButton, takeButton } from '../../../src/domain/tickets/notices.js';
import { getTicket } from '../../../src/domain/tickets/store.js';
import { telegramNeighbourhood } from '../../helpers/telegram.js';

type World = Awaited<ReturnType<typeof telegramNeighbourhood>>;

/** The last message the bot sent to `chatId` that has a button starting with `label`. */
function withButton(n: World, chatId: number, label: string): Message {
  const found = n
    .messagesIn(chatId)
    .filter((m) => m.reply_markup?.inline_keyboard.flat().some((b) => b.text.startsWith(label)))
    .at(-1);
  if (!found) throw new Error(`no message in ${chatId} with a "${label}" button`);
  return found;
}

/** Gives a member points from the community's pool. */
const withPoints = (n: World, memberId: number, points: number) =>
  adjust(
    { ...n.services.deps, actor: { kind: 'system', job: 'test' } },
    { memberId, unitId: n.ids.units.community.id, points, reason: 'test grant', idempotencyKey: `grant-${memberId}` },
  );

const labels = (m: Message) => m.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

/** 金阿姨 reports in the residents' group; the outbox announces it in the staff group. */
async function reported(n: World, text = '/report 3号楼路灯坏了') {
  await n.say(n.users.jin, n.residents, text);
  await n.deliver();
  return withButton(n, n.staff.id, '接单');
}

describe('Telegram buttons on tickets', () => {
  it('takes a ticket from the staff group’s 接单, refusing a resident, then resolves it from 办结', async () => {
    const n = await telegramNeighbourhood();
    const card = await reported(n);
    expect(card.text).toContain('工单 T1');
    expect(labels(card)).toEqual(['接单']);

    const refused = await n.press(n.users.wang, card, '接单');
    expect(refused.answer).toContain('只有负责这片区域的网格员或工作人员才能接单 T1');
    expect(refused.edited).toBe(false);
    expect(refused.message.text).toBe(card.text);
    expect(getTicket(n.services.db, 1).status).toBe('open');

    const taken = await n.press(n.users.li, card, '接单');
    expect(taken.answer).toContain('你已接单 T1');
    expect(taken.posted).toEqual([]); // in a group the notice answers the press
    expect(taken.message.text).toContain('网格员小李');
    expect(labels(taken.message)).toEqual(['办结']);
    expect(getTicket(n.services.db, 1).status).toBe('taken');

    const again = await n.press(n.users.zhao, taken.message, '办结');
    expect(again.answer).toContain('T1 已办结');
    expect(labels(again.message)).toEqual([]);
    expect(getTicket(n.services.db, 1).status).toBe('resolved');
  });

  it('closes a ticket with the ⭐5 of the rating request in the reporter’s private chat', async () => {
    const n = await telegramNeighbourhood();
    await reported(n);
    await n.say(n.users.li, n.staff, '/take T1');
    await n.say(n.users.li, n.staff, '/resolve T1 已换灯泡');
    await n.deliver();
    const request = withButton(n, n.users.jin.id, '5⭐');
    expect(labels(request)).toEqual(['1⭐', '2⭐', '3⭐', '4⭐', '5⭐', '没解决']);

    const rated = await n.press(n.users.jin, request, '5⭐');
    expect(rated.answer).toContain('谢谢评价！T1 ⭐⭐⭐⭐⭐');
    expect(rated.posted).toEqual([rated.answer]); // in a private chat the answer stays as a message
    expect(rated.message.text).toBe('🙏 T1 已评价 ⭐⭐⭐⭐⭐，谢谢！');
    expect(labels(rated.message)).toEqual([]);
    expect(getTicket(n.services.db, 1)).toMatchObject({ status: 'closed', rating: 5 });
  });

  it('refuses someone else’s star in the group where a reporter without a private chat is asked, then takes theirs', async () => {
    const n = await telegramNeighbourhood();
    const zhou = n.updates.user(4200, '小周');
    await n.say(zhou, n.residents, '/report 楼道堆满杂物');
    await n.say(n.users.li, n.staff, '/take T1');
    await n.say(n.users.li, n.staff, '/resolve T1');
    await n.deliver();
    const request = withButton(n, n.residents.id, '1⭐');
    expect(request.text).toContain('小周');

    const refused = await n.press(n.users.jin, request, '1⭐');
    expect(refused.answer).toContain('只有报事人可以评价 T1');
    expect(refused.edited).toBe(false);
    expect(getTicket(n.services.db, 1).status).toBe('resolved');

    const reopened = await n.press(zhou, request, '没解决');
    expect(reopened.answer).toContain('T1 已重开');
    expect(labels(reopened.message)).toEqual([]);
    expect(getTicket(n.services.db, 1).status).toBe('open');
  });

  it('backs a report with its 附议 button and leaves it for the next neighbour', async () => {
    const n = await telegramNeighbourhood();
    await n.say(n.users.jin, n.residents, '/report 3号楼路灯坏了');
    const reply = withButton(n, n.residents.id, '附议');
    const backed = await n.press(n.users.wang, reply, '附议');
    expect(backed.answer).toContain('已附议 T1（共 1 人附议）');
    expect(backed.edited).toBe(false);
    expect(labels(backed.message)).toEqual(['附议 +1']);
  });
});

describe('Telegram buttons in the time-bank', () => {
  it('claims a wish with 认领, refusing the one who posted it, and confirms the hours with 确认', async () => {
    const n = await telegramNeighbourhood();
    await n.say(n.users.wang, n.residents, '/wish 帮忙买菜');
    const wish = withButton(n, n.residents.id, '认领');
    expect(wish.text).toContain('王阿姨：帮忙买菜');

    const own = await n.press(n.users.wang, wish, '认领');
    expect(own.answer).toContain('不能认领自己的心愿 W1');
    expect(own.edited).toBe(false);

    const claimed = await n.press(n.users.yang, wish, '认领');
    expect(claimed.answer).toContain('杨幼红 认领了 W1');
    expect(claimed.message.text).toContain('已认领：杨幼红');
    expect(labels(claimed.message)).toEqual([]); // its one slot is taken

    await n.say(n.users.yang, n.residents, '/done W1 2小时');
    await n.deliver();
    const report = withButton(n, n.users.wang.id, '确认');
    const confirmed = await n.press(n.users.wang, report, '确认');
    expect(confirmed.answer).toContain('杨幼红 2小时，+20 积分');
    expect(confirmed.message.text).toContain('已确认 W1');
    expect(labels(confirmed.message)).toEqual([]);
    expect(balanceOf(n.services.db, memberAccount(n.ids.members.yang.id))).toBe(20);
  });
});

describe('Telegram buttons on a list', () => {
  it('claims one wish from 任务 and leaves the list for the next neighbour', async () => {
    const n = await telegramNeighbourhood();
    await n.say(n.users.wang, n.residents, '/wish 帮忙买菜');
    await n.say(n.users.jin, n.residents, '/wish 帮忙换灯泡');
    await n.say(n.users.yang, n.residents, '/tasks');
    const list = withButton(n, n.residents.id, '认领');
    expect(labels(list).length).toBeGreaterThan(1);
    const claimed = await n.press(n.users.yang, list, labels(list)[0]!);
    expect(claimed.answer).toMatch(/杨幼红 认领了 W\d/);
    expect(claimed.edited).toBe(false);
    expect(claimed.message.text).toBe(list.text);
    expect(labels(claimed.message)).toEqual(labels(list));
  });
});

describe('Telegram buttons in the points supermarket', () => {
  it('redeems from the shop’s 兑换, the code only in the private chat, and refuses someone short of points', async () => {
    const n = await telegramNeighbourhood();
    withPoints(n, n.ids.members.yang.id, 20);
    await n.say(n.users.yang, n.residents, '/shop');
    const shop = withButton(n, n.residents.id, '兑换');
    expect(labels(shop)).toEqual(['兑换 理发券（20分）', '兑换 按摩券（30分）']);

    const short = await n.press(n.users.jin, shop, '兑换 理发券');
    expect(short.answer).toContain('积分不够');
    expect(short.edited).toBe(false);

    const redeemed = await n.press(n.users.yang, shop, '兑换 理发券');
    expect(redeemed.answer).toContain('券码已私聊发给你');
    expect(redeemed.message.text).toContain('G1 理发券 · 20 积分 · 剩 9 张');
    const [voucher] = n.services.db.select().from(vouchers).all();
    const delivered = await n.deliver();
    expect(delivered.map((m) => [m.chat.id, m.text?.includes(voucher!.code)])).toEqual([[n.users.yang.id, true]]);
    expect(n.calls.filter((c) => JSON.stringify(c.payload).includes(voucher!.code)).map((c) => c.payload.chat_id)).toEqual([String(n.users.yang.id)]);
  });

  it('gives the deep link to someone who never opened a private chat, which greets them with help, then the code', async () => {
    const n = await telegramNeighbourhood();
    const zhou = n.updates.user(4200, '小周');
    await n.say(zhou, n.residents, '/me'); // a new neighbour becomes a resident of the group's grid
    withPoints(n, findIdentity(n.services.db, 'telegram', '4200')!.memberId, 20);
    await n.say(zhou, n.residents, '/shop');
    const shop = withButton(n, n.residents.id, '兑换');

    const redeemed = await n.press(zhou, shop, '兑换 理发券');
    const link = 'https://t.me/linli_test_bot?start=hi';
    expect(redeemed.answer).toContain(link);
    // The notice's link cannot be followed, so the reply is posted in the group too.
    expect(redeemed.posted).toEqual([expect.stringContaining(link)]);
    expect(await n.deliver()).toEqual([]);

    const [help] = await n.say(zhou, n.updates.privateChat(zhou), '/start hi');
    expect(help).toContain('可用命令（私聊）');
    const [mine] = await n.say(zhou, n.updates.privateChat(zhou), '我的券');
    const [voucher] = n.services.db.select().from(vouchers).all();
    expect(mine).toContain(voucher!.code);
  });

  it('handles a redelivered 兑换 press once', async () => {
    const n = await telegramNeighbourhood();
    withPoints(n, n.ids.members.yang.id, 40);
    await n.say(n.users.yang, n.residents, '/shop');
    const shop = withButton(n, n.residents.id, '兑换');
    const data = (shop.reply_markup!.inline_keyboard[0]![0] as { callback_data: string }).callback_data;
    const press = n.updates.press(n.users.yang, shop, data);
    await n.handle(press);
    await n.handle(press); // the same update again
    await n.handle({ ...press, update_id: n.updates.nextUpdateId() }); // and again after a restart
    expect(n.services.db.select().from(vouchers).all()).toHaveLength(1);
    expect(n.callsOf('answerCallbackQuery', n.setupCalls)).toHaveLength(2); // the id seen before is not even answered twice
  });
});

describe('button commands the features emit', () => {
  const keyboardsOf = (n: World): InlineKeyboardMarkup[] =>
    n.calls.flatMap((c) => (c.payload.reply_markup?.inline_keyboard?.length ? [c.payload.reply_markup as InlineKeyboardMarkup] : []));

  it('fit in callback_data unchanged and parse back to their command', async () => {
    const n = await telegramNeighbourhood();
    withPoints(n, n.ids.members.yang.id, 50);
    // Every feature's buttons: 附议, 接单, 办结, ⭐1–5 and 没解决, 认领 (card and list), 确认, 兑换.
    await n.press(n.users.li, await reported(n), '接单');
    await n.say(n.users.li, n.staff, '/resolve T1');
    await n.say(n.users.wang, n.residents, '/wish 帮忙买菜');
    await n.say(n.users.jin, n.residents, '/tasks');
    await n.say(n.users.yang, n.residents, '/claim W1');
    await n.say(n.users.yang, n.residents, '/done W1 1小时');
    await n.say(n.users.yang, n.residents, '/shop');
    await n.deliver();

    const expected = ['plusone', 'take', 'resolve', 'rate', 'reopen', 'claim', 'confirm', 'redeem'];
    const seen = new Set<string>();
    for (const keyboard of keyboardsOf(n)) {
      for (const button of keyboard.inline_keyboard.flat()) {
        const data = (button as { callback_data: string }).callback_data;
        expect(Buffer.byteLength(data), data).toBeLessThanOrEqual(CALLBACK_DATA_BYTES);
        const parsed = n.services.core.parser.parse(data, { botNames: ['linli_test_bot'], mentioned: true });
        expect(parsed, data).toMatchObject({ kind: 'command', name: data.slice(1).split(' ')[0] });
        seen.add(data.slice(1).split(' ')[0]!);
      }
    }
    expect([...seen].sort()).toEqual(expected.sort());
    expect(n.logged.join('\n')).not.toContain('button dropped');
  });

  it('fit for the largest ticket numbers too', () => {
    const ref = 'T4294967295';
    const buttons = [
      ...renderNotice({ kind: 'say', lines: [{ key: 'ticket.button.take' }], buttons: [[takeButton(ref), resolveButton(ref)]] }, 'zh').buttons!.flat(),
      ...renderNotice({ kind: 'ratingRequest', ref, name: 'x', text: 'x', note: '' }, 'zh').buttons!.flat(),
    ];
    for (const b of buttons) expect(Buffer.byteLength(b.command)).toBeLessThanOrEqual(CALLBACK_DATA_BYTES);
  });
});
