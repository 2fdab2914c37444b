import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { MINUTE } from '../../../src/clock.js';
import { parseRating } from '../../../src/chat/commands/tickets.js';
import type { Attachment, IncomingMessage } from '../../../src/chat/types.js';
import { outbox as outboxTable, ticketPhotos, tickets } from '../../../src/db/schema/index.js';
import { getTicket } from '../../../src/domain/tickets/store.js';
import { MAX_IMAGE_BYTES } from '../../../src/domain/files.js';
import { demoChat } from '../../helpers/services.js';
import { jpeg, png } from '../../helpers/images.js';

let counter = 0;
/** A message straight to the chat core, to see the card a button press returns. */
const message = (room: string, user: string, text: string, attachments?: Attachment[]): IncomingMessage => ({
  platform: 'shell',
  roomId: room,
  roomName: room,
  isPrivate: room.startsWith('dm:'),
  senderId: user,
  senderName: user,
  messageId: `t-${++counter}`,
  text,
  ...(attachments ? { attachments } : {}),
});

const PNG = png(1);
const image = (bytes: Uint8Array = PNG): Attachment => ({ kind: 'image', load: async () => bytes });

describe('tickets in chat: the walkthrough', () => {
  it('report → staff told → take → resolve → rating asked → rated 5 → 进度 shows it all', async () => {
    const demo = demoChat();
    const reported = await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    const [reply] = demo.textsIn(reported, 'grid-1');
    expect(reply).toContain('工单号 T1（市政照明）');
    expect(reply).toContain('已转给荷东第一网格，30分钟内会有人接单');
    expect(reported.find((o) => o.room === 'grid-1')?.buttons).toEqual([[{ label: '附议 +1', command: '/plusone T1' }]]);
    const announced = reported.find((o) => o.room === 'grid-1-staff')!;
    expect(announced.text).toContain('「3号楼路灯坏了」');
    expect(announced.text).toContain('👤 金阿姨');
    expect(announced.text).toContain('请在 3月2日 09:30 前接单');
    expect(announced.text).toContain('建议接单：网格员小李');
    expect(announced.text).toContain('回复「接单 T1」接单'); // WeChat has no buttons: the text says what to type
    expect(announced.buttons).toEqual([[{ label: '接单', command: '/take T1' }]]);

    const [refused] = await demo.say('jin', 'grid-1', '接单 T1');
    expect(refused?.text).toContain('只有负责这片区域的网格员或工作人员才能接单 T1');

    demo.clock.advance(5 * MINUTE);
    const taken = await demo.say('li', 'grid-1-staff', '接单 T1');
    expect(demo.textsIn(taken, 'grid-1-staff')).toEqual([expect.stringContaining('你已接单 T1')]);
    expect(demo.textsIn(taken, 'dm:jin')).toEqual([expect.stringContaining('已由 网格员小李 接单')]);

    demo.clock.advance(40 * MINUTE);
    const resolved = await demo.say('li', 'grid-1-staff', '办结 T1 已换灯泡');
    expect(demo.textsIn(resolved, 'grid-1-staff')).toEqual([expect.stringContaining('T1 已办结')]);
    const ask = resolved.find((o) => o.room === 'dm:jin')!;
    expect(ask.text).toContain('已办结（网格员小李）：已换灯泡');
    expect(ask.text).toContain('回复「评价 T1 5」');
    expect(ask.buttons?.[0]).toEqual([1, 2, 3, 4, 5].map((n) => ({ label: `${n}⭐`, command: `/rate T1 ${n}` })));
    expect(ask.buttons?.[1]).toEqual([{ label: '没解决', command: '/reopen T1' }]);

    const rated = await demo.say('jin', 'dm:jin', '/rate T1 5');
    expect(demo.textsIn(rated, 'dm:jin')).toEqual([expect.stringContaining('T1 ⭐⭐⭐⭐⭐，工单已关闭')]);
    expect(demo.textsIn(rated, 'grid-1-staff')).toEqual([expect.stringContaining('收到评价：⭐⭐⭐⭐⭐')]);

    const [status] = await demo.say('jin', 'grid-1', '进度 T1');
    const lines = status!.text.split('\n');
    expect(lines[0]).toBe('☑️ 工单 T1 · 市政照明 · 已关闭');
    expect(lines.slice(lines.indexOf('经过：') + 1)).toEqual([
      '· 3月2日 09:00 金阿姨 报事',
      '· 3月2日 09:05 网格员小李 接单',
      '· 3月2日 09:45 网格员小李 办结：已换灯泡',
      '· 3月2日 09:45 金阿姨 评价 ⭐⭐⭐⭐⭐',
    ]);
  });

  it('returns the updated card for a button press, so the pressed message can be edited', async () => {
    const demo = demoChat();
    const core = demo.services.core;
    await core.handle(message('grid-1', 'jin', '报事 3号楼路灯坏了'));
    const take = await core.handle(message('grid-1-staff', 'li', '/take T1'));
    expect(take.card?.text).toContain('🔧 工单 T1 · 市政照明 · 处理中');
    expect(take.card?.text).toContain('网格员小李 于 3月2日 09:00 接单');
    expect(take.card?.text).toContain('回复「办结 T1 说明」');
    expect(take.card?.buttons).toEqual([[{ label: '办结', command: '/resolve T1' }]]);
    const resolve = await core.handle(message('grid-1-staff', 'li', '/resolve T1'));
    expect(resolve.card?.text).toContain('✅ 工单 T1 · 市政照明 · 已办结');
    expect(resolve.card?.buttons).toBeUndefined();
    const rate = await core.handle(message('dm:jin', 'jin', '/rate T1 4'));
    expect(rate.card).toEqual({ text: '🙏 T1 已评价 ⭐⭐⭐⭐，谢谢！' });
    const reopen = await core.handle(message('dm:jin', 'jin', '/reopen T1'));
    expect(reopen.card).toEqual({ text: '🔁 T1 已重开，转给荷东社区，30分钟内会有人接单。' });
    const cancel = await core.handle(message('dm:jin', 'jin', '/cancel T1'));
    expect(cancel.card?.text).toContain('✖️ 工单 T1 · 市政照明 · 已撤销');
  });
});

