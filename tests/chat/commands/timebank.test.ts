import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../../src/chat/types.js';
import { DAY } from '../../../src/clock.js';
import { outbox } from '../../../src/db/schema/index.js';
import { balanceOf, memberAccount } from '../../../src/domain/ledger/accounts.js';
import { getTask } from '../../../src/domain/timebank/tasks.js';
import { type DemoChat, demoChat } from '../../helpers/services.js';

/** 王阿姨's wish W1, claimed by 杨幼红 who reports `hours`. */
async function reported(demo: DemoChat, hours = '2小时') {
  await demo.say('wang', 'grid-1', '心愿 帮忙买菜');
  await demo.say('yang', 'grid-1', '认领 W1');
  await demo.say('yang', 'grid-1', `完成 W1 ${hours}`);
}

const reply = async (demo: DemoChat, user: string, room: string, text: string) => demo.textsIn(await demo.say(user, room, text), room).join('\n');

const pointsOf = (demo: DemoChat, who: 'yang' | 'wang') => balanceOf(demo.services.db, memberAccount(demo.ids.members[who].id));

/** Texts the bot put in a group addressed (@mentioned) to a shell user. */
const addressedTo = (demo: DemoChat, room: string, user: string) =>
  demo.services.db
    .select()
    .from(outbox)
    .all()
    .filter((row) => row.roomId === room && row.mentionUserId === user)
    .map((row) => row.text);

describe('心愿 and 代: posting wishes', () => {
  it('shows a wish said in a residents group as its card, with a claim button', async () => {
    const demo = demoChat();
    const [card] = await demo.say('wang', 'grid-1', '#心愿：想请人帮忙换个灯泡');
    expect(card!.text).toMatch(/微心愿 W1 · 荷东第一网格\n王阿姨：想请人帮忙换个灯泡/);
    expect(card!.buttons).toEqual([[{ label: '认领', command: '/claim W1' }]]);
  });

  it('announces a wish said in a private chat to the residents group', async () => {
    const demo = demoChat();
    const out = await demo.say('wang', 'dm:wang', '心愿 陪我去医院');
    expect(demo.textsIn(out, 'dm:wang').join()).toContain('W1 已发布到「荷东第一网格」');
    expect(demo.textsIn(out, 'grid-1').join()).toContain('陪我去医院');
  });

  it.each([['代 王阿姨 心愿 换灯泡'], ['代 @王阿姨 心愿：换灯泡'], ['心愿 @王阿姨 换灯泡'], ['/for 王阿姨 /wish 换灯泡']])(
    'lets staff post for a resident: %s',
    async (text) => {
      const demo = demoChat();
      const out = await demo.say('li', 'grid-1-staff', text);
      expect(demo.textsIn(out, 'grid-1-staff').join()).toContain('心愿 W1 已发布');
      expect(demo.textsIn(out, 'grid-1').join()).toContain('王阿姨：换灯泡');
      expect(demo.textsIn(out, 'dm:wang').join()).toContain('替你发布了心愿 W1');
      expect(getTask(demo.services.db, 1).requesterId).toBe(demo.ids.members.wang.id);
    },
  );

  it.each([
    ['a resident acting for someone', 'jin', 'grid-1', '代 王阿姨 心愿 换灯泡', '只有工作人员'],
    ['a name nobody here has', 'li', 'grid-1-staff', '代 张三 心愿 换灯泡', '找不到「张三」'],
    ['a name from another grid', 'chen', 'grid-2-staff', '心愿 @王阿姨 换灯泡', '找不到「王阿姨」'],
    ['代 without 心愿', 'li', 'grid-1-staff', '/for 王阿姨 修水管', '用法'],
    ['an empty wish', 'wang', 'grid-1', '/wish', '用法'],
  ])('refuses %s', async (_, user, room, text, expected) => {
    const demo = demoChat();
    expect(await reply(demo, user, room, text)).toContain(expected);
    expect(demo.services.db.query.tasks.findMany().sync()).toEqual([]);
  });

  it('takes 心愿 run into other words as talk, unless said to the bot', async () => {
    const demo = demoChat();
    expect(await demo.say('wang', 'grid-1', '心愿达成了，谢谢大家')).toEqual([]);
    expect(await demo.say('li', 'grid-1-staff', '代码写好了')).toEqual([]);
    expect(await reply(demo, 'wang', 'grid-1', '@邻里 心愿帮忙买菜')).toContain('王阿姨：帮忙买菜');
    expect(await reply(demo, 'wang', 'grid-1', '心愿：修剪楼下的树')).toContain('王阿姨：修剪楼下的树');
  });

  it('lets staff post a task with slots, announced to residents', async () => {
    const demo = demoChat();
    const out = await demo.say('li', 'grid-1-staff', '发布任务 3人 周五夜间巡逻');
    expect(demo.textsIn(out, 'grid-1').join()).toMatch(/志愿任务 W1[\s\S]*还差 3 人/);
    expect(getTask(demo.services.db, 1)).toMatchObject({ kind: 'task', slots: 3, title: '周五夜间巡逻' });
    await demo.say('li', 'grid-1-staff', '发布任务 两人 义诊');
    await demo.say('li', 'grid-1-staff', '/posttask 2 clean the garden');
    await demo.say('li', 'grid-1-staff', '发布任务 整理2号楼楼道');
    expect([2, 3, 4].map((id) => [getTask(demo.services.db, id).slots, getTask(demo.services.db, id).title])).toEqual([
      [2, '义诊'],
      [2, 'clean the garden'],
      [1, '整理2号楼楼道'],
    ]);
    expect(await reply(demo, 'yang', 'grid-1', '发布任务 3人 巡逻')).toContain('只有本网格的工作人员');
  });
});

