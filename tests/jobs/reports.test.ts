import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/clock.js';
import { annualReport } from '../../src/domain/reports/annual.js';
import { monthlyReport } from '../../src/domain/reports/monthly.js';
import { parsePeriod, previousMonth, previousQuarter, previousYear } from '../../src/domain/reports/periods.js';
import { quarterlyReport } from '../../src/domain/reports/quarterly.js';
import { aligned, displayWidth, renderMonthly, renderQuarterly } from '../../src/chat/render/reports.js';
import { translator } from '../../src/i18n/index.js';
import { units } from '../../src/db/schema/index.js';
import { CronScheduler } from '../../src/jobs/scheduler.js';
import { type DemoChat, demoChat } from '../helpers/services.js';

const TZ = 'Asia/Shanghai';
const MONDAY_0759 = new Date('2026-03-02T07:59:00+08:00');

/** A March in grid 1: a lamp reported, taken, resolved and rated 5; a wish served for 2 hours; a patrol. */
async function march(demo: DemoChat) {
  await demo.say('li', 'grid-1-staff', '巡查');
  await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
  demo.clock.advance(10 * MINUTE);
  await demo.say('li', 'grid-1-staff', '接单 T1');
  demo.clock.advance(2 * HOUR);
  await demo.say('li', 'grid-1-staff', '办结 T1 换了灯泡');
  await demo.say('jin', 'grid-1', '评价 T1 5 很快');
  await demo.say('wang', 'grid-1', '心愿 想学用手机挂号');
  await demo.say('yang', 'grid-1', '认领 W1');
  await demo.say('yang', 'grid-1', '完成 W1 2小时');
  await demo.say('wang', 'grid-1', '确认 W1');
  await demo.say('jin', 'grid-2', '报事 二网格楼道堆满杂物'); // still open at the month's end
}

describe('periods', () => {
  it('look back from the day a report runs', () => {
    const april1 = new Date('2026-04-01T09:00:00+08:00');
    expect(previousMonth(april1, TZ)).toMatchObject({
      label: '2026-03',
      from: new Date('2026-03-01T00:00:00+08:00'),
      to: new Date('2026-04-01T00:00:00+08:00'),
    });
    expect(previousQuarter(april1, TZ)).toMatchObject({ label: '2026-Q1', from: new Date('2026-01-01T00:00:00+08:00') });
    expect(previousQuarter(new Date('2026-01-01T09:00:00+08:00'), TZ).label).toBe('2025-Q4');
    expect(previousMonth(new Date('2026-01-01T09:00:00+08:00'), TZ).label).toBe('2025-12');
    expect(previousYear(new Date('2027-01-05T09:00:00+08:00'), TZ)).toMatchObject({ label: '2026', to: new Date('2027-01-01T00:00:00+08:00') });
  });

  it.each([
    ['2026-03', 'month'],
    ['2026-q2', 'quarter'],
    ['2026', 'year'],
  ])('parse %s', (text, kind) => {
    expect(parsePeriod(text, TZ)?.kind).toBe(kind);
  });

  it.each(['2026-13', '26-03', 'March', '2026-Q5', ''])('refuse %j', (text) => expect(parsePeriod(text, TZ)).toBeNull());
});

