import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../../src/clock.js';
import { auditLog, ticketEvents, ticketFollowers, tickets } from '../../../src/db/schema/index.js';
import { type Ctx, memberActor } from '../../../src/domain/context.js';
import { createMember, grantRole } from '../../../src/domain/org/members.js';
import { autocloseUnrated } from '../../../src/domain/tickets/autoclose.js';
import { cancelTicket } from '../../../src/domain/tickets/cancel.js';
import { recategorizeTicket } from '../../../src/domain/tickets/categorize.js';
import { addNote } from '../../../src/domain/tickets/note.js';
import { hiddenFrom, mayFollow, mayStartFollowing, mayView } from '../../../src/domain/tickets/permissions.js';
import { plusOneTicket } from '../../../src/domain/tickets/plusone.js';
import { rateTicket } from '../../../src/domain/tickets/rate.js';
import { reopenTicket } from '../../../src/domain/tickets/reopen.js';
import { reportTicket } from '../../../src/domain/tickets/report.js';
import { resolveTicket } from '../../../src/domain/tickets/resolve.js';
import { anonymousPeople, eventsOf, getTicket } from '../../../src/domain/tickets/store.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { DomainError } from '../../../src/errors.js';
import { ticketsDemo } from '../../helpers/tickets.js';

const kinds = (demo: ReturnType<typeof ticketsDemo>, id: number) => eventsOf(demo.db, id).map((e) => e.kind);

describe('a ticket from report to rating', () => {
  it('goes open → taken → resolved → closed, one immutable event per change', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    expect(t).toMatchObject({ id: 1, status: 'open', responsibleUnitId: demo.ids.units.grid1.id, level: 0 });
    expect(t.dueAt!.getTime() - t.createdAt.getTime()).toBe(30 * MINUTE);

    demo.clock.advance(5 * MINUTE);
    const taken = takeTicket(demo.as('li'), t.id);
    expect(taken).toMatchObject({ status: 'taken', takerId: demo.ids.members.li.id });
    expect(taken.dueAt!.getTime() - taken.takenAt!.getTime()).toBe(DAY);

    demo.clock.advance(40 * MINUTE);
    const resolved = resolveTicket(demo.as('li'), t.id, { note: '已换灯泡' });
    expect(resolved).toMatchObject({ status: 'resolved', dueAt: null });

    const closed = rateTicket(demo.as('jin'), t.id, { rating: 5, comment: '修得很快' });
    expect(closed).toMatchObject({ status: 'closed', rating: 5, comment: '修得很快' });

    const events = eventsOf(demo.db, t.id);
    expect(events.map((e) => [e.kind, e.fromStatus, e.toStatus])).toEqual([
      ['report', null, 'open'],
      ['take', 'open', 'taken'],
      ['resolve', 'taken', 'resolved'],
      ['rate', 'resolved', 'closed'],
    ]);
    expect(events[2]!.note).toBe('已换灯泡');
    expect(events[1]).toMatchObject({ actorKind: 'member', actorId: String(demo.ids.members.li.id), unitId: demo.ids.units.grid1.id });
    const audited = demo.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetType, 'ticket')).all();
    expect(audited.map((a) => a.action)).toEqual(['ticket.report', 'ticket.take', 'ticket.resolve', 'ticket.rate']);
  });

  it('keeps the history: events cannot be changed or deleted', () => {
    const demo = ticketsDemo();
    demo.report('jin', '3号楼路灯坏了');
    expect(() => demo.db.update(ticketEvents).set({ note: 'rewritten' }).run()).toThrow(/append-only/);
    expect(() => demo.db.delete(ticketEvents).run()).toThrow(/append-only/);
    expect(() => demo.db.$client.prepare('UPDATE tickets SET rating = 7').run()).toThrow(/CHECK/);
  });

  it('lets staff resolve an untaken ticket at once, recording the take', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    const resolved = resolveTicket(demo.as('li'), t.id);
    expect(resolved).toMatchObject({ status: 'resolved', takerId: demo.ids.members.li.id });
    expect(kinds(demo, t.id)).toEqual(['report', 'take', 'resolve']);
  });

  it('attaches images that came with the report, once each', () => {
    const demo = ticketsDemo();
    const file = { hash: 'ab'.repeat(32), path: 'files/ab/x.jpg', mimeType: 'image/jpeg', size: 10 };
    const t = demo.report('jin', '3号楼路灯坏了', { files: [file, file] });
    expect(eventsOf(demo.db, t.id)[0]!.data).toMatchObject({ count: 1 });
  });
});

