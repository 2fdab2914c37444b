import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../../src/clock.js';
import { balanceOf, memberAccount, poolAccount } from '../../../src/domain/ledger/accounts.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { createMember, grantRole } from '../../../src/domain/org/members.js';
import { createUnit, updateUnit } from '../../../src/domain/org/units.js';
import { claimTask, withdrawClaim } from '../../../src/domain/timebank/claim.js';
import { completeTask } from '../../../src/domain/timebank/complete.js';
import { confirmCompletion } from '../../../src/domain/timebank/confirm.js';
import { disputeCompletion } from '../../../src/domain/timebank/dispute.js';
import { hoursOf } from '../../../src/domain/timebank/hours.js';
import { lapseCompletions } from '../../../src/domain/timebank/lapse.js';
import { topVolunteers } from '../../../src/domain/timebank/leaderboard.js';
import { communityOf } from '../../../src/domain/org/units.js';
import { postTask, postWish } from '../../../src/domain/timebank/post-wish.js';
import { ruleCompletion } from '../../../src/domain/timebank/rule.js';
import { completionsOf, getTask, openTasksFor } from '../../../src/domain/timebank/tasks.js';
import { monthRange } from '../../../src/domain/month.js';
import { type DemoDomain, demoDomain, type Who } from '../../helpers/timebank.js';

/** 王阿姨's wish in grid 1, claimed by 杨幼红 and reported at `minutes`. */
function reportedWish(demo: DemoDomain, minutes = 120) {
  const task = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '帮忙买菜' });
  claimTask(demo.as('yang'), { taskId: task.id });
  completeTask(demo.as('yang'), { taskId: task.id, minutes });
  return task;
}

const points = (demo: DemoDomain, who: Who) => balanceOf(demo.services.db, memberAccount(demo.ids.members[who].id));

describe('posting wishes and tasks', () => {
  it('announces a wish in the unit residents groups with a claim button, except the room it was said in', () => {
    const demo = demoDomain();
    const task = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '帮忙换灯泡' });
    expect(task).toMatchObject({ kind: 'wish', requesterId: demo.ids.members.wang.id, postedBy: demo.ids.members.wang.id, slots: 1, capMinutes: 480 });
    expect(demo.outboxTo('grid-1').at(-1)).toContain('W1');
    expect(demo.outboxTo('grid-2')).toEqual([]);
    const quiet = demoDomain();
    const room = quiet.services.db.query.rooms.findFirst({ where: (r, { eq }) => eq(r.platformRoomId, 'grid-1') }).sync()!;
    postWish(quiet.as('wang'), { unitId: quiet.ids.units.grid1.id, title: 'x', skipRoomId: room.id });
    expect(quiet.outboxTo('grid-1')).toEqual([]);
  });

  it('announces a wish of a unit without its own group in the nearest group above', () => {
    const demo = demoDomain();
    const neighbour = createMember(demo.system, { name: '3号楼刘奶奶' });
    grantRole(demo.system, { memberId: neighbour.id, role: 'resident', unitId: demo.ids.units.building3.id });
    postWish({ ...demo.system, actor: { kind: 'member', memberId: neighbour.id } }, { unitId: demo.ids.units.building3.id, title: '搬花盆' });
    expect(demo.outboxTo('grid-1').at(-1)).toContain('微心愿 W1 · 3号楼');
  });

  it('lets staff post for a resident of their unit, who is told', () => {
    const demo = demoDomain();
    const task = postWish(demo.as('li'), { unitId: demo.ids.units.grid1.id, title: '代购药品', requesterId: demo.ids.members.wang.id });
    expect(task).toMatchObject({ requesterId: demo.ids.members.wang.id, postedBy: demo.ids.members.li.id });
    expect(demo.outboxTo('dm:wang').join()).toContain('替你发布了心愿 W1');
  });

  it.each([
    ['a resident for someone else', 'jin', 'grid1', 'wang', 'wish.onBehalfStaffOnly'],
    ['staff for someone outside the unit', 'li', 'grid1', 'chen', 'wish.requesterNotHere'],
    ['staff of another grid', 'chen', 'grid1', 'wang', 'wish.onBehalfStaffOnly'],
  ] as const)('refuses a wish posted by %s', (_, by, unit, forWhom, key) => {
    const demo = demoDomain();
    expect(() => postWish(demo.as(by), { unitId: demo.ids.units[unit].id, title: 'x', requesterId: demo.ids.members[forWhom].id })).toThrow(key);
  });

  it.each([
    ['an empty text', { title: '  ' }, 'task.titleRequired'],
    ['a text too long', { title: '长'.repeat(501) }, 'task.titleTooLong'],
    ['no slots', { slots: 0 }, 'task.badSlots'],
    ['too many slots', { slots: 101 }, 'task.badSlots'],
    ['a cap above a day', { capMinutes: 1441 }, 'task.badCap'],
  ])('refuses a task with %s', (_, change, key) => {
    const demo = demoDomain();
    expect(() => postTask(demo.as('li'), { unitId: demo.ids.units.grid1.id, title: '巡逻', slots: 3, ...change })).toThrow(key);
  });

  it('lets only staff post tasks with slots', () => {
    const demo = demoDomain();
    expect(() => postTask(demo.as('yang'), { unitId: demo.ids.units.grid1.id, title: '巡逻', slots: 3 })).toThrow('auth.staffOnly');
    const task = postTask(demo.as('li'), { unitId: demo.ids.units.grid1.id, title: '夜间巡逻', slots: 3 });
    expect(task).toMatchObject({ kind: 'task', requesterId: null, slots: 3 });
    expect(demo.outboxTo('grid-1').at(-1)).toContain('还差 3 人');
  });

  it('lists open tasks of the unit and those above, with slots left', () => {
    const demo = demoDomain();
    const { grid1, grid2, community, building3 } = demo.ids.units;
    const here = postWish(demo.as('wang'), { unitId: grid1.id, title: '一网格' });
    postTask(demo.as('chen'), { unitId: grid2.id, title: '二网格', slots: 1 });
    const above = postTask(demo.as('zhao'), { unitId: community.id, title: '社区', slots: 2 });
    expect(openTasksFor(demo.services.db, building3.id).map((t) => [t.title, t.slots - t.claimed])).toEqual([
      ['一网格', 1],
      ['社区', 2],
    ]);
    claimTask(demo.as('yang'), { taskId: here.id });
    claimTask(demo.as('yang'), { taskId: above.id });
    expect(openTasksFor(demo.services.db, grid1.id).map((t) => [t.id, t.slots - t.claimed])).toEqual([[above.id, 1]]);
  });
});