describe('report figures', () => {
  it("sum a unit's month: tickets, satisfaction, patrols, hours and what is still open", async () => {
    const demo = demoChat({ start: MONDAY_0759 });
    await march(demo);
    const period = previousMonth(new Date('2026-04-01T09:00:00+08:00'), TZ);
    const grid1 = monthlyReport(demo.services.db, demo.ids.units.grid1.id, period, new Date('2026-04-01T09:00:00+08:00'), TZ);
    expect(grid1.summary).toMatchObject({
      name: '荷东第一网格',
      tickets: { total: 1, done: 1, open: 0, withinSlaShare: 1, escalations: 0, medianTakeMs: 10 * MINUTE },
      satisfaction: { average: 5, rated: 1 },
      minutesServed: 120,
    });
    expect(grid1.summary.patrols).toMatchObject({ halfDaysDone: 1, halfDaysExpected: 60, nightsExpected: 4 }); // weeks ending in March
    expect(grid1.stillOpen.count).toBe(0);
    const community = monthlyReport(demo.services.db, demo.ids.units.community.id, period, new Date('2026-04-01T09:00:00+08:00'), TZ);
    // grid 2's ticket, left open past its deadline, counts against the community's on-time share
    expect(community.summary.tickets).toMatchObject({ total: 2, open: 1, withinSlaShare: 0.5 });
    expect(community.stillOpen.oldest[0]).toMatchObject({ ref: 'T2', status: 'open' });
  });

  it("rank a community's grids and name the ones falling behind", async () => {
    const demo = demoChat({ start: MONDAY_0759 });
    await march(demo);
    const report = quarterlyReport(demo.services.db, demo.ids.units.community.id, previousQuarter(new Date('2026-04-01T09:00:00+08:00'), TZ), TZ);
    expect(report.grids.map((g) => [g.rank, g.name])).toEqual([
      [1, '荷东第一网格'],
      [2, '荷东第二网格'],
    ]);
    // grid 2 never patrolled; grid 1 patrolled once in a quarter: both behind on patrols
    expect(report.grids[1]!.behind).toContain('patrols');
    // grid 2 resolved nothing and let its ticket go overdue: behind on time too, not "no figure"
    expect(report.grids[1]!.tickets.withinSlaShare).toBe(0);
    expect(report.grids[1]!.behind).toContain('sla');
    // counted from the day the grids were set up (March 2), not from January 1
    expect(report.grids[0]!.patrols).toMatchObject({ halfDaysExpected: 60 });
  });

  it('list every party member with their hours for the year', async () => {
    const demo = demoChat({ start: MONDAY_0759 });
    await march(demo);
    const report = annualReport(demo.services.db, demo.ids.units.street.id, previousYear(new Date('2027-01-05T09:00:00+08:00'), TZ), TZ);
    expect(report.partyMembers).toEqual([
      { memberId: demo.ids.members.yang.id, name: '杨幼红', minutes: 120 },
      { memberId: demo.ids.members.zhao.id, name: '社区书记老赵', minutes: 0 },
    ]);
    expect(report.communities.map((c) => [c.name, c.grids.map((g) => g.name)])).toEqual([['荷东社区', ['荷东第一网格', '荷东第二网格']]]);
  });
});

describe('report rendering', () => {
  it('measures CJK as two columns and aligns values', () => {
    expect(displayWidth('网格a')).toBe(5);
    const [zh, en] = aligned([
      ['接单用时', '10分钟'],
      ['Esc', '1'],
    ]);
    expect(zh).toBe('接单用时  10分钟');
    expect(displayWidth(zh!.slice(0, zh!.indexOf('10')))).toBe(displayWidth(en!.slice(0, en!.indexOf('1'))));
  });
});

describe('report rendering: the quarter and English', () => {
  async function quarter() {
    const demo = demoChat({ start: MONDAY_0759 });
    await march(demo);
    demo.services.db.update(units).set({ name: '荷东二网格' }).where(eq(units.id, demo.ids.units.grid2.id)).run(); // a shorter name
    const april1 = new Date('2026-04-01T09:00:00+08:00');
    return {
      demo,
      quarterly: quarterlyReport(demo.services.db, demo.ids.units.community.id, previousQuarter(april1, TZ), TZ),
      monthly: monthlyReport(demo.services.db, demo.ids.units.grid1.id, previousMonth(april1, TZ), april1, TZ),
    };
  }

  it("gives each grid its patrols, with the figures in one column whatever the names' lengths", async () => {
    const { quarterly } = await quarter();
    const lines = renderQuarterly(quarterly, translator('zh')).text!.split('\n');
    const rows = lines.filter((l) => /^\d\. /.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^1\. 荷东第一网格 +100% · 5\.0 · 1 件 · 2 小时 · 巡查 1\/60 · 夜巡 0\/4$/);
    expect(rows[1]).toMatch(/^2\. 荷东二网格 +0% · — · 1 件 · 0 小时 · 巡查 0\/60 · 夜巡 0\/4$/);
    const column = (row: string) => displayWidth(row.slice(0, row.search(/\d+%/)));
    expect(column(rows[0]!)).toBe(column(rows[1]!));
  });

  it('reads as English: the month by name, one ticket', async () => {
    const { quarterly, monthly } = await quarter();
    const month = renderMonthly(monthly, translator('en'), 'en').text!.split('\n');
    expect(month[0]).toBe('📊 荷东第一网格 · monthly report, March 2026');
    expect(month[1]).toBe('① 1 ticket: 1 done, 0 open; 100% on time');
    const ranking = renderQuarterly(quarterly, translator('en')).text!;
    expect(ranking).toContain('grids side by side, Q1 2026');
    expect(ranking).toMatch(/1\. 荷东第一网格 +100% · 5\.0 · 1 ticket · 2 h · patrols 1\/60 · nights 0\/4/);
    expect(ranking).toContain('① 2 tickets: 1 done, 1 open; 50% on time');
    const en = translator('en');
    expect(en('reconcile.mismatch', { count: 1, details: 'accounts 1' })).toContain('found 1 mismatch (accounts 1)');
    expect(en('patrol.photosAdded', { count: 1, time: '09:00' })).toContain('Attached 1 photo to');
    expect(en('patrol.photosAdded', { count: 2, time: '09:00' })).toContain('Attached 2 photos to');
  });
});