describe('任务, 认领, 放弃认领', () => {
  it('lists open tasks with slots left and claim buttons, or says there are none', async () => {
    const demo = demoChat();
    expect(await reply(demo, 'jin', 'grid-1', '任务')).toContain('现在没有待认领');
    await demo.say('wang', 'grid-1', '心愿 买菜');
    await demo.say('zhao', 'community', '发布任务 2人 社区义诊');
    const [list] = await demo.say('jin', 'grid-1', '任务');
    expect(list!.text).toContain('W1 [心愿] 买菜（荷东第一网格，还差 1 人）');
    expect(list!.text).toContain('W2 [任务] 社区义诊（荷东社区，还差 2 人）');
    expect(list!.buttons).toEqual([[{ label: '认领 W1', command: '/claim W1' }], [{ label: '认领 W2', command: '/claim W2' }]]);
    expect(await reply(demo, 'chen', 'grid-2', '任务')).toContain('W2'); // the community's task is seen from grid 2
    expect(await reply(demo, 'chen', 'grid-2', '任务')).not.toContain('W1');
  });

  it('claims by button with the updated card, so the pressed message can show it', async () => {
    const demo = demoChat();
    await demo.say('li', 'grid-1-staff', '发布任务 2人 巡逻');
    const message: IncomingMessage = {
      platform: 'shell',
      roomId: 'grid-1',
      roomName: 'grid-1',
      isPrivate: false,
      senderId: 'yang',
      senderName: '杨幼红',
      messageId: 'press-1',
      text: '/claim W1',
      botNames: ['邻里'],
    };
    const result = await demo.services.core.handle(message);
    expect(result.replies[0]!.text).toContain('杨幼红 认领了 W1');
    expect(result.card?.text).toContain('还差 1 人');
    expect(result.card?.text).toContain('已认领：杨幼红');
    expect(result.card?.buttons).toEqual([[{ label: '认领', command: '/claim W1' }]]);
    const full = await demo.services.core.handle({ ...message, senderId: 'jin', senderName: '金阿姨', messageId: 'press-2' });
    expect(full.card?.text).toContain('名额已满');
    expect(full.card?.buttons).toBeUndefined();
  });

  it.each([
    ['an unknown task', 'yang', '认领 W99', '找不到 W99'],
    ['their own wish', 'wang', '认领 W1', '不能认领自己的心愿 W1'],
    ['a wish already claimed by them', 'yang', '认领 W1', '你已经认领了 W1'],
    ['a full wish', 'jin', '认领 W1', '名额已经满了'],
    ['a malformed ref, said to the bot', 'yang', '/claim G1', '用法'],
  ])('refuses to claim %s', async (_, user, text, expected) => {
    const demo = demoChat();
    await demo.say('wang', 'grid-1', '心愿 买菜');
    await demo.say('yang', 'grid-1', '认领 W1');
    expect(await reply(demo, user, 'grid-1', text)).toContain(expected);
  });

  it('stays quiet on a malformed claim said in passing', async () => {
    const demo = demoChat();
    expect(await demo.say('yang', 'grid-1', '认领一下吧')).toEqual([]);
  });

  it('gives a claim back', async () => {
    const demo = demoChat();
    await demo.say('wang', 'grid-1', '心愿 买菜');
    await demo.say('yang', 'grid-1', '认领 W1');
    expect(await reply(demo, 'yang', 'grid-1', '放弃认领 W1')).toContain('已放弃认领 W1');
    expect(await reply(demo, 'yang', 'grid-1', '/unclaim W1')).toContain('你还没有认领 W1');
  });
});