describe('claiming', () => {
  it.each([
    ['their own wish', 'wang', 'claim.ownWish'],
    ['a wish twice', 'yang', 'claim.already'],
    ['a full wish', 'jin', 'claim.full'],
    ['a wish of another grid', 'chen', 'claim.notHere'],
  ] as const)('refuses to claim %s', (_, who, key) => {
    const demo = demoDomain();
    const task = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '买菜' });
    claimTask(demo.as('yang'), { taskId: task.id });
    expect(() => claimTask(demo.as(who), { taskId: task.id })).toThrow(key);
  });

  it('refuses an unknown task, naming it', () => {
    const demo = demoDomain();
    expect(() => claimTask(demo.as('yang'), { taskId: 99 })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND', params: { ref: 'W99' } }));
  });

  it('gives a slot back before reporting, not after', () => {
    const demo = demoDomain();
    const task = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '买菜' });
    claimTask(demo.as('yang'), { taskId: task.id });
    withdrawClaim(demo.as('yang'), { taskId: task.id });
    expect(demo.outboxTo('dm:wang').at(-1)).toContain('放弃');
    claimTask(demo.as('jin'), { taskId: task.id });
    completeTask(demo.as('jin'), { taskId: task.id, minutes: 30 });
    expect(() => withdrawClaim(demo.as('jin'), { taskId: task.id })).toThrow('withdraw.reported');
    expect(() => withdrawClaim(demo.as('yang'), { taskId: task.id })).toThrow('task.notClaimed');
  });
});

