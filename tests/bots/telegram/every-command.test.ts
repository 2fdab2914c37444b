import type { User } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../src/chat/commands/index.js';
import { tickets } from '../../../src/db/schema/index.js';
import { type Person, telegramNeighbourhood } from '../../helpers/telegram.js';

/**
 * Every command of every area, said through Telegram by the people of the demo neighbourhood, in the
 * order a week in grid 1 might bring them. Each step names who says what where, and a fragment of the
 * answer; later steps build on earlier ones (T1 is the first ticket, W1 the first wish).
 */
describe('every command through Telegram', () => {
  it('answers each command in its group or private chat', async () => {
    const n = await telegramNeighbourhood();
    const { users, residents, staff, dm } = n;
    const heard = new Set<string>();
    const codes: string[] = [];

    const say = async (who: Person, where: 'R' | 'S' | 'P', text: string, fragment: string | RegExp) => {
      const chat = where === 'R' ? residents : where === 'S' ? staff : dm(who);
      const parsed = n.services.core.parser.parse(text, { botNames: ['linli_test_bot'], isPrivate: where === 'P' });
      if (parsed.kind === 'command') heard.add(parsed.name);
      const replies = await n.say(users[who] as User, chat, text);
      const delivered = await n.deliver();
      for (const m of delivered) codes.push(...(m.text?.match(/\b[A-Z0-9]{12}\b/g) ?? []));
      const answer = replies.join('\n');
      if (typeof fragment === 'string') expect(answer, `${who}: ${text}`).toContain(fragment);
      else expect(answer, `${who}: ${text}`).toMatch(fragment);
      return { answer, delivered };
    };
    // Binding and linking happened in the neighbourhood's setup, through /start and /bind.
    heard.add('bind');

    // Foundation
    await say('jin', 'R', '/help', '荷东第一网格 · 居民群');
    await say('jin', 'R', '/me', '金阿姨');
    await say('jin', 'P', '/lang en', 'in English');
    await say('jin', 'P', '/lang zh', '中文');
    await say('jin', 'P', '/linkcode', '你的关联码');
    await say('jin', 'P', '/linkconfirm 99', '找不到关联请求 99');
    await say('jin', 'P', '/linkrefuse 99', '找不到关联请求 99');
    await say('li', 'P', '/bindcode 3号楼', '「3号楼」居民群的绑定码');

    // Tickets: T1 from report to rating, T2 reopened, T3 anonymous and cancelled
    await say('jin', 'R', '/report 3号楼路灯坏了', '工单号 T1（市政照明）');
    await say('wang', 'R', '/plusone T1', '已附议 T1（共 1 人附议）');
    await say('jin', 'R', '/status T1', '3号楼路灯坏了');
    await say('li', 'S', '/tickets', '待办工单 1 张');
    await say('li', 'S', '/take T1', '你已接单 T1');
    await say('li', 'S', '/note T1 已联系电工', '已记下');
    const resolved = await say('li', 'S', '/resolve T1 已换灯泡', 'T1 已办结');
    expect(resolved.delivered.find((m) => m.chat.id === users.jin.id)?.text).toContain('请打分');
    await say('jin', 'P', '/rate T1 5 修得很快', '谢谢评价！T1 ⭐⭐⭐⭐⭐');
    await say('jin', 'R', '/report 楼道堆满杂物', '工单号 T2（环境卫生）');
    await say('li', 'S', '/category T2 物业', 'T2 已改为「物业」');
    await say('li', 'S', '/take T2', '你已接单 T2');
    await say('li', 'S', '/resolve T2 已清理', 'T2 已办结');
    await say('jin', 'P', '/reopen T2 又堆上了', 'T2 已重开');
    await say('jin', 'P', '/report_anon 楼上半夜装修噪音', '匿名报事');
    await say('jin', 'P', '/status', '你的报事');
    await say('jin', 'P', '/cancel T3 已经好了', 'T3 已撤销');
    await say('jin', 'R', '/report 二楼水管漏水', '工单号 T4');
    await say('zhao', 'P', '/assign T4 网格员小李', '已把 T4 派给 网格员小李');
    await say('li', 'S', '/escalate T4 需要社区协调', '已把 T4 上报到荷东社区');

    // Time-bank: W1 a wish confirmed, W2 posted for 王阿姨 and disputed, W3 a staff task
    await say('wang', 'R', '/wish 帮忙买菜', '微心愿 W1');
    await say('li', 'S', '/for 王阿姨 /wish 换灯泡', '心愿 W2 已发布');
    await say('li', 'S', '/posttask 2人 夜间巡逻', 'W3');
    await say('yang', 'R', '/tasks', 'W1');
    await say('yang', 'R', '/claim W1', '杨幼红 认领了 W1');
    await say('jin', 'R', '/claim W2', '认领了 W2');
    await say('jin', 'R', '/unclaim W2', '已放弃认领 W2');
    await say('yang', 'R', '/done W1 2小时', '已记录 W1 服务 2小时');
    await say('wang', 'P', '/confirm W1', '杨幼红 2小时，+20 积分');
    await say('yang', 'R', '/claim W2', '认领了 W2');
    await say('yang', 'R', '/done W2 1小时', '已记录 W2');
    await say('wang', 'P', '/dispute W2 没来过', 'W2');
    await say('li', 'S', '/rule W2 0', 'W2');
    // Points said in a group: the details go to the private chat, the group hears only that.
    const points = await say('yang', 'R', '/points', '已私聊发给你');
    expect(points.delivered.map((m) => m.text).join('\n')).toContain('杨幼红 的积分：20');
    await say('yang', 'R', '/top', '杨幼红');

    // Points supermarket: redeem, refund, redeem again, verify at the barber's
    await say('yang', 'R', '/shop', 'G1 理发券 · 20 积分');
    const first = await say('yang', 'R', '/redeem G1', '券码已私聊发给你');
    const code = codes.at(-1)!;
    expect(first.delivered.filter((m) => m.text?.includes(code)).map((m) => m.chat.id)).toEqual([users.yang.id]);
    await say('yang', 'R', '/vouchers', '已私聊发给你');
    await say('yang', 'P', '/refund ' + code, '20');
    await say('yang', 'P', '/redeem G1', '券码：');
    const second = (await say('yang', 'P', '/vouchers', '我的券')).answer.match(/\b[A-Z0-9]{12}\b/g)!.find((c) => c !== code)!;
    await say('barber', 'P', '/verify ' + second, '核销成功');

    // Patrols
    await say('li', 'S', '/patrol 3号楼一圈', '已登记 荷东第一网格');
    await say('li', 'S', '/patrols', '本周巡查');

    expect([...heard].sort()).toEqual(commands.map((c) => c.name).sort());
    // Nothing the features said was refused by Telegram or lost a button.
    expect(n.logged.join('\n')).not.toMatch(/button dropped|reply failed|update handling failed/);
  });

  it('answers in English to someone whose Telegram speaks English', async () => {
    const n = await telegramNeighbourhood();
    const mei = n.updates.user(4100, 'Mei', { language_code: 'en-GB' });
    const [help] = await n.say(mei, n.residents, '/help');
    expect(help).toMatch(/^Linli · commands you can use here/);
    const [shop] = await n.say(mei, n.residents, '/shop');
    expect(shop).toContain('Points supermarket');
  });
});