describe('完成, 确认, 不确认, 裁定', () => {
  it('reports hours in any common form and says what happens next', async () => {
    const demo = demoChat();
    await demo.say('wang', 'grid-1', '心愿 买菜');
    await demo.say('yang', 'grid-1', '认领 W1');
    expect(await reply(demo, 'yang', 'grid-1', '完成 W1 90分钟')).toContain('已记录 W1 服务 1小时30分钟，等待 王阿姨 确认，确认后可得 15 积分');
    expect(await reply(demo, 'yang', 'grid-1', '/done W1 2h')).toContain('已更正');
  });

  it.each([
    ['no time', '/done W1', '用法'],
    ['a time it cannot read', '完成 W1 一会儿', '看不懂时长「一会儿」'],
    ['more than a day', '完成 W1 25小时', '24 小时'],
    ['an unclaimed task', '完成 W2 1小时', '你还没有认领 W2'],
    ['an unknown task', '完成 W9 1小时', '找不到 W9'],
  ])('refuses a report with %s', async (_, text, expected) => {
    const demo = demoChat();
    await demo.say('wang', 'grid-1', '心愿 买菜');
    await demo.say('jin', 'grid-1', '心愿 聊天');
    await demo.say('yang', 'grid-1', '认领 W1');
    expect(await reply(demo, 'yang', 'grid-1', text)).toContain(expected);
  });

  it('refuses self-confirmation and confirmation by a stranger, and pays once', async () => {
    const demo = demoChat();
    await reported(demo);
    expect(await reply(demo, 'yang', 'grid-1', '确认 W1')).toContain('不能确认自己的服务时长');
    expect(await reply(demo, 'jin', 'grid-1', '确认 W1')).toContain('只有被服务的居民或负责的工作人员');
    expect(await reply(demo, 'chen', 'grid-2-staff', '确认 W1')).toContain('只有被服务的居民或负责的工作人员');
    expect(await reply(demo, 'wang', 'grid-1', '确认 W1')).toContain('杨幼红 2小时，+20 积分');
    expect(await reply(demo, 'wang', 'grid-1', '确认 W1')).toContain('已经确认过了');
    expect(balanceOf(demo.services.db, memberAccount(demo.ids.members.yang.id))).toBe(20);
  });

  it('confirms from the button in the private notice', async () => {
    const demo = demoChat();
    await demo.say('wang', 'grid-1', '心愿 买菜');
    await demo.say('yang', 'grid-1', '认领 W1');
    const out = await demo.say('yang', 'grid-1', '完成 W1 1h');
    const notice = out.find((o) => o.room === 'dm:wang');
    expect(notice?.buttons).toEqual([[{ label: '确认', command: '/confirm W1 60m' }]]);
    expect(await reply(demo, 'wang', 'dm:wang', notice!.buttons![0]![0]!.command)).toContain('+10 积分');
  });

  it('confirms with a card without the button, so the pressed notice shows it is done', async () => {
    const demo = demoChat();
    await reported(demo, '1h');
    const press: IncomingMessage = {
      platform: 'shell',
      roomId: 'dm:wang',
      roomName: 'dm:wang',
      isPrivate: true,
      senderId: 'wang',
      senderName: '王阿姨',
      messageId: 'press-1',
      text: '/confirm W1',
      botNames: ['邻里'],
    };
    const result = await demo.services.core.handle(press);
    expect(result.replies[0]!.text).toContain('杨幼红 1小时，+10 积分');
    expect(result.card).toEqual({ text: result.replies[0]!.text });
    const again = await demo.services.core.handle({ ...press, messageId: 'press-2' });
    expect(again.replies[0]!.text).toContain('已经确认过了');
    expect(again.card).toBeUndefined();
  });

  it('needs staff above 8 hours', async () => {
    const demo = demoChat();
    await reported(demo, '9小时');
    expect(await reply(demo, 'wang', 'grid-1', '确认 W1')).toContain('超过 8 小时，需要工作人员确认');
    expect(await reply(demo, 'li', 'grid-1-staff', '确认 W1')).toContain('+90 积分');
  });

  it('names the volunteer on a task with several', async () => {
    const demo = demoChat();
    await demo.say('li', 'grid-1-staff', '发布任务 2人 巡逻');
    for (const user of ['yang', 'jin']) {
      await demo.say(user, 'grid-1', '认领 W1');
      await demo.say(user, 'grid-1', '完成 W1 1小时');
    }
    expect(await reply(demo, 'li', 'grid-1-staff', '确认 W1 张三')).toContain('W1 没有 张三 报告的时长');
    expect(await reply(demo, 'li', 'grid-1-staff', '确认 W1 @金阿姨')).toMatch(/金阿姨 1小时，\+10 积分$/);
    expect(await reply(demo, 'li', 'grid-1-staff', '确认 W1')).toMatch(/杨幼红 1小时，\+10 积分$/);
  });

  it('lets the person served dispute and staff rule, by name and hours, zero included', async () => {
    const demo = demoChat();
    await reported(demo, '3小时');
    expect(await reply(demo, 'jin', 'grid-1', '不确认 W1 太长了')).toContain('只有被服务的居民');
    expect(await reply(demo, 'wang', 'grid-1', '/dispute W1')).toContain('用法');
    const out = await demo.say('wang', 'grid-1', '不确认 W1 只来了一个小时');
    expect(demo.textsIn(out, 'grid-1').join()).toContain('工作人员会裁定');
    expect(demo.textsIn(out, 'grid-1-staff').join()).toContain('只来了一个小时');
    expect(await reply(demo, 'wang', 'grid-1', '裁定 W1 1小时')).toContain('只有本网格的工作人员');
    expect(await reply(demo, 'li', 'grid-1-staff', '裁定 W1 一会儿')).toContain('看不懂时长');
    expect(await reply(demo, 'li', 'grid-1-staff', '裁定 W1 杨幼红 1小时')).toContain('已裁定 W1：杨幼红 1小时，10 积分');
    expect(await reply(demo, 'li', 'grid-1-staff', '裁定 W1 0')).toContain('没有待裁定的时长');
  });

  it('can rule zero hours', async () => {
    const demo = demoChat();
    await reported(demo);
    await demo.say('wang', 'grid-1', '不确认 W1 没有来');
    expect(await reply(demo, 'li', 'grid-1-staff', '裁定 W1 0')).toContain('杨幼红 0小时，0 积分');
  });
});