describe('ticket commands', () => {
  it.each([
    ['a resident trying 接单', 'jin', 'grid-1', '接单 T1', '只有负责这片区域的网格员或工作人员才能接单 T1'],
    ['a rating of 7', 'jin', 'dm:jin', '评价 T1 7', '评分请用 1 到 5 的整数'],
    ['an unknown ref', 'li', 'grid-1-staff', '接单 T99', '找不到工单 T99'],
    ["rating someone else's ticket", 'wang', 'dm:wang', '评价 T1 5', '只有报事人可以评价 T1'],
    ['rating before it is resolved', 'jin', 'dm:jin', '评价 T1 5', 'T1 还没有办结'],
    ['a resident asking for 工单', 'jin', 'grid-1', '/tickets', '想看自己报的事，请发送「进度」'],
    ['a neighbour asking for 进度', 'wang', 'grid-1', '进度 T1', '发送「附议 T1」即可关注进度'],
    ["another grid's worker asking for 进度", 'chen', 'grid-2-staff', '进度 T1', '只有报事人、附议的居民和负责的工作人员可以查看 T1。'],
    ["another grid's worker backing it", 'chen', 'grid-2-staff', '附议 T1', '只有 T1 所在网格的居民和工作人员可以附议'],
    ['backing your own', 'jin', 'grid-1', '附议 T1', 'T1 是你报的'],
    ['reopening an open ticket', 'jin', 'grid-1', '重开 T1', 'T1 还在处理中'],
    ['a malformed ref said to the bot', 'li', 'grid-1-staff', '/take abc', '用法：接单 <工单号>'],
    ['a rating without a number, to the bot', 'jin', 'dm:jin', '评价 T1 很好', '用法：评价 <工单号> <1-5>'],
    ['an unknown category', 'li', 'grid-1-staff', '分类 T1 火星', '没有「火星」这个分类'],
  ])('answers %s clearly', async (_what, user, room, text, expected) => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    const [reply] = await demo.say(user, room, text);
    expect(reply?.room).toBe(room);
    expect(reply?.text).toContain(expected);
    expect(getTicket(demo.services.db, 1)).toMatchObject({ status: 'open', rating: null });
  });

  it('reads a ref or rating run into full-width punctuation, and keeps what was written as written', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事：电梯困人了！３号楼，快来');
    expect(getTicket(demo.services.db, 1).text).toBe('电梯困人了！３号楼，快来');
    await demo.say('li', 'grid-1-staff', '接单 T1。');
    const resolved = await demo.say('li', 'grid-1-staff', '办结 T1，已换灯泡！');
    expect(demo.textsIn(resolved, 'grid-1-staff')).toEqual([expect.stringContaining('T1 已办结')]);
    expect(resolved.find((o) => o.room === 'dm:jin')?.text).toContain('：已换灯泡！');
    const [rated] = await demo.say('jin', 'dm:jin', '评价 Ｔ1 5，很好。');
    expect(rated?.text).toContain('T1 ⭐⭐⭐⭐⭐');
    expect(getTicket(demo.services.db, 1)).toMatchObject({ rating: 5, comment: '很好。' });
  });

  it('stays silent when a command word only starts a sentence', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    expect(await demo.say('wang', 'grid-1', '评价一下这个网格员')).toEqual([]);
    expect(await demo.say('wang', 'grid-1', '没解决的事情太多了')).toEqual([]);
    expect(await demo.say('wang', 'grid-1', '分类垃圾要放对桶')).toEqual([]);
    // a bare 报事 is meant for the bot: it says how
    const [how] = await demo.say('wang', 'grid-1', '报事');
    expect(how?.text).toContain('用法：报事 <内容>');
  });

  it('reads a ref with or without its letter', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    await demo.say('wang', 'grid-1', '报事 楼道里堆满了杂物');
    await demo.say('yang', 'grid-1', '报事! 2单元门口占道停车');
    expect((await demo.say('li', 'grid-1-staff', '接单 t1'))[0]?.text).toContain('你已接单 T1');
    expect((await demo.say('li', 'grid-1-staff', '接单 2'))[0]?.text).toContain('你已接单 T2');
    expect((await demo.say('li', 'grid-1-staff', '/take #3'))[0]?.text).toContain('你已接单 T3');
  });

  it.each([
    ['5', 5],
    ['5分', 5],
    ['3星', 3],
    ['⭐⭐⭐⭐', 4],
    ['7', 7],
    ['很好', null],
    [undefined, null],
  ])('parseRating(%s) = %s', (word, expected) => {
    expect(parseRating(word)).toBe(expected);
  });

  it('工单 lists the open tickets a worker covers, oldest first, with age and SLA left', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    demo.clock.advance(10 * MINUTE);
    await demo.say('wang', 'grid-1', '报事 2单元楼道有人飞线充电');
    await demo.say('chen', 'grid-2', '报事 门口占道停车');
    await demo.say('li', 'grid-1-staff', '接单 T1');
    const [list] = await demo.say('li', 'grid-1-staff', '工单');
    expect(list!.text.split('\n')).toEqual([
      '📋 待办工单 2 张（最早的在前）：',
      '· T1 荷东第一网格「3号楼路灯坏了」网格员小李处理中 · 办结还剩1天',
      '· T2 ⚠️荷东第一网格「2单元楼道有人飞线充电」已过不到1分钟 · 接单还剩10分钟',
      '发送「接单 T2」接单，「进度 T2」看详情。',
    ]);
    // With nothing left to take, the footer names a listed ticket and how to finish it.
    await demo.say('li', 'grid-1-staff', '接单 T2');
    expect((await demo.say('li', 'grid-1-staff', '工单'))[0]!.text.split('\n').at(-1)).toBe('发送「进度 T1」看详情，办好后「办结 T1 说明」。');
    const [community] = await demo.say('zhao', 'community', '/tickets');
    expect(community!.text).toContain('待办工单 3 张');
    const [none] = await demo.say('chen', 'grid-2-staff', '工单');
    expect(none!.text).toContain('待办工单 1 张');
    await demo.say('chen', 'grid-2-staff', '办结 T3 已劝离');
    expect((await demo.say('chen', 'grid-2-staff', '工单'))[0]!.text).toContain('没有待办工单');
  });

  it('进度 without a ref lists what the speaker reported or backs', async () => {
    const demo = demoChat();
    expect((await demo.say('jin', 'grid-1', '进度'))[0]?.text).toContain('没有进行中的报事');
    expect((await demo.say('li', 'grid-1-staff', '进度'))[0]?.text).toContain('工作人员请发送「工单」');
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    await demo.say('wang', 'grid-1', '报事 楼道里堆满了杂物');
    await demo.say('jin', 'grid-1', '附议 T2');
    const [mine] = await demo.say('jin', 'dm:jin', '进度');
    expect(mine!.text.split('\n')).toEqual([
      '📋 你的报事：',
      '· T1「3号楼路灯坏了」待接单',
      '· T2「楼道里堆满了杂物」待接单（附议）',
      '发送「进度 T1」查看详情。',
    ]);
  });

  it('附议 subscribes a neighbour, who then hears of progress', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    const [backed] = await demo.say('wang', 'grid-1', '附议 T1');
    expect(backed?.text).toContain('已附议 T1（共 1 人附议）');
    expect((await demo.say('wang', 'grid-1', '/plusone T1'))[0]?.text).toContain('已经附议过');
    const taken = await demo.say('li', 'grid-1-staff', '接单 T1');
    expect(demo.textsIn(taken, 'dm:wang')).toEqual([expect.stringContaining('你附议的 T1「3号楼路灯坏了」已由 网格员小李 接单')]);
    const noted = await demo.say('li', 'grid-1-staff', '备注 T1 已联系电工，明早来修');
    expect(demo.textsIn(noted, 'grid-1-staff')).toEqual([expect.stringContaining('已记下')]);
    expect(demo.textsIn(noted, 'dm:jin')).toEqual([expect.stringContaining('有新进展（网格员小李）：已联系电工')]);
    expect(demo.textsIn(noted, 'dm:wang')).toHaveLength(1);
    expect(demo.textsIn(await demo.say('li', 'grid-1-staff', '办结 T1'), 'dm:wang')).toEqual([expect.stringContaining('你附议的 T1')]);
  });

  it('keeps a ticket from people of another grid: no 附议, no 进度, no news in their group', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 我家楼上302天天半夜吵架');
    const [peek] = await demo.say('zhang', 'grid-2', '进度 T1');
    expect(peek?.text).toBe('只有报事人、附议的居民和负责的工作人员可以查看 T1。');
    const [back] = await demo.say('zhang', 'grid-2', '附议 T1');
    expect(back?.text).toContain('只有 T1 所在网格的居民和工作人员可以附议');
    const [again] = await demo.say('zhang', 'grid-2', '进度 T1');
    expect(again?.text).not.toContain('302');
    expect(again?.text).not.toContain('金阿姨');
    const noted = await demo.say('li', 'grid-1-staff', '备注 T1 已上门调解');
    expect(demo.textsIn(noted, 'dm:jin')).toHaveLength(1);
    expect(demo.textsIn(noted, 'grid-2')).toEqual([]);
    // A neighbour is pointed at 附议, and then may read it.
    const [hint] = await demo.say('wang', 'grid-1', '进度 T1');
    expect(hint?.text).toContain('发送「附议 T1」即可关注进度');
    await demo.say('wang', 'grid-1', '附议 T1');
    expect((await demo.say('wang', 'grid-1', '进度 T1'))[0]?.text).toContain('已上门调解');
  });

  it('never names an anonymous reporter to those who back the ticket', async () => {
    const demo = demoChat();
    await demo.say('wang', 'dm:wang', '匿名报事 楼上天天半夜吵架');
    expect((await demo.say('jin', 'grid-1', '附议 T1'))[0]?.text).toContain('已附议 T1');
    for (const room of ['dm:jin', 'grid-1']) {
      const [status] = await demo.say('jin', room, '进度 T1');
      expect(status?.text).toContain('报事人：一位居民');
      expect(status?.text).not.toContain('王阿姨');
    }
  });

  it('tells a resident who sends 办结 that only staff resolve, and what they can do instead', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    const [own] = await demo.say('jin', 'grid-1', '办结 T1');
    expect(own?.text).toContain('才能办结 T1');
    expect(own?.text).toContain('撤销 T1');
    const [neighbour] = await demo.say('wang', 'grid-1', '办结 T1');
    expect(neighbour?.text).toContain('才能办结 T1');
    expect(neighbour?.text).toContain('附议 T1');
    const [outsider] = await demo.say('chen', 'grid-2-staff', '接单 T1');
    expect(outsider?.text).toContain('才能接单 T1');
    expect(outsider?.text).not.toContain('附议');
  });

  it('joins a report that looks like an open ticket, unless told 报事!', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    const [dup] = await demo.say('wang', 'grid-1', '报修 3号楼的路灯不亮了');
    expect(dup?.text).toContain('这件事已经有人报过了：T1「3号楼路灯坏了」（待接单）。已为你附议');
    expect(dup?.text).toContain('报事! 内容');
    const [own] = await demo.say('jin', 'grid-1', '报事 3号楼路灯又坏了');
    expect(own?.text).toContain('你已经报过这件事了：T1');
    const [forced] = await demo.say('wang', 'grid-1', '报事！3号楼的路灯不亮了');
    expect(forced?.text).toContain('工单号 T2');
    const [slash] = await demo.say('yang', 'grid-1', '/report! 3号楼路灯坏了');
    expect(slash?.text).toContain('工单号 T3');
    expect(getTicket(demo.services.db, 1).plusOnes).toBe(1);
  });

  it('keeps an anonymous report that joins an open ticket anonymous: "一位居民" backs it', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    const [dup] = await demo.say('wang', 'dm:wang', '匿名报事 3号楼的路灯不亮了');
    expect(dup?.text).toContain('已为你附议');
    expect(dup?.text).toContain('🕶 匿名附议');
    for (const [who, room] of [
      ['jin', 'dm:jin'],
      ['jin', 'grid-1'],
      ['li', 'grid-1-staff'],
      ['admin', 'street'],
    ] as const) {
      const [status] = await demo.say(who, room, '进度 T1');
      expect(status?.text, `${who} in ${room}`).toContain('一位居民 附议');
      expect(status?.text, `${who} in ${room}`).not.toContain('王阿姨');
    }
    expect((await demo.say('admin', 'dm:admin', '进度 T1'))[0]?.text).toContain('王阿姨 附议');
    expect((await demo.say('wang', 'dm:wang', '进度 T1'))[0]?.text).toContain('王阿姨 附议');
    // a plain duplicate says nothing of anonymity
    const [plain] = await demo.say('yang', 'grid-1', '报事 3号楼路灯也不亮');
    expect(plain?.text).toContain('已为你附议');
    expect(plain?.text).not.toContain('匿名');
  });

  it('keeps an anonymous reporter from groups and workers; admins see who in 进度', async () => {
    const demo = demoChat();
    const reported = await demo.say('wang', 'dm:wang', '匿名报事 楼上天天半夜吵架');
    expect(demo.textsIn(reported, 'dm:wang')[0]).toContain('匿名报事');
    const card = demo.textsIn(reported, 'community')[0]!;
    expect(card).toContain('👤 一位居民');
    expect(card).not.toContain('王阿姨');
    const taken = await demo.say('zhao', 'community', '接单 T1');
    expect(demo.textsIn(taken, 'community')[0]).toContain('报事人：一位居民');
    expect(demo.textsIn(taken, 'dm:wang')).toHaveLength(1);
    expect((await demo.say('zhao', 'community', '进度 T1'))[0]?.text).not.toContain('王阿姨');
    expect((await demo.say('admin', 'dm:admin', '进度 T1'))[0]?.text).toContain('报事人：王阿姨');
    expect((await demo.say('admin', 'street', '进度 T1'))[0]?.text).not.toContain('王阿姨');
    expect((await demo.say('wang', 'dm:wang', '进度 T1'))[0]?.text).toContain('· 3月2日 09:00 王阿姨 报事');
    // no 附议 button on an anonymous report's reply
    expect(reported.find((o) => o.room === 'dm:wang')?.buttons).toBeUndefined();
  });

  it('addresses a reporter without a private chat in the group where they reported', async () => {
    const demo = demoChat();
    await demo.say('newbie', 'grid-1', '报事 5号楼门口垃圾没人清', { name: '李大爷' });
    await demo.say('li', 'grid-1-staff', '接单 T1');
    const [row] = demo.services.db.select().from(outboxTable).where(eq(outboxTable.roomId, 'grid-1')).all();
    expect(row).toMatchObject({ mentionUserId: 'newbie' });
    expect(row!.text).toContain('你报的 T1');
  });

  it('attaches images sent with the report, or alone by the reporter within 2 minutes', async () => {
    const demo = demoChat();
    const core = demo.services.core;
    const first = await core.handle(message('grid-1', 'jin', '报事 3号楼路灯坏了', [image()]));
    expect(first.replies[0]?.text).toContain('已附上 1 张照片');
    const photos = () => demo.services.db.select().from(ticketPhotos).where(eq(ticketPhotos.ticketId, 1)).all();
    expect(photos()).toHaveLength(1);
    expect(existsSync(join(demo.services.config.dataDir, photos()[0]!.path))).toBe(true);

    demo.clock.advance(MINUTE);
    const alone = await core.handle(message('grid-1', 'jin', '', [image(jpeg(9))]));
    expect(alone.replies[0]?.text).toBe('📷 已把 1 张照片附到 T1。');
    expect(photos()).toHaveLength(2);
    await demo.chat.deliver();
    expect(demo.sent.filter((o) => o.room === 'grid-1-staff').at(-1)?.text).toBe('📷 工单 T1 补充了 1 张照片。');
    // the same image again adds nothing; someone else's image is not theirs to attach
    expect((await core.handle(message('grid-1', 'jin', '', [image()]))).replies).toEqual([]);
    expect((await core.handle(message('grid-1', 'wang', '', [image(jpeg(7))]))).replies).toEqual([]);
    demo.clock.advance(2 * MINUTE);
    expect((await core.handle(message('grid-1', 'jin', '', [image(jpeg(8))]))).replies).toEqual([]);
    expect(photos()).toHaveLength(2);
    const [status] = await demo.say('jin', 'grid-1', '进度 T1');
    expect(status?.text).toContain('补充照片 1 张');
  });

  it('keeps the report when an attachment is refused, and says which were not kept', async () => {
    const demo = demoChat();
    const core = demo.services.core;
    const text: Attachment = { kind: 'image', mimeType: 'image/jpeg', load: async () => new TextEncoder().encode('not a photo at all') };
    const blob = new Uint8Array(MAX_IMAGE_BYTES + 1);
    blob.set(jpeg(2));
    const huge: Attachment = { kind: 'image', mimeType: 'image/jpeg', load: async () => blob };
    const reported = await core.handle(message('grid-1', 'jin', '报事 3号楼路灯坏了', [text, image(), huge]));
    expect(reported.replies.map((r) => r.text)).toEqual([
      expect.stringContaining('工单号 T1'),
      '⚠️ 有一个附件不是图片（只收 JPEG、PNG、GIF、WebP），没有保存。',
      '⚠️ 有一张图片超过 10 MB，没有保存，请压缩后再发。',
    ]);
    expect(reported.replies[0]?.text).toContain('已附上 1 张照片');
    expect(demo.services.db.select().from(ticketPhotos).all()).toHaveLength(1);
    // sent alone after the report, the refusal is the whole answer and nothing is attached
    const alone = await core.handle(message('grid-1', 'jin', '', [text]));
    expect(alone.replies.map((r) => r.text)).toEqual(['⚠️ 有一个附件不是图片（只收 JPEG、PNG、GIF、WebP），没有保存。']);
    expect(demo.services.db.select().from(ticketPhotos).all()).toHaveLength(1);
  });

  it('分类 fixes a wrong guess; without a name it lists the categories', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 楼下有辆车挡着出口');
    const [list] = await demo.say('li', 'grid-1-staff', '分类 T1');
    expect(list?.text).toContain('市政照明、水电、环境卫生、停车');
    const [fixed] = await demo.say('li', 'grid-1-staff', '分类 T1 停车');
    expect(fixed?.text).toBe('🏷 T1 已改为「停车」。');
    const moved = await demo.say('li', 'grid-1-staff', '分类 T1 邻里纠纷');
    expect(demo.textsIn(moved, 'grid-1-staff')[0]).toContain('按新分类改由荷东社区负责');
    expect(demo.textsIn(moved, 'community')[0]).toContain('改为「邻里纠纷」');
  });

  it('撤销 and 重开 (没解决) work from chat', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    await demo.say('jin', 'grid-1', '报事 楼道里堆满了杂物');
    const cancelled = await demo.say('jin', 'grid-1', '撤销 T2 已经清走了');
    expect(demo.textsIn(cancelled, 'grid-1')).toEqual(['T2 已撤销。']);
    expect(demo.textsIn(cancelled, 'grid-1-staff')).toEqual([expect.stringContaining('已由报事人撤销：已经清走了')]);
    await demo.say('li', 'grid-1-staff', '办结 T1 已换灯泡');
    const reopened = await demo.say('jin', 'dm:jin', '没解决 T1 晚上又不亮了');
    expect(demo.textsIn(reopened, 'dm:jin')).toEqual(['🔁 T1 已重开，转给荷东社区，30分钟内会有人接单。']);
    expect(demo.textsIn(reopened, 'community')[0]).toContain('报事人说没解决：晚上又不亮了');
    expect(getTicket(demo.services.db, 1)).toMatchObject({ status: 'open', level: 1 });
  });

  it('speaks English to members who chose it, and Chinese to the staff room', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '/lang en');
    const reported = await demo.say('jin', 'grid-1', '/report 3号楼路灯坏了');
    expect(demo.textsIn(reported, 'grid-1')[0]).toMatch(/^✅ Got it: ticket T1 \(市政照明\), passed to 荷东第一网格; someone will take it within 30 min/);
    expect(demo.textsIn(reported, 'grid-1-staff')[0]).toContain('工单 T1');
    const taken = await demo.say('li', 'grid-1-staff', '接单 T1');
    expect(demo.textsIn(taken, 'dm:jin')[0]).toBe('🙋 Your ticket T1 "3号楼路灯坏了" was taken by 网格员小李 and is in hand.');
    const [status] = await demo.say('jin', 'grid-1', '/status T1');
    expect(status?.text).toContain('History:');
    expect(status?.text).toContain('网格员小李 took it');
  });

  it('offers the worker commands in help to staff only', async () => {
    const demo = demoChat();
    const [resident] = await demo.say('jin', 'grid-1', '帮助');
    expect(resident?.text).toContain('报事 <内容>');
    expect(resident?.text).toContain('评价 T1');
    expect(resident?.text).not.toContain('接单 T1');
    const [staff] = await demo.say('li', 'grid-1-staff', '帮助');
    expect(staff?.text).toContain('接单 T1');
    expect(staff?.text).toContain('工单 —');
  });

  it("reports in a private chat go to the member's own unit", async () => {
    const demo = demoChat();
    await demo.say('wang', 'dm:wang', '报事 3号楼路灯坏了');
    expect(demo.services.db.select().from(tickets).get()).toMatchObject({ originUnitId: demo.ids.units.grid1.id });
    const [unbound] = await demo.say('someone', 'dm:someone', '报事 路灯坏了');
    expect(unbound?.text).toContain('还不知道你属于哪个网格');
  });
});
