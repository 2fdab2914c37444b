import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../../src/clock.js';
import { jobRuns, rooms } from '../../../src/db/schema/index.js';
import { sweepSla } from '../../../src/domain/tickets/sla.js';
import { eventsOf, getTicket } from '../../../src/domain/tickets/store.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { resolveTicket } from '../../../src/domain/tickets/resolve.js';
import { scheduleTable } from '../../../src/jobs/schedule.js';
import { ticketsDemo } from '../../helpers/tickets.js';

describe('SLA escalation, on the simulated clock', () => {
  it('warns at 80%, escalates an untaken ticket to the community after 30 minutes and the street after another 30', async () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    await demo.chat.deliver();

    expect(await demo.advance(23 * MINUTE)).toEqual([]);
    const warning = await demo.advance(MINUTE); // 09:24, 80% of 30 minutes
    expect(warning.map((o) => o.room)).toEqual(['grid-1-staff']);
    expect(warning[0]!.text).toContain('6分钟后超时');
    expect(warning[0]!.text).toContain('超时将上报到荷东社区');
    expect(warning[0]!.buttons).toEqual([[{ label: '接单', command: '/take T1' }]]);
    expect(await demo.advance(5 * MINUTE)).toEqual([]); // warned once

    const escalation = await demo.advance(MINUTE); // 09:30
    expect(getTicket(demo.db, t.id)).toMatchObject({ responsibleUnitId: demo.ids.units.community.id, level: 1, status: 'open' });
    const toCommunity = demo.textsIn(escalation, 'community');
    expect(toCommunity).toHaveLength(1);
    expect(toCommunity[0]).toContain('转到荷东社区：30分钟内无人接单（已过30分钟）');
    expect(toCommunity[0]).toContain('经过');
    expect(toCommunity[0]).toContain('金阿姨 报事');
    expect(toCommunity[0]).toContain('接单时限将到，已提醒');
    expect(toCommunity[0]).toContain('请在 3月2日 10:00 前接单');
    expect(demo.textsIn(escalation, 'grid-1-staff')[0]).toContain('你们仍可处理');
    expect(demo.textsIn(escalation, 'dm:jin')[0]).toContain('已上报到荷东社区');

    const second = await demo.advance(30 * MINUTE); // 10:00
    expect(demo.textsIn(second, 'community')[0]).toContain('超时将上报到沈家门街道'); // 09:54 warning
    expect(demo.textsIn(second, 'street')[0]).toContain('转到沈家门街道');
    expect(getTicket(demo.db, t.id)).toMatchObject({ responsibleUnitId: demo.ids.units.street.id, level: 2 });

    const top = await demo.advance(30 * MINUTE); // 10:30: nowhere higher to go
    expect(demo.textsIn(top, 'street')).toEqual([expect.stringContaining('超时将记为逾期'), expect.stringContaining('已是最高一级')]);
    expect(getTicket(demo.db, t.id)).toMatchObject({ responsibleUnitId: demo.ids.units.street.id, dueAt: null });
    // Nothing more about the ticket (the noon patrol check still speaks up).
    expect((await demo.advance(2 * HOUR)).filter((o) => o.text.includes('T1'))).toEqual([]);
    expect(eventsOf(demo.db, t.id).map((e) => e.kind)).toEqual(['report', 'warn', 'escalate', 'warn', 'escalate', 'warn', 'overdue']);

    // the grid worker can still take it, from wherever it is now
    takeTicket(demo.as('li'), t.id);
    expect(getTicket(demo.db, t.id).status).toBe('taken');
  });

  it('starts a noise dispute at the community, which escalates to the street', async () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '楼上装修噪音太大');
    expect(t.responsibleUnitId).toBe(demo.ids.units.community.id);
    expect(demo.outboxTo('community')).toHaveLength(1);
    expect(demo.outboxTo('grid-1-staff')).toHaveLength(0);
    await demo.advance(30 * MINUTE);
    expect(getTicket(demo.db, t.id).responsibleUnitId).toBe(demo.ids.units.street.id);
  });

  it('announces an urgent ticket to the community at once and escalates it after 10 minutes', async () => {
    const demo = ticketsDemo();
    const t = demo.report('wang', '2单元楼道有人飞线充电');
    expect(demo.outboxTo('grid-1-staff')[0]!.text).toContain('⚠️紧急');
    expect(demo.outboxTo('community')[0]!.text).toContain('🚨 紧急工单');
    await demo.chat.deliver();
    const warned = await demo.advance(8 * MINUTE);
    expect(demo.textsIn(warned, 'grid-1-staff')[0]).toContain('2分钟后超时');
    await demo.advance(2 * MINUTE);
    expect(getTicket(demo.db, t.id).responsibleUnitId).toBe(demo.ids.units.community.id);
  });

  it('escalates a taken ticket not resolved within 24 hours; it stays with its taker', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    takeTicket(demo.as('li'), t.id);
    const start = demo.clock.now().getTime();
    const at = (ms: number) => sweepSla(demo.services.deps, new Date(start + ms));
    expect(at(19 * HOUR)).toEqual({ warned: 0, escalated: 0, overdue: 0 });
    expect(at(19.2 * HOUR)).toEqual({ warned: 1, escalated: 0, overdue: 0 });
    expect(demo.outboxTo('grid-1-staff').at(-1)?.text).toContain('（网格员小李）4小时48分钟后办结超时');
    expect(at(DAY)).toEqual({ warned: 0, escalated: 1, overdue: 0 });
    expect(getTicket(demo.db, t.id)).toMatchObject({ status: 'taken', takerId: demo.ids.members.li.id, responsibleUnitId: demo.ids.units.community.id });
    const notice = demo.outboxTo('community').at(-1)!;
    expect(notice.text).toContain('网格员小李 接单后 1天 内未办结');
    expect(notice.buttons).toEqual([[{ label: '办结', command: '/resolve T1' }]]);
    expect(demo.outboxTo('grid-1-staff').at(-1)?.text).toContain('督办');
    expect(resolveTicket(demo.as('li'), t.id).status).toBe('resolved');
  });

  it('keeps the taker told as a taken ticket climbs over their head: warnings, escalations and overdue', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    takeTicket(demo.as('li'), t.id);
    const start = demo.clock.now().getTime();
    const at = (ms: number) => sweepSla(demo.services.deps, new Date(start + ms));
    const toGrid = () => demo.outboxTo('grid-1-staff').length;
    at(DAY); // to the community; the grid's room hears it went up
    expect(getTicket(demo.db, t.id).responsibleUnitId).toBe(demo.ids.units.community.id);
    let seen = toGrid();

    expect(at(DAY + 19.2 * HOUR)).toMatchObject({ warned: 1 });
    expect(demo.outboxTo('community').at(-1)?.text).toContain('（网格员小李）4小时48分钟后办结超时');
    expect(toGrid()).toBe(seen + 1);
    expect(demo.outboxTo('grid-1-staff').at(-1)?.text).toContain('（网格员小李）4小时48分钟后办结超时');
    seen = toGrid();

    expect(at(2 * DAY)).toMatchObject({ escalated: 1 });
    expect(getTicket(demo.db, t.id)).toMatchObject({ responsibleUnitId: demo.ids.units.street.id, takerId: demo.ids.members.li.id });
    expect(
      demo
        .outboxTo('grid-1-staff')
        .slice(seen)
        .map((o) => o.text),
    ).toEqual([expect.stringContaining('已转到沈家门街道督办')]);
    seen = toGrid();

    at(2 * DAY + 19.2 * HOUR); // warned at the street
    at(3 * DAY); // overdue at the top
    expect(
      demo
        .outboxTo('grid-1-staff')
        .slice(seen)
        .map((o) => o.text),
    ).toEqual([expect.stringContaining('超时将记为逾期'), expect.stringContaining('已是最高一级')]);
  });

  it('tells a taker whose unit has no staff room privately', () => {
    const demo = ticketsDemo();
    demo.db.update(rooms).set({ unitId: null }).where(eq(rooms.platformRoomId, 'grid-1-staff')).run();
    const t = demo.report('jin', '3号楼路灯坏了');
    takeTicket(demo.as('li'), t.id);
    const start = demo.clock.now().getTime();
    sweepSla(demo.services.deps, new Date(start + DAY));
    const seen = demo.outboxTo('dm:li').length;
    sweepSla(demo.services.deps, new Date(start + DAY + 19.2 * HOUR));
    sweepSla(demo.services.deps, new Date(start + 2 * DAY));
    expect(getTicket(demo.db, t.id).responsibleUnitId).toBe(demo.ids.units.street.id);
    expect(
      demo
        .outboxTo('dm:li')
        .slice(seen)
        .map((o) => o.text),
    ).toEqual([expect.stringContaining('4小时48分钟后办结超时'), expect.stringContaining('已转到沈家门街道督办')]);
  });

  it('is a function of now: one late sweep does what a sweep every minute would have', () => {
    const punctual = ticketsDemo();
    const late = ticketsDemo();
    const a = punctual.report('jin', '3号楼路灯坏了');
    const b = late.report('jin', '3号楼路灯坏了');
    const start = punctual.clock.now().getTime();
    for (let m = 1; m <= 65; m++) sweepSla(punctual.services.deps, new Date(start + m * MINUTE));
    expect(sweepSla(late.services.deps, new Date(start + 65 * MINUTE))).toEqual({ warned: 0, escalated: 2, overdue: 0 });
    const pick = (demo: typeof late, id: number) => {
      const { responsibleUnitId, level, slaStartedAt, dueAt } = getTicket(demo.db, id);
      return { responsibleUnitId, level, slaStartedAt, dueAt };
    };
    expect(pick(late, b.id)).toEqual(pick(punctual, a.id));
    expect(pick(late, b.id).dueAt).toEqual(new Date(start + 90 * MINUTE));
    // and again at the same time: nothing more to do
    expect(sweepSla(late.services.deps, new Date(start + 65 * MINUTE))).toEqual({ warned: 0, escalated: 0, overdue: 0 });
  });

  it('leaves resolved, closed and cancelled tickets alone', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    resolveTicket(demo.as('li'), t.id);
    expect(sweepSla(demo.services.deps, new Date(demo.clock.now().getTime() + 10 * DAY))).toEqual({ warned: 0, escalated: 0, overdue: 0 });
  });
});