describe('确认 after a correction', () => {
  /** 王阿姨's wish, reported at 1 hour and corrected to `corrected`; the two notices she was sent. */
  async function corrected(demo: DemoChat, to: string) {
    await demo.say('wang', 'grid-1', '心愿 帮忙买菜');
    await demo.say('yang', 'grid-1', '认领 W1');
    const first = (await demo.say('yang', 'grid-1', '完成 W1 1小时')).find((o) => o.room === 'dm:wang')!;
    const second = (await demo.say('yang', 'grid-1', `完成 W1 ${to}`)).find((o) => o.room === 'dm:wang')!;
    return { first: first.buttons![0]![0]!.command, second: second.buttons![0]![0]!.command, secondText: second.text };
  }

  it('refuses the button of the notice a correction replaced, saying the hours now reported', async () => {
    const demo = demoChat();
    const notices = await corrected(demo, '7小时59分');
    expect(notices.secondText).toContain('服务了 7小时59分钟');
    const stale = await reply(demo, 'wang', 'dm:wang', notices.first);
    expect(stale).toContain('杨幼红 报告的 W1 时长现在是 7小时59分钟，不是 1小时，这次没有确认');
    expect(stale).toContain('属实请发送「确认 W1 7小时59分钟」');
    expect(pointsOf(demo, 'yang')).toBe(0);
    expect(await reply(demo, 'wang', 'dm:wang', notices.second)).toContain('杨幼红 7小时59分钟，+80 积分');
    expect(pointsOf(demo, 'yang')).toBe(80);
  });

  it('confirms typed hours only when they are the hours reported, named or not', async () => {
    const demo = demoChat();
    await corrected(demo, '3小时');
    expect(await reply(demo, 'wang', 'grid-1', '确认 W1 1小时')).toContain('现在是 3小时，不是 1小时');
    expect(await reply(demo, 'wang', 'grid-1', '确认 W1 杨幼红 一会儿')).toContain('看不懂时长');
    expect(pointsOf(demo, 'yang')).toBe(0);
    expect(await reply(demo, 'wang', 'grid-1', '确认 W1 杨幼红 3小时')).toContain('+30 积分');
  });

  it('takes a bare 确认 as the corrected report, which the person served was sent', async () => {
    const demo = demoChat();
    await corrected(demo, '2小时');
    expect(await reply(demo, 'wang', 'grid-1', '确认 W1')).toContain('杨幼红 2小时，+20 积分');
  });

  it('answers in English with hours that can be typed back', async () => {
    const demo = demoChat();
    await demo.say('wang', 'dm:wang', '/lang en');
    const notices = await corrected(demo, '90分钟');
    const stale = await reply(demo, 'wang', 'dm:wang', notices.first);
    expect(stale).toContain('is now 1 h 30 min, not 1 h');
    expect(await reply(demo, 'wang', 'dm:wang', '/confirm W1 1 h 30 min')).toContain('+15 points');
  });
});