describe('who may do what', () => {
  const setup = () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    return { demo, t };
  };

  it.each([
    ['a neighbour taking', (d: ReturnType<typeof ticketsDemo>, id: number) => takeTicket(d.as('wang'), id), 'FORBIDDEN', 'ticket.takeForbiddenFollow'],
    ['the reporter taking', (d: ReturnType<typeof ticketsDemo>, id: number) => takeTicket(d.as('jin'), id), 'FORBIDDEN', 'ticket.takeForbiddenOwn'],
    ["another grid's worker taking", (d: ReturnType<typeof ticketsDemo>, id: number) => takeTicket(d.as('chen'), id), 'FORBIDDEN', 'ticket.takeForbidden'],
    ['a merchant taking', (d: ReturnType<typeof ticketsDemo>, id: number) => takeTicket(d.as('barber'), id), 'FORBIDDEN', 'ticket.takeForbiddenFollow'],
    [
      'the reporter resolving',
      (d: ReturnType<typeof ticketsDemo>, id: number) => resolveTicket(d.as('jin'), id),
      'FORBIDDEN',
      'ticket.resolveOpenForbiddenOwn',
    ],
    [
      'a neighbour resolving',
      (d: ReturnType<typeof ticketsDemo>, id: number) => resolveTicket(d.as('wang'), id),
      'FORBIDDEN',
      'ticket.resolveOpenForbiddenFollow',
    ],
    [
      "another grid's worker resolving",
      (d: ReturnType<typeof ticketsDemo>, id: number) => resolveTicket(d.as('chen'), id),
      'FORBIDDEN',
      'ticket.resolveOpenForbidden',
    ],
    [
      "another grid's worker backing",
      (d: ReturnType<typeof ticketsDemo>, id: number) => plusOneTicket(d.as('chen'), id),
      'FORBIDDEN',
      'ticket.plusOneForbidden',
    ],
    ['a resident noting', (d: ReturnType<typeof ticketsDemo>, id: number) => addNote(d.as('wang'), id, { note: 'x' }), 'FORBIDDEN', 'ticket.noteForbidden'],
    [
      'a resident recategorising',
      (d: ReturnType<typeof ticketsDemo>, id: number) => recategorizeTicket(d.as('jin'), id, { category: '停车' }),
      'FORBIDDEN',
      'ticket.categorizeForbidden',
    ],
    ['someone else cancelling', (d: ReturnType<typeof ticketsDemo>, id: number) => cancelTicket(d.as('wang'), id), 'FORBIDDEN', 'ticket.cancelForbidden'],
    ['rating before 办结', (d: ReturnType<typeof ticketsDemo>, id: number) => rateTicket(d.as('jin'), id, { rating: 5 }), 'CONFLICT', 'ticket.rateTooEarly'],
    ['rating 7', (d: ReturnType<typeof ticketsDemo>, id: number) => rateTicket(d.as('jin'), id, { rating: 7 }), 'INVALID_INPUT', 'ticket.badRating'],
    ['rating 0', (d: ReturnType<typeof ticketsDemo>, id: number) => rateTicket(d.as('jin'), id, { rating: 0 }), 'INVALID_INPUT', 'ticket.badRating'],
    ['rating 4.5', (d: ReturnType<typeof ticketsDemo>, id: number) => rateTicket(d.as('jin'), id, { rating: 4.5 }), 'INVALID_INPUT', 'ticket.badRating'],
    [
      "rating someone else's ticket",
      (d: ReturnType<typeof ticketsDemo>, id: number) => rateTicket(d.as('wang'), id, { rating: 5 }),
      'FORBIDDEN',
      'ticket.rateForbidden',
    ],
    ['reopening an open ticket', (d: ReturnType<typeof ticketsDemo>, id: number) => reopenTicket(d.as('jin'), id), 'CONFLICT', 'ticket.reopenActive'],
    ["reopening someone else's", (d: ReturnType<typeof ticketsDemo>, id: number) => reopenTicket(d.as('wang'), id), 'FORBIDDEN', 'ticket.reopenForbidden'],
    ['backing your own', (d: ReturnType<typeof ticketsDemo>, id: number) => plusOneTicket(d.as('jin'), id), 'CONFLICT', 'ticket.plusOneOwn'],
    ['an unknown ref', (d: ReturnType<typeof ticketsDemo>, id: number) => takeTicket(d.as('li'), id + 99), 'NOT_FOUND', 'ticket.notFound'],
    [
      'a note with nothing in it',
      (d: ReturnType<typeof ticketsDemo>, id: number) => addNote(d.as('li'), id, { note: '  ' }),
      'INVALID_INPUT',
      'ticket.noteRequired',
    ],
    [
      'an unknown category',
      (d: ReturnType<typeof ticketsDemo>, id: number) => recategorizeTicket(d.as('li'), id, { category: '火星' }),
      'NOT_FOUND',
      'ticket.unknownCategory',
    ],
    [
      'the same category',
      (d: ReturnType<typeof ticketsDemo>, id: number) => recategorizeTicket(d.as('li'), id, { category: '市政照明' }),
      'CONFLICT',
      'ticket.sameCategory',
    ],
    [
      'staff cancelling without a reason',
      (d: ReturnType<typeof ticketsDemo>, id: number) => cancelTicket(d.as('li'), id),
      'INVALID_INPUT',
      'ticket.cancelReasonRequired',
    ],
    [
      'a job reporting',
      (d: ReturnType<typeof ticketsDemo>) => reportTicket(d.system, { unitId: d.ids.units.grid1.id, roomId: null, text: 'x' }),
      'FORBIDDEN',
      'ticket.memberOnly',
    ],
    [
      'an empty report',
      (d: ReturnType<typeof ticketsDemo>) => reportTicket(d.as('jin'), { unitId: d.ids.units.grid1.id, roomId: null, text: '   ' }),
      'INVALID_INPUT',
      'ticket.textRequired',
    ],
    [
      'a report too long',
      (d: ReturnType<typeof ticketsDemo>) => reportTicket(d.as('jin'), { unitId: d.ids.units.grid1.id, roomId: null, text: '灯'.repeat(501) }),
      'INVALID_INPUT',
      'ticket.textTooLong',
    ],
  ])('refuses %s', (_what, act, code, key) => {
    const { demo, t } = setup();
    const before = eventsOf(demo.db, t.id).length;
    let error: unknown;
    try {
      act(demo, t.id);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code, key });
    expect(eventsOf(demo.db, t.id)).toHaveLength(before);
  });

  it('refuses to take a taken ticket, naming who has it', () => {
    const { demo, t } = setup();
    takeTicket(demo.as('li'), t.id);
    expect(() => takeTicket(demo.as('li'), t.id)).toThrow(/ticket.alreadyYours/);
    expect(() => takeTicket(demo.as('zhao'), t.id)).toThrow(
      expect.objectContaining({ key: 'ticket.alreadyTaken', params: expect.objectContaining({ name: '网格员小李' }) }),
    );
  });

  it('lets the taker or staff above resolve, not a fellow grid worker', () => {
    const { demo, t } = setup();
    grantRole(demo.system, { memberId: demo.ids.members.yang.id, role: 'staff', unitId: demo.ids.units.grid1.id });
    takeTicket(demo.as('li'), t.id);
    expect(() => resolveTicket(demo.as('yang'), t.id)).toThrow(/ticket.resolveForbidden/);
    expect(resolveTicket(demo.as('zhao'), t.id, { note: '社区已协调' }).status).toBe('resolved');
    expect(() => resolveTicket(demo.as('li'), t.id)).toThrow(/ticket.alreadyResolved/);
  });

  it('rates once, and not after it closed unrated', () => {
    const { demo, t } = setup();
    resolveTicket(demo.as('li'), t.id);
    rateTicket(demo.as('jin'), t.id, { rating: 4 });
    expect(() => rateTicket(demo.as('jin'), t.id, { rating: 5 })).toThrow(/ticket.alreadyRated/);
    const other = demo.report('jin', '楼道里堆满了杂物');
    resolveTicket(demo.as('li'), other.id);
    demo.clock.advance(3 * DAY);
    expect(autocloseUnrated(demo.services.deps, demo.clock.now())).toBe(1);
    expect(() => rateTicket(demo.as('jin'), other.id, { rating: 5 })).toThrow(/ticket.rateTooLate/);
  });

  it('shows a ticket to its reporter, followers and staff; names an anonymous reporter to admins only', () => {
    const { demo } = setup();
    const anon = demo.report('wang', '楼上装修噪音太大', { anonymous: true });
    const id = (who: 'jin' | 'wang' | 'li' | 'zhao' | 'chen' | 'admin') => demo.ids.members[who].id;
    expect(mayView(demo.db, id('wang'), anon)).toBe(true);
    expect(mayView(demo.db, id('li'), anon)).toBe(true);
    expect(mayView(demo.db, id('chen'), anon)).toBe(false);
    expect(mayView(demo.db, id('jin'), anon)).toBe(false);
    plusOneTicket(demo.as('jin'), anon.id);
    expect(mayView(demo.db, id('jin'), getTicket(demo.db, anon.id))).toBe(true);
    const namedTo = (who: 'wang' | 'li' | 'zhao' | 'admin') => !hiddenFrom(demo.db, id(who), anon, anonymousPeople(demo.db, anon), false).has(id('wang'));
    expect(namedTo('li')).toBe(false);
    expect(namedTo('zhao')).toBe(false);
    expect(namedTo('wang')).toBe(true);
    expect(namedTo('admin')).toBe(true);
  });
});