describe('the ticket jobs', () => {
  it('are in the cron table: the sweep every minute without catch-up, autoclose hourly with it', () => {
    const jobs = Object.fromEntries(scheduleTable().map((j) => [j.name, j]));
    expect(jobs['sla-sweep']).toMatchObject({ cron: '* * * * *', catchUp: false });
    expect(jobs['ticket-autoclose']).toMatchObject({ cron: '0 * * * *', catchUp: true });
  });

  it("keeps the sweep's run records to two days", () => {
    const demo = ticketsDemo();
    const runs = demo.services.jobs;
    const now = demo.clock.now().getTime();
    for (const daysAgo of [3, 2.5, 1]) runs.run('sla-sweep', new Date(now - daysAgo * DAY), 'manual');
    runs.run('sla-sweep', new Date(now), 'schedule');
    const kept = demo.db.select().from(jobRuns).where(eq(jobRuns.job, 'sla-sweep')).all();
    expect(kept.map((r) => (now - r.scheduledFor.getTime()) / DAY)).toEqual([1, 0]);
  });

  it('let the simulated clock skip the minutes when no ticket is due', async () => {
    const demo = ticketsDemo();
    await demo.advance(DAY);
    const sweeps = () => demo.db.select().from(jobRuns).where(eq(jobRuns.job, 'sla-sweep')).all().length;
    expect(sweeps()).toBe(0);
    demo.report('jin', '3号楼路灯坏了');
    await demo.advance(2 * HOUR);
    // the 80% warning and the deadline at each level: 09:24, 09:30, 09:54, 10:00, 10:24, 10:30
    expect(sweeps()).toBe(6);
    // nothing resolved, nothing to close: the hourly auto-close is skipped as well
    expect(
      demo.db
        .select()
        .from(jobRuns)
        .where(and(eq(jobRuns.job, 'ticket-autoclose'), eq(jobRuns.outcome, 'ok')))
        .all(),
    ).toHaveLength(0);
  });

  it('close a resolved ticket three days on, through the scheduler', async () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    resolveTicket(demo.as('li'), t.id);
    await demo.chat.deliver();
    const sent = await demo.advance(3 * DAY + HOUR);
    expect(getTicket(demo.db, t.id)).toMatchObject({ status: 'closed', rating: null });
    expect(demo.textsIn(sent, 'dm:jin')[0]).toContain('已自动关闭');
  });
});