describe('people with no private chat', () => {
  /** 周师傅 has only ever spoken in the residents group; he claims 王阿姨's wish and reports an hour. */
  async function zhouReported(demo: DemoChat) {
    await demo.say('zhou', 'grid-1', '你好', { name: '周师傅' });
    await demo.say('wang', 'grid-1', '心愿 帮忙换灯泡');
    await demo.say('zhou', 'grid-1', '认领 W1');
    await demo.say('zhou', 'grid-1', '完成 W1 1小时');
  }

  it('tells a volunteer of a confirmation in the group they claimed in, addressed to them', async () => {
    const demo = demoChat();
    await zhouReported(demo);
    const out = await demo.say('wang', 'dm:wang', '确认 W1');
    expect(demo.textsIn(out, 'grid-1').join()).toContain('W1（帮忙换灯泡）的服务 1小时 已确认，获得 10 积分');
    expect(addressedTo(demo, 'grid-1', 'zhou').at(-1)).toContain('已确认，获得 10 积分');
  });

  it('tells them of a dispute and a ruling there', async () => {
    const demo = demoChat();
    await zhouReported(demo);
    await demo.say('wang', 'dm:wang', '不确认 W1 只来了半小时');
    expect(addressedTo(demo, 'grid-1', 'zhou').at(-1)).toContain('王阿姨 对你在 W1 报告的时长有异议（只来了半小时）');
    await demo.say('li', 'grid-1-staff', '裁定 W1 半小时');
    expect(addressedTo(demo, 'grid-1', 'zhou').at(-1)).toContain('裁定你在 W1（帮忙换灯泡）的服务时长为 30分钟，获得 5 积分');
  });

  it('tells them when their report lapses', async () => {
    const demo = demoChat();
    await zhouReported(demo);
    await demo.advance(8 * DAY);
    expect(addressedTo(demo, 'grid-1', 'zhou').at(-1)).toContain('W1（帮忙换灯泡）报告的 1小时 超过7天无人确认，已失效');
  });

  it('tells a person served of a claim, and asks them to confirm, in the group the wish was posted in', async () => {
    const demo = demoChat();
    await demo.say('zhou', 'grid-1', '心愿 帮忙搬柜子', { name: '周师傅' });
    await demo.say('yang', 'grid-1', '认领 W1');
    expect(addressedTo(demo, 'grid-1', 'zhou').at(-1)).toContain('杨幼红 认领了你的心愿 W1');
    const out = await demo.say('yang', 'dm:yang', '完成 W1 2小时');
    expect(demo.textsIn(out, 'grid-1-staff')).toEqual([]); // he was asked himself: staff are not
    expect(addressedTo(demo, 'grid-1', 'zhou').at(-1)).toContain('报告为你的心愿 W1（帮忙搬柜子）服务了 2小时');
    expect(await reply(demo, 'zhou', 'grid-1', '确认 W1')).toContain('杨幼红 2小时，+20 积分');
  });

  it('never puts a voucher code in the group', async () => {
    const demo = demoChat();
    await zhouReported(demo);
    await demo.say('li', 'grid-1-staff', '确认 W1');
    await demo.say('wang', 'grid-1', '心愿 修水管');
    await demo.say('zhou', 'grid-1', '认领 W2');
    await demo.say('zhou', 'grid-1', '完成 W2 1小时');
    await demo.say('wang', 'grid-1', '确认 W2');
    const out = await demo.say('zhou', 'grid-1', '兑换 G1');
    expect(demo.textsIn(out, 'grid-1').join()).toContain('你还没有和我私聊过');
    const codes = demo.services.db.query.vouchers
      .findMany()
      .sync()
      .map((v) => v.code);
    expect(codes).toHaveLength(1);
    const groupTexts = demo.services.db
      .select()
      .from(outbox)
      .all()
      .filter((r) => r.roomId === 'grid-1')
      .map((r) => r.text);
    expect(groupTexts.join()).not.toContain(codes[0]);
  });
});