describe('rhythm jobs through the simulated clock', () => {
  it("the issue's morning: reminder at 08:00, 小李 patrols, and at 12:00 the community hears grid 2 did not", async () => {
    const demo = demoChat({ start: MONDAY_0759 });
    const at8 = await demo.advance(MINUTE);
    expect(demo.textsIn(at8, 'grid-1-staff')).toEqual([expect.stringContaining('巡查提醒')]);
    const [logged] = await demo.say('li', 'grid-1-staff', '巡查');
    expect(logged?.text).toContain('已登记');
    const toNoon = await demo.advance(4 * HOUR);
    expect(demo.textsIn(toNoon, 'community')).toEqual([expect.stringMatching(/荷东第二网格.*没有登记巡查/)]);
  });

  it('the 1st of the month brings the monthly report to grid and community staff rooms, the quarter its ranking', async () => {
    const demo = demoChat({ start: MONDAY_0759 });
    await march(demo);
    const april = await demo.advance(new Date('2026-04-01T09:00:00+08:00').getTime() - demo.clock.now().getTime());
    const grid1 = demo.textsIn(april, 'grid-1-staff').find((t) => t.includes('月报'));
    expect(grid1).toBeDefined();
    const lines = grid1!.split('\n');
    expect(lines[0]).toBe('📊 荷东第一网格 · 2026年3月 月报');
    expect(lines[1]).toBe('① 工单 1 件：办结 1，在办 0；按时办结 100%');
    expect(lines[2]).toBe('② 满意度 5.0 分（评价 1 件，未评 0 件）');
    expect(lines[3]).toMatch(/^③ 巡查 1\/60 个半天/);
    expect(grid1).toContain('2 小时');
    const community = demo.textsIn(april, 'community');
    const communityMonth = community.find((t) => t.includes('月报'));
    expect(communityMonth).toContain('T2');
    // T2 was escalated twice and is still open: the community was not on time with it
    expect(communityMonth).toContain('按时办结 50%');
    const ranking = community.find((t) => t.includes('比学赶超'));
    expect(ranking).toContain('2026年第1季度');
    expect(ranking).toMatch(/1\. 荷东第一网格/);
    expect(ranking).toMatch(/后进赶超：荷东第二网格/);
    // no double report when the same time is run again
    expect(demo.services.jobs.run('monthly-reminder', new Date('2026-04-01T09:00:00+08:00'), 'schedule')).toEqual({ status: 'skipped', reason: 'already-ran' });
  });

  it("an expired voucher's points return to the holder, who is told", async () => {
    const demo = demoChat({ start: MONDAY_0759 });
    await march(demo);
    await demo.say('yang', 'grid-1', '兑换 G1');
    const [points] = await demo.say('yang', 'dm:yang', '积分');
    expect(points?.text).toMatch(/的积分：0\n/);
    const months = await demo.advance(92 * DAY);
    expect(demo.textsIn(months, 'dm:yang').some((t) => t.includes('过期'))).toBe(true);
    const [after] = await demo.say('yang', 'dm:yang', '积分');
    expect(after?.text).toMatch(/的积分：20\n/);
  });

  it("the annual review on Jan 5 lists the year per community and grid and party members' hours", async () => {
    const demo = demoChat({ start: new Date('2026-12-30T10:00:00+08:00') });
    await march(demo);
    const sent = await demo.advance(new Date('2027-01-05T09:00:00+08:00').getTime() - demo.clock.now().getTime());
    const review = demo.textsIn(sent, 'street').find((t) => t.includes('年度评审'));
    expect(review).toContain('2026年');
    expect(review).toContain('【荷东社区】');
    expect(review).toContain('· 杨幼红 2 小时');
    expect(review).toContain('· 社区书记老赵 0 小时');
  });

  it('reconciliation reports a tampered balance to the street staff room, and is quiet when all adds up', async () => {
    const demo = demoChat({ start: MONDAY_0759 });
    await march(demo);
    const quiet = demo.services.jobs.run('reconcile', new Date('2026-03-03T03:00:00+08:00'), 'schedule');
    expect(quiet).toMatchObject({ status: 'ok', run: { sent: 0 } });
    demo.services.db.run(sql`UPDATE ledger_accounts SET balance = balance + 5 WHERE kind = 'member'`);
    const loud = demo.services.jobs.run('reconcile', new Date('2026-03-04T03:00:00+08:00'), 'schedule');
    expect(loud).toMatchObject({ status: 'ok', run: { sent: 1 } });
    await demo.chat.deliver();
    expect(demo.sent.at(-1)).toMatchObject({ room: 'street', text: expect.stringContaining('对账发现') });
  });

  it('after downtime, catches up the missed monthly report once and skips the stale reminders', async () => {
    const demo = demoChat({ start: new Date('2026-02-28T09:00:00+08:00') });
    await demo.advance(DAY); // March 1: the February report runs, and reminders
    const before = demo.sent.length;
    demo.clock.set(new Date('2026-04-03T12:30:00+08:00')); // down until April 3
    const outcomes = demo.services.jobs.catchUp(demo.clock.now());
    await demo.chat.deliver();
    const caughtUp = demo.sent.slice(before);
    expect(outcomes.filter((o) => o.outcome.status === 'ok').length).toBeGreaterThan(0);
    expect(caughtUp.filter((o) => o.text.includes('2026年3月 月报')).length).toBe(3); // two grids and the community
    expect(caughtUp.some((o) => o.text.includes('巡查提醒'))).toBe(false);
    expect(demo.services.jobs.catchUp(demo.clock.now()).filter((o) => o.outcome.status === 'ok')).toEqual([]);
  });

  it('after downtime, catches up the reports of an installation younger than their period, which never ran', async () => {
    const demo = demoChat({ start: new Date('2026-03-02T09:00:00+08:00') });
    await demo.advance(20 * DAY); // no 1st of the month on the way: the reports have never run
    expect(demo.services.jobs.lastRun('monthly-reminder')).toBeUndefined();
    const before = demo.sent.length;
    demo.clock.set(new Date('2026-04-02T10:00:00+08:00')); // down over April 1
    const names: string[] = [];
    const scheduler = new CronScheduler(demo.services.jobs, (name, outcome) => void names.push(`${name} ${outcome.status}`));
    try {
      const caughtUp = await scheduler.start();
      expect(caughtUp.find((c) => c.name === 'monthly-reminder')?.at).toEqual(new Date('2026-04-01T09:00:00+08:00'));
    } finally {
      await scheduler.stop();
    }
    expect(names).toEqual(expect.arrayContaining(['monthly-reminder ok', 'quarterly-dispatch ok']));
    expect(names).not.toContain('annual-review ok'); // not due since the scheduler first ran
    await demo.chat.deliver();
    const caughtUp = demo.sent.slice(before).map((o) => o.text);
    expect(caughtUp.filter((t) => t.includes('2026年3月 月报')).length).toBe(3);
    expect(caughtUp.some((t) => t.includes('2026年第1季度'))).toBe(true);
  });
});
