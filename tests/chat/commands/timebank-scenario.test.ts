import { describe, expect, it } from 'vitest';
import { balanceOf, memberAccount } from '../../../src/domain/ledger/accounts.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { hoursOf } from '../../../src/domain/timebank/hours.js';
import { demoChat } from '../../helpers/services.js';

describe('the time-bank in the shell chat', () => {
  it('wish → claim → done → confirm → points → redeem → code in private → verify, twice', async () => {
    const demo = demoChat();
    const { yang, wang } = demo.ids.members;

    const posted = await demo.say('wang', 'grid-1', '心愿 想请人帮忙买菜');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain('W1');
    expect(posted[0]!.buttons).toEqual([[{ label: '认领', command: '/claim W1' }]]);

    const claimed = await demo.say('yang', 'grid-1', '认领 W1');
    expect(demo.textsIn(claimed, 'grid-1').join()).toContain('认领了 W1');
    expect(demo.textsIn(claimed, 'dm:wang').join()).toContain('杨幼红');

    const done = await demo.say('yang', 'grid-1', '完成 W1 2小时');
    expect(demo.textsIn(done, 'grid-1').join()).toMatch(/2小时.*王阿姨.*20 积分/);
    expect(demo.textsIn(done, 'dm:wang').join()).toContain('确认 W1');

    const confirmed = await demo.say('wang', 'grid-1', '确认 W1');
    expect(demo.textsIn(confirmed, 'grid-1').join()).toContain('+20 积分');
    expect(demo.textsIn(confirmed, 'dm:yang').join()).toContain('20 积分');
    expect(balanceOf(demo.services.db, memberAccount(yang.id))).toBe(20);
    expect(hoursOf(demo.services.db, yang.id)).toEqual({ givenMinutes: 120, receivedMinutes: 0 });
    expect(hoursOf(demo.services.db, wang.id)).toEqual({ givenMinutes: 0, receivedMinutes: 120 });

    const points = await demo.say('yang', 'grid-1', '积分');
    expect(demo.textsIn(points, 'grid-1').join()).toContain('已私聊发给你');
    const statement = demo.textsIn(points, 'dm:yang').join();
    expect(statement).toContain('的积分：20');
    expect(statement).toContain('帮助他人 2小时');
    expect(statement).toContain('+20 志愿服务 W1');

    const redeemed = await demo.say('yang', 'grid-1', '兑换 G1');
    const inGroup = demo.textsIn(redeemed, 'grid-1').join('\n');
    const inPrivate = demo.textsIn(redeemed, 'dm:yang').join('\n');
    const code = /券码：([A-Z0-9]{12})/.exec(inPrivate)?.[1];
    expect(code).toBeDefined();
    expect(inGroup).toContain('私聊');
    expect(inGroup).not.toContain(code);
    expect(balanceOf(demo.services.db, memberAccount(yang.id))).toBe(0);

    const [verified] = await demo.say('barber', 'dm:barber', `核销 ${code}`);
    expect(verified!.text).toContain('核销成功');
    const [again] = await demo.say('barber', 'dm:barber', `核销 ${code!.toLowerCase()}`);
    expect(again!.text).toContain('已于 3月2日 09:00 核销过');

    const report = reconcile(demo.services.db);
    expect(report.ok).toBe(true);
  });
});