describe('附议 is for neighbours', () => {
  /** A member holding one role: the people a ticket's refs could reach beyond the demo's. */
  const person = (demo: ReturnType<typeof ticketsDemo>, name: string, role: 'resident' | 'volunteer', unitId: number): Ctx => {
    const member = createMember(demo.system, { name });
    grantRole(demo.system, { memberId: member.id, role, unitId });
    return { ...demo.services.deps, actor: memberActor(member.id) };
  };
  const memberOf = (ctx: Ctx) => (ctx.actor.kind === 'member' ? ctx.actor.memberId : -1);

  it("lets people of the ticket's grid, a building in it or a unit above follow it; not another grid", () => {
    const demo = ticketsDemo();
    const { grid1, grid2, building3, community } = demo.ids.units;
    const t = demo.report('jin', '我家楼上302天天半夜吵架');
    const inBuilding = person(demo, '3号楼居民', 'resident', building3.id);
    const communityVolunteer = person(demo, '社区志愿者', 'volunteer', community.id);
    const otherGrid = person(demo, '第二网格居民', 'resident', grid2.id);
    expect(plusOneTicket(demo.as('wang'), t.id).plusOnes).toBe(1);
    expect(plusOneTicket(inBuilding, t.id).plusOnes).toBe(2);
    expect(plusOneTicket(communityVolunteer, t.id).plusOnes).toBe(3);
    expect(() => plusOneTicket(otherGrid, t.id)).toThrow(expect.objectContaining({ code: 'FORBIDDEN', key: 'ticket.plusOneForbidden' }));
    const refused = getTicket(demo.db, t.id);
    expect(refused.plusOnes).toBe(3);
    expect(mayFollow(demo.db, memberOf(otherGrid), refused)).toBe(false);
    expect(mayView(demo.db, memberOf(otherGrid), refused)).toBe(false);
    expect(
      demo.db
        .select()
        .from(ticketFollowers)
        .all()
        .map((f) => f.memberId),
    ).not.toContain(memberOf(otherGrid));
    expect(eventsOf(demo.db, t.id).filter((e) => e.kind === 'plusone')).toHaveLength(3);

    // A ticket from building 3 is its grid's business: a neighbour elsewhere in grid 1 may follow it.
    const fromBuilding = demo.report('wang', '3号楼电梯坏了', { unitId: building3.id });
    expect(plusOneTicket(person(demo, '第一网格居民', 'resident', grid1.id), fromBuilding.id).plusOnes).toBe(1);
    expect(() => plusOneTicket(otherGrid, fromBuilding.id)).toThrow(/ticket.plusOneForbidden/);
  });

  it("refuses an outsider before saying anything about the ticket's state", () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    resolveTicket(demo.as('li'), t.id);
    expect(() => plusOneTicket(demo.as('chen'), t.id)).toThrow(/ticket.plusOneForbidden/);
    expect(() => plusOneTicket(demo.as('wang'), t.id)).toThrow(/ticket.alreadyResolved/);
  });

  it("posts a follower's news only to a group of the ticket's grid or above", () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    grantRole(demo.system, { memberId: demo.ids.members.wang.id, role: 'resident', unitId: demo.ids.units.grid2.id });
    plusOneTicket(demo.as('wang'), t.id, { roomId: demo.roomId('grid-2') });
    plusOneTicket(demo.as('yang'), t.id, { roomId: demo.roomId('grid-1') });
    const rooms = new Map(
      demo.db
        .select()
        .from(ticketFollowers)
        .all()
        .map((f) => [f.memberId, f.roomId]),
    );
    expect(rooms.get(demo.ids.members.wang.id)).toBeNull();
    expect(rooms.get(demo.ids.members.yang.id)).toBe(demo.roomId('grid-1'));
  });

  it('suggests 附议 only to those who could, and do not yet, follow', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    const id = (who: 'jin' | 'wang' | 'yang' | 'chen') => demo.ids.members[who].id;
    expect(mayStartFollowing(demo.db, id('wang'), t)).toBe(true);
    expect(mayStartFollowing(demo.db, id('jin'), t)).toBe(false);
    expect(mayStartFollowing(demo.db, id('chen'), t)).toBe(false);
    plusOneTicket(demo.as('yang'), t.id);
    expect(mayStartFollowing(demo.db, id('yang'), t)).toBe(false);
    resolveTicket(demo.as('li'), t.id);
    expect(mayStartFollowing(demo.db, id('wang'), getTicket(demo.db, t.id))).toBe(false);
  });
});