describe('refusals and mistakes through Telegram', () => {
  it.each([
    ['an unknown command', 'jin', 'R', '/frobnicate', '没听懂「frobnicate」'],
    ['a command without what it needs', 'li', 'S', '/take', '用法'],
    ['a ticket that does not exist', 'li', 'S', '/take T99', '找不到工单 T99'],
    ['a resident taking a ticket', 'jin', 'R', '/take T1', '只有负责这片区域'],
    ['a command for private chats only, in a group', 'jin', 'R', '/linkcode', '这个命令请私聊我使用'],
    ['a redeem without the points', 'jin', 'R', '/redeem G1', '积分不够'],
    ['a voucher code that does not exist', 'barber', 'P', '/verify ABCDEFGHJKLM', '券码 ABCDEFGHJKLM 不存在'],
    ['a wrong binding code', 'jin', 'P', '/start ZZZZ9999', '绑定码 ZZZZ9999 不存在'],
  ] as const)('answers %s with the reason', async (_, who, where, text, fragment) => {
    const n = await telegramNeighbourhood();
    await n.say(n.users.jin, n.residents, '/report 3号楼路灯坏了');
    const chat = where === 'R' ? n.residents : where === 'S' ? n.staff : n.dm(who);
    const replies = await n.say(n.users[who], chat, text);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(fragment);
    expect(n.logged.join('\n')).not.toContain('message handling failed');
  });

  it('handles a report delivered twice, or again after a restart, once', async () => {
    const n = await telegramNeighbourhood();
    const update = n.updates.message(n.users.jin, n.residents, '/report 3号楼路灯坏了');
    await n.handle(update);
    await n.handle(update);
    await n.handle({ ...update, update_id: n.updates.nextUpdateId() });
    expect(n.callsOf('sendMessage', n.setupCalls)).toHaveLength(1);
    expect(n.services.db.select().from(tickets).all()).toHaveLength(1);
  });
});