describe('reporting and confirming hours', () => {
  it('credits points at the unit rate and hours to both sides, once', () => {
    const demo = demoDomain();
    const task = reportedWish(demo, 120);
    expect(demo.outboxTo('dm:wang').at(-1)).toContain('确认 W1');
    const { credited } = confirmCompletion(demo.as('wang'), { taskId: task.id });
    expect(credited).toMatchObject([{ name: '杨幼红', points: 20, creditedMinutes: 120, status: 'confirmed' }]);
    expect(points(demo, 'yang')).toBe(20);
    expect(balanceOf(demo.services.db, poolAccount(demo.ids.units.grid1.id))).toBe(-20);
    expect(hoursOf(demo.services.db, demo.ids.members.yang.id).givenMinutes).toBe(120);
    expect(hoursOf(demo.services.db, demo.ids.members.wang.id).receivedMinutes).toBe(120);
    expect(demo.outboxTo('dm:yang').at(-1)).toContain('获得 20 积分');
    expect(getTask(demo.services.db, task.id).status).toBe('done');
    expect(() => confirmCompletion(demo.as('wang'), { taskId: task.id })).toThrow('confirm.already');
    expect(() => confirmCompletion(demo.as('li'), { taskId: task.id })).toThrow('confirm.already');
    expect(points(demo, 'yang')).toBe(20);
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('asks staff to confirm for a person served who cannot be reached', () => {
    const demo = demoDomain();
    const elder = createMember(demo.system, { name: '李大爷' });
    grantRole(demo.system, { memberId: elder.id, role: 'resident', unitId: demo.ids.units.grid1.id });
    const task = postWish(demo.as('li'), { unitId: demo.ids.units.grid1.id, title: '陪同就医', requesterId: elder.id });
    claimTask(demo.as('yang'), { taskId: task.id });
    completeTask(demo.as('yang'), { taskId: task.id, minutes: 120 });
    expect(demo.outboxTo('grid-1-staff').at(-1)).toContain('我联系不上 李大爷（没有私聊，群里也@不到），请核实后代为确认');
    confirmCompletion(demo.as('li'), { taskId: task.id });
    expect(points(demo, 'yang')).toBe(20);
  });

  it('has a person served who was never sent the hours name them to confirm', () => {
    const demo = demoDomain();
    const elder = createMember(demo.system, { name: '李大爷' });
    grantRole(demo.system, { memberId: elder.id, role: 'resident', unitId: demo.ids.units.grid1.id });
    const task = postWish(demo.as('li'), { unitId: demo.ids.units.grid1.id, title: '陪同就医', requesterId: elder.id });
    claimTask(demo.as('yang'), { taskId: task.id });
    completeTask(demo.as('yang'), { taskId: task.id, minutes: 120 });
    const asElder = { ...demo.system, actor: { kind: 'member' as const, memberId: elder.id } };
    expect(() => confirmCompletion(asElder, { taskId: task.id })).toThrowError(
      expect.objectContaining({ key: 'confirm.unseen', params: { ref: 'W1', name: '杨幼红', hours: '2小时' } }),
    );
    expect(() => confirmCompletion(asElder, { taskId: task.id, minutes: 90 })).toThrow('confirm.changed');
    expect(points(demo, 'yang')).toBe(0);
    confirmCompletion(asElder, { taskId: task.id, minutes: 120 });
    expect(points(demo, 'yang')).toBe(20);
  });

  it('records whether the person served was sent each version of the report', () => {
    const demo = demoDomain();
    const task = reportedWish(demo, 60);
    expect(completionsOf(demo.services.db, task.id)[0]!.requesterTold).toBe(true);
    completeTask(demo.as('yang'), { taskId: task.id, minutes: 90 });
    expect(demo.outboxTo('dm:wang').at(-1)).toContain('服务了 1小时30分钟');
    expect(() => confirmCompletion(demo.as('wang'), { taskId: task.id, minutes: 60 })).toThrow('confirm.changed');
    expect(confirmCompletion(demo.as('wang'), { taskId: task.id }).credited).toMatchObject([{ creditedMinutes: 90, points: 15 }]);
  });

  it('uses the nearest rate up the tree', () => {
    const demo = demoDomain();
    updateUnit(demo.system, demo.ids.units.grid1.id, { pointsPerHour: 12 });
    const task = reportedWish(demo, 90);
    confirmCompletion(demo.as('wang'), { taskId: task.id });
    expect(points(demo, 'yang')).toBe(18);
  });

  it('lets a volunteer correct a pending report, not a settled one', () => {
    const demo = demoDomain();
    const task = reportedWish(demo, 60);
    expect(completeTask(demo.as('yang'), { taskId: task.id, minutes: 90 })).toMatchObject({ corrected: true, points: 15 });
    confirmCompletion(demo.as('wang'), { taskId: task.id });
    expect(points(demo, 'yang')).toBe(15);
    expect(() => completeTask(demo.as('yang'), { taskId: task.id, minutes: 120 })).toThrow('complete.settled');
  });

  it.each([0, -5, 1.5, 24 * 60 + 1])('refuses a report of %s minutes', (minutes) => {
    const demo = demoDomain();
    const task = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '买菜' });
    claimTask(demo.as('yang'), { taskId: task.id });
    expect(() => completeTask(demo.as('yang'), { taskId: task.id, minutes })).toThrow('complete.badHours');
  });

  it('refuses a report from someone who did not claim', () => {
    const demo = demoDomain();
    const task = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '买菜' });
    expect(() => completeTask(demo.as('yang'), { taskId: task.id, minutes: 60 })).toThrow('task.notClaimed');
  });

  it.each([
    ['the volunteer themself', 'yang', 'confirm.notYourself'],
    ['a neighbour who was not served', 'jin', 'confirm.notYours'],
    ['staff of another grid', 'chen', 'confirm.notYours'],
    ['a merchant', 'barber', 'confirm.notYours'],
  ] as const)('refuses confirmation by %s', (_, who, key) => {
    const demo = demoDomain();
    const task = reportedWish(demo);
    expect(() => confirmCompletion(demo.as(who), { taskId: task.id })).toThrow(key);
    expect(points(demo, 'yang')).toBe(0);
  });

  it('lets staff covering the unit confirm for the person served', () => {
    const demo = demoDomain();
    const task = reportedWish(demo);
    confirmCompletion(demo.as('zhao'), { taskId: task.id }); // community staff cover grid 1
    expect(points(demo, 'yang')).toBe(20);
  });

  it('confirms, of several reports, those that say the hours named', () => {
    const demo = demoDomain();
    const task = postTask(demo.as('li'), { unitId: demo.ids.units.grid1.id, title: '夜间巡逻', slots: 2 });
    claimTask(demo.as('yang'), { taskId: task.id });
    claimTask(demo.as('wang'), { taskId: task.id });
    completeTask(demo.as('yang'), { taskId: task.id, minutes: 60 });
    completeTask(demo.as('wang'), { taskId: task.id, minutes: 120 });
    const { credited } = confirmCompletion(demo.as('zhao'), { taskId: task.id, minutes: 120 });
    expect(credited.map((c) => c.name)).toEqual(['王阿姨']);
    expect(points(demo, 'yang')).toBe(0);
    expect(completionsOf(demo.services.db, task.id).find((c) => c.volunteerId === demo.ids.members.yang.id)?.status).toBe('pending');
  });

  it('never lets staff confirm their own service', () => {
    const demo = demoDomain();
    const task = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '修水管' });
    claimTask(demo.as('li'), { taskId: task.id });
    completeTask(demo.as('li'), { taskId: task.id, minutes: 60 });
    expect(() => confirmCompletion(demo.as('li'), { taskId: task.id })).toThrow('confirm.notYourself');
    expect(() => ruleCompletion(demo.as('li'), { taskId: task.id, minutes: 60 })).toThrow('confirm.notYourself');
  });

  it('needs staff for hours above the cap, and tells them', () => {
    const demo = demoDomain();
    const task = reportedWish(demo, 9 * 60);
    expect(demo.outboxTo('grid-1-staff').at(-1)).toContain('超过单次 8小时 上限');
    expect(() => confirmCompletion(demo.as('wang'), { taskId: task.id })).toThrowError(
      expect.objectContaining({ key: 'confirm.overCap', params: { ref: 'W1', cap: 8 } }),
    );
    confirmCompletion(demo.as('li'), { taskId: task.id });
    expect(points(demo, 'yang')).toBe(90);
  });

  it('confirms a multi-slot task for every volunteer at once, or one by name', () => {
    const demo = demoDomain();
    const task = postTask(demo.as('li'), { unitId: demo.ids.units.grid1.id, title: '夜间巡逻', slots: 3 });
    for (const who of ['yang', 'jin', 'wang'] as const) {
      claimTask(demo.as(who), { taskId: task.id });
      completeTask(demo.as(who), { taskId: task.id, minutes: 60 });
    }
    expect(demo.outboxTo('grid-1-staff').at(-1)).toContain('报告任务 W1');
    expect(() => confirmCompletion(demo.as('wang'), { taskId: task.id })).toThrow('confirm.notYours'); // no one is served by a patrol
    confirmCompletion(demo.as('li'), { taskId: task.id, volunteerId: demo.ids.members.jin.id });
    expect(points(demo, 'jin')).toBe(10);
    const { credited } = confirmCompletion(demo.as('li'), { taskId: task.id });
    expect(credited.map((c) => c.name).sort()).toEqual(['杨幼红', '王阿姨'].sort());
    expect(getTask(demo.services.db, task.id).status).toBe('done');
  });

  it('says when there is nothing to confirm yet', () => {
    const demo = demoDomain();
    const task = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '买菜' });
    expect(() => confirmCompletion(demo.as('wang'), { taskId: task.id })).toThrow('confirm.nothing');
  });
});