describe('the other transitions', () => {
  it('附议 raises the count and subscribes, once', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    expect(plusOneTicket(demo.as('wang'), t.id, { roomId: demo.roomId('grid-1') }).plusOnes).toBe(1);
    expect(plusOneTicket(demo.as('yang'), t.id).plusOnes).toBe(2);
    expect(() => plusOneTicket(demo.as('wang'), t.id)).toThrow(/ticket.plusOneAgain/);
    expect(demo.db.select().from(ticketFollowers).all()).toHaveLength(2);
    resolveTicket(demo.as('li'), t.id);
    expect(() => plusOneTicket(demo.as('zhao'), t.id)).toThrow(/ticket.alreadyResolved/);
  });

  it('a report like an open one joins it instead, unless forced', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    const input = { unitId: demo.ids.units.grid1.id, roomId: demo.roomId('grid-1'), text: '3号楼的路灯不亮了' };
    expect(reportTicket(demo.as('wang'), input)).toMatchObject({ kind: 'duplicate', own: false, ticket: { id: t.id, plusOnes: 1 } });
    // said again by the same neighbour: still one follower
    expect(reportTicket(demo.as('wang'), input)).toMatchObject({ kind: 'duplicate', ticket: { plusOnes: 1 } });
    expect(reportTicket(demo.as('jin'), input)).toMatchObject({ kind: 'duplicate', own: true });
    expect(reportTicket(demo.as('wang'), { ...input, force: true })).toMatchObject({ kind: 'created', ticket: { id: t.id + 1 } });
    expect(eventsOf(demo.db, t.id).map((e) => [e.kind, e.note])).toEqual([
      ['report', null],
      ['plusone', '3号楼的路灯不亮了'],
    ]);
    // a resolved one is not joined
    resolveTicket(demo.as('li'), t.id);
    resolveTicket(demo.as('li'), t.id + 1);
    expect(reportTicket(demo.as('yang'), input)).toMatchObject({ kind: 'created' });
  });

  it('备注 is recorded and told to the reporter', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    addNote(demo.as('li'), t.id, { note: '已联系电工，明早来修' });
    expect(eventsOf(demo.db, t.id).at(-1)).toMatchObject({ kind: 'note', note: '已联系电工，明早来修' });
    expect(demo.outboxTo('dm:jin').at(-1)?.text).toContain('已联系电工');
  });

  it('分类 changes the SLA and moves the ticket up when the new category starts higher', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼门口有点事');
    expect(getTicket(demo.db, t.id).categoryId).not.toBe(null);
    const urgent = recategorizeTicket(demo.as('li'), t.id, { category: '安全隐患' });
    expect(urgent.moved).toBe(false);
    expect(urgent.ticket.dueAt!.getTime() - t.createdAt.getTime()).toBe(10 * MINUTE);
    const dispute = recategorizeTicket(demo.as('li'), t.id, { category: '邻里纠纷' });
    expect(dispute).toMatchObject({ moved: true, ticket: { responsibleUnitId: demo.ids.units.community.id } });
    expect(demo.outboxTo('community').at(-1)?.text).toContain('邻里纠纷');
    expect(eventsOf(demo.db, t.id).filter((e) => e.kind === 'categorize')).toHaveLength(2);
  });

  it('撤销 by the reporter, or by staff with a reason; not twice', () => {
    const demo = ticketsDemo();
    const a = demo.report('jin', '3号楼路灯坏了');
    expect(cancelTicket(demo.as('jin'), a.id, { reason: '自己修好了' })).toMatchObject({ status: 'cancelled', dueAt: null });
    expect(() => cancelTicket(demo.as('jin'), a.id)).toThrow(/ticket.alreadyCancelled/);
    expect(() => reopenTicket(demo.as('jin'), a.id)).toThrow(/ticket.alreadyCancelled/);
    expect(demo.outboxTo('grid-1-staff').at(-1)?.text).toContain('报事人撤销');
    const b = demo.report('wang', '楼道里堆满了杂物');
    takeTicket(demo.as('li'), b.id);
    expect(cancelTicket(demo.as('li'), b.id, { reason: '重复报事' })).toMatchObject({ status: 'cancelled' });
    expect(eventsOf(demo.db, b.id).at(-1)).toMatchObject({ kind: 'cancel', fromStatus: 'taken', toStatus: 'cancelled' });
    expect(demo.outboxTo('dm:wang').at(-1)?.text).toContain('已由网格员小李撤销：重复报事');
  });

  it('重开 within 7 days opens it again one level up, with a fresh take window', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    takeTicket(demo.as('li'), t.id);
    resolveTicket(demo.as('li'), t.id, { note: '已换灯泡' });
    rateTicket(demo.as('jin'), t.id, { rating: 2 });
    demo.clock.advance(2 * DAY);
    const reopened = reopenTicket(demo.as('jin'), t.id, { reason: '灯又不亮了' });
    expect(reopened).toMatchObject({
      status: 'open',
      responsibleUnitId: demo.ids.units.community.id,
      level: 1,
      takerId: null,
      rating: null,
      resolvedAt: null,
    });
    expect(reopened.dueAt!.getTime() - demo.clock.now().getTime()).toBe(30 * MINUTE);
    expect(eventsOf(demo.db, t.id).at(-1)).toMatchObject({ kind: 'reopen', fromStatus: 'closed', toStatus: 'open', note: '灯又不亮了' });
    const notice = demo.outboxTo('community').at(-1)!;
    expect(notice.text).toContain('报事人说没解决：灯又不亮了');
    expect(notice.text).toContain('经过');
    expect(notice.buttons).toEqual([[{ label: '接单', command: '/take T1' }]]);
    expect(demo.outboxTo('grid-1-staff').at(-1)?.text).toContain('已转到荷东社区');
    // the grid worker can still take it
    takeTicket(demo.as('li'), t.id);
    resolveTicket(demo.as('li'), t.id);
    demo.clock.advance(8 * DAY);
    expect(() => reopenTicket(demo.as('jin'), t.id)).toThrow(/ticket.reopenTooLate/);
  });

  it('a reopened ticket at the top stays at the top', () => {
    const demo = ticketsDemo();
    const t = demo.report('admin', '街道办门口路灯坏了', { unitId: demo.ids.units.street.id, roomId: demo.roomId('street') });
    resolveTicket(demo.as('admin'), t.id);
    expect(reopenTicket(demo.as('admin'), t.id)).toMatchObject({ responsibleUnitId: demo.ids.units.street.id, level: 0 });
  });

  it('closes tickets resolved three days ago and unrated, telling the reporter', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    resolveTicket(demo.as('li'), t.id);
    demo.clock.advance(3 * DAY - MINUTE);
    expect(autocloseUnrated(demo.services.deps, demo.clock.now())).toBe(0);
    demo.clock.advance(MINUTE);
    expect(autocloseUnrated(demo.services.deps, demo.clock.now())).toBe(1);
    expect(getTicket(demo.db, t.id)).toMatchObject({ status: 'closed', rating: null });
    expect(eventsOf(demo.db, t.id).at(-1)).toMatchObject({ kind: 'close', actorKind: 'system', actorId: 'ticket-autoclose' });
    expect(demo.outboxTo('dm:jin').at(-1)?.text).toContain('4天内');
    expect(autocloseUnrated(demo.services.deps, demo.clock.now())).toBe(0);
    expect(demo.db.select().from(tickets).where(eq(tickets.status, 'resolved')).all()).toHaveLength(0);
  });
});