describe('积分 and 排行', () => {
  it('shows balance, hours given and received and the last five entries', async () => {
    const demo = demoChat();
    expect(await reply(demo, 'jin', 'dm:jin', '我的积分')).toContain('还没有积分记录');
    await reported(demo);
    await demo.say('wang', 'grid-1', '确认 W1');
    const yang = await reply(demo, 'yang', 'dm:yang', '/points');
    expect(yang).toContain('杨幼红 的积分：20');
    expect(yang).toContain('帮助他人 2小时 · 接受帮助 0小时');
    expect(yang).toContain('3月2日 09:00 +20 志愿服务 W1 帮忙买菜');
    expect(await reply(demo, 'wang', 'dm:wang', '积分')).toContain('接受帮助 2小时');
  });

  it('sends the entries privately when asked in a group, answering there briefly', async () => {
    const demo = demoChat();
    await reported(demo);
    await demo.say('wang', 'grid-1', '确认 W1');
    const out = await demo.say('yang', 'grid-1', '积分');
    expect(demo.textsIn(out, 'grid-1')).toEqual(['你的积分和最近记录已私聊发给你。']);
    const sent = demo.textsIn(out, 'dm:yang').join();
    expect(sent).toContain('杨幼红 的积分：20');
    expect(sent).toContain('+20 志愿服务 W1 帮忙买菜');
  });

  it('answers balance and hours in the group to someone with no private chat, keeping the entries back', async () => {
    const demo = demoChat();
    await demo.say('zhou', 'grid-1', '你好', { name: '周师傅' });
    await demo.say('wang', 'grid-1', '心愿 帮忙买菜');
    await demo.say('zhou', 'grid-1', '认领 W1');
    await demo.say('zhou', 'grid-1', '完成 W1 1小时');
    await demo.say('wang', 'grid-1', '确认 W1');
    const answer = await reply(demo, 'zhou', 'grid-1', '积分');
    expect(answer).toContain('周师傅 的积分：10');
    expect(answer).toContain('帮助他人 1小时');
    expect(answer).toContain('积分记录只能私聊查看');
    expect(answer).not.toContain('志愿服务 W1');
  });

  it('ranks this month of the community by hours', async () => {
    const demo = demoChat();
    expect(await reply(demo, 'jin', 'grid-1', '排行')).toContain('本月还没有确认的志愿服务');
    await reported(demo);
    await demo.say('wang', 'grid-1', '确认 W1');
    const board = await reply(demo, 'chen', 'grid-2', '排行');
    expect(board).toContain('荷东社区 2026年3月志愿服务排行');
    expect(board).toContain('🥇 杨幼红 2小时 · 20 积分');
  });

  it('answers in English for members who chose it', async () => {
    const demo = demoChat();
    await demo.say('yang', 'grid-1', '/lang en');
    await reported(demo);
    await demo.say('wang', 'grid-1', '确认 W1');
    const points = await reply(demo, 'yang', 'dm:yang', '/points');
    expect(points).toContain('杨幼红: 20 points');
    expect(points).toContain('Hours: given 2 h · received 0 h');
    expect(await reply(demo, 'yang', 'grid-1', '/claim W1')).toContain('W1 is already done');
  });
});