describe('disputes and rulings', () => {
  it('lets the person served dispute, staff rule, and tells everyone', () => {
    const demo = demoDomain();
    const task = reportedWish(demo, 180);
    expect(() => disputeCompletion(demo.as('li'), { taskId: task.id, reason: 'x' })).toThrow('dispute.requesterOnly');
    expect(() => disputeCompletion(demo.as('wang'), { taskId: task.id, reason: ' ' })).toThrow('dispute.reasonRequired');
    disputeCompletion(demo.as('wang'), { taskId: task.id, reason: '只用了一个小时' });
    expect(demo.outboxTo('grid-1-staff').at(-1)).toContain('只用了一个小时');
    expect(demo.outboxTo('dm:yang').at(-1)).toContain('异议');
    expect(() => confirmCompletion(demo.as('wang'), { taskId: task.id })).toThrow('confirm.disputed');
    expect(() => ruleCompletion(demo.as('wang'), { taskId: task.id, minutes: 60 })).toThrow('auth.staffOnly');
    const { completion } = ruleCompletion(demo.as('li'), { taskId: task.id, minutes: 60 });
    expect(completion).toMatchObject({ status: 'ruled', creditedMinutes: 60, points: 10 });
    expect(points(demo, 'yang')).toBe(10);
    expect(demo.outboxTo('dm:yang').at(-1)).toContain('裁定');
    expect(demo.outboxTo('dm:wang').at(-1)).toContain('裁定');
    expect(() => ruleCompletion(demo.as('li'), { taskId: task.id, minutes: 120 })).toThrow('rule.nothing');
  });

  it('can rule that nothing is credited', () => {
    const demo = demoDomain();
    const task = reportedWish(demo);
    disputeCompletion(demo.as('wang'), { taskId: task.id, reason: '没有来' });
    ruleCompletion(demo.as('li'), { taskId: task.id, minutes: 0 });
    expect(points(demo, 'yang')).toBe(0);
    expect(hoursOf(demo.services.db, demo.ids.members.yang.id).givenMinutes).toBe(0);
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('asks which volunteer when a task has several', () => {
    const demo = demoDomain();
    const task = postTask(demo.as('li'), { unitId: demo.ids.units.grid1.id, title: '义诊', slots: 2 });
    for (const who of ['yang', 'jin'] as const) {
      claimTask(demo.as(who), { taskId: task.id });
      completeTask(demo.as(who), { taskId: task.id, minutes: 60 });
    }
    expect(() => ruleCompletion(demo.as('zhao'), { taskId: task.id, minutes: 30 })).toThrow('task.whichVolunteer');
    ruleCompletion(demo.as('zhao'), { taskId: task.id, minutes: 30, volunteerId: demo.ids.members.jin.id });
    expect(points(demo, 'jin')).toBe(5);
  });
});

describe('lapse', () => {
  it('lapses reports unconfirmed for 7 days, tells the volunteer and staff, who can still rule', () => {
    const demo = demoDomain();
    const task = reportedWish(demo);
    demo.clock.advance(7 * DAY - HOUR);
    expect(lapseCompletions(demo.system)).toBe(0);
    demo.clock.advance(HOUR);
    expect(lapseCompletions(demo.system)).toBe(1);
    expect(lapseCompletions(demo.system)).toBe(0);
    expect(completionsOf(demo.services.db, task.id)[0]!.status).toBe('lapsed');
    expect(demo.outboxTo('dm:yang').at(-1)).toContain('已失效');
    expect(demo.outboxTo('grid-1-staff').at(-1)).toContain('裁定 W1 杨幼红');
    expect(() => confirmCompletion(demo.as('wang'), { taskId: task.id })).toThrow('confirm.lapsed');
    expect(points(demo, 'yang')).toBe(0);
    ruleCompletion(demo.as('li'), { taskId: task.id, minutes: 120 });
    expect(points(demo, 'yang')).toBe(20);
  });

  it('does not lapse disputed reports: they wait for a ruling', () => {
    const demo = demoDomain();
    const task = reportedWish(demo);
    disputeCompletion(demo.as('wang'), { taskId: task.id, reason: '太长' });
    demo.clock.advance(30 * DAY);
    expect(lapseCompletions(demo.system)).toBe(0);
  });
});

describe('leaderboard', () => {
  it('ranks this month of the community by hours, leaving out last month and other communities', () => {
    const demo = demoDomain(new Date('2026-03-31T20:00:00+08:00'));
    const { units } = demo.ids;
    const march = reportedWish(demo, 300);
    confirmCompletion(demo.as('wang'), { taskId: march.id });
    demo.clock.set(new Date('2026-04-01T08:00:00+08:00')); // still March 31 in UTC
    const april = postTask(demo.as('li'), { unitId: units.grid1.id, title: '巡逻', slots: 2 });
    for (const [who, minutes] of [
      ['jin', 60],
      ['yang', 120],
    ] as const) {
      claimTask(demo.as(who), { taskId: april.id });
      completeTask(demo.as(who), { taskId: april.id, minutes });
    }
    confirmCompletion(demo.as('li'), { taskId: april.id });
    // Another community's volunteer does not count here.
    const elsewhere = createUnit(demo.system, { parentId: units.street.id, kind: 'community', name: '荷西社区' });
    const volunteer = createMember(demo.system, { name: '荷西志愿者' });
    grantRole(demo.system, { memberId: volunteer.id, role: 'volunteer', unitId: elsewhere.id });
    const theirs = postTask(demo.as('admin'), { unitId: elsewhere.id, title: '荷西巡逻', slots: 1 });
    claimTask({ ...demo.system, actor: { kind: 'member', memberId: volunteer.id } }, { taskId: theirs.id });
    completeTask({ ...demo.system, actor: { kind: 'member', memberId: volunteer.id } }, { taskId: theirs.id, minutes: 600 });
    confirmCompletion(demo.as('admin'), { taskId: theirs.id });
    const community = communityOf(demo.services.db, units.building3.id);
    expect(community.id).toBe(units.community.id);
    const { start, end } = monthRange(demo.clock.now(), 'Asia/Shanghai');
    expect(topVolunteers(demo.services.db, { unitId: community.id, from: start, to: end }).map((s) => [s.name, s.minutes, s.points])).toEqual([
      ['杨幼红', 120, 20],
      ['金阿姨', 60, 10],
    ]);
    expect(topVolunteers(demo.services.db, { unitId: units.grid2.id, from: start, to: end })).toEqual([]);
  });

  it('uses the unit itself above communities', () => {
    const demo = demoDomain();
    expect(communityOf(demo.services.db, demo.ids.units.street.id).id).toBe(demo.ids.units.street.id);
  });
});

describe('who may claim', () => {
  it('lets a newcomer of the grid claim, not someone without a place', () => {
    const demo = demoDomain();
    const task = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '买菜' });
    const stranger = createMember(demo.system, { name: '路人' });
    expect(() => claimTask({ ...demo.system, actor: { kind: 'member', memberId: stranger.id } }, { taskId: task.id })).toThrow('claim.notHere');
    grantRole(demo.system, { memberId: stranger.id, role: 'resident', unitId: demo.ids.units.building3.id });
    claimTask({ ...demo.system, actor: { kind: 'member', memberId: stranger.id } }, { taskId: task.id });
  });

  it('refuses a token: tasks are claimed by people', () => {
    const demo = demoDomain();
    const task = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '买菜' });
    expect(() => claimTask({ ...demo.system, actor: { kind: 'token', tokenId: 1, label: 'x' } }, { taskId: task.id })).toThrow('task.memberOnly');
  });
});
