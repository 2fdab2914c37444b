import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../../src/clock.js';
import { auditLog } from '../../../src/db/schema/index.js';
import type { Ctx } from '../../../src/domain/context.js';
import { assignTicket } from '../../../src/domain/tickets/assign.js';
import { cancelTicket } from '../../../src/domain/tickets/cancel.js';
import { ticketNumbers } from '../../../src/domain/tickets/numbers.js';
import { eventsOf } from '../../../src/domain/tickets/store.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { historyOf } from '../../../src/domain/tickets/view.js';
import { historyLines } from '../../../src/chat/render/tickets.js';
import { translator } from '../../../src/i18n/index.js';
import { START } from '../../helpers/services.js';
import { ticketsDemo } from '../../helpers/tickets.js';

const token = (demo: ReturnType<typeof ticketsDemo>): Ctx => ({ ...demo.services.deps, actor: { kind: 'token', tokenId: 7, label: 'office' } });
const texts = (rows: { text: string }[]) => rows.map((r) => r.text);

describe('assignTicket (派单)', () => {
  it('makes an open ticket the assignee’s, starting the resolve window, and tells everyone concerned', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    demo.clock.advance(5 * MINUTE);
    const assigned = assignTicket(demo.as('zhao'), t.id, { memberId: demo.ids.members.li.id });
    expect(assigned).toMatchObject({ status: 'taken', takerId: demo.ids.members.li.id });
    expect(assigned.dueAt!.getTime() - demo.clock.now().getTime()).toBe(DAY);
    expect(eventsOf(demo.db, t.id).at(-1)).toMatchObject({
      kind: 'assign',
      fromStatus: 'open',
      toStatus: 'taken',
      actorId: String(demo.ids.members.zhao.id),
      data: { memberId: demo.ids.members.li.id, name: '网格员小李' },
    });
    expect(texts(demo.outboxTo('dm:li')).at(-1)).toContain('工单 T1「3号楼路灯坏了」已派给你（社区书记老赵派单）');
    expect(demo.outboxTo('dm:li').at(-1)!.buttons).toEqual([[{ label: '办结', command: '/resolve T1' }]]);
    expect(texts(demo.outboxTo('grid-1-staff')).at(-1)).toBe('📌 工单 T1 已由社区书记老赵派给 网格员小李。');
    expect(texts(demo.outboxTo('dm:jin')).at(-1)).toContain('已由 网格员小李 接单');
    const audited = demo.db.select().from(auditLog).where(eq(auditLog.action, 'ticket.assign')).all();
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorKind: 'member', targetId: String(t.id), data: { memberId: demo.ids.members.li.id, previousTakerId: null } });
  });

  it('hands a taken ticket to someone else without moving its deadline; the previous taker is told', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    const taken = takeTicket(demo.as('li'), t.id);
    demo.clock.advance(HOUR);
    const moved = assignTicket(token(demo), t.id, { memberId: demo.ids.members.zhao.id });
    expect(moved).toMatchObject({ status: 'taken', takerId: demo.ids.members.zhao.id, dueAt: taken.dueAt, takenAt: taken.takenAt });
    expect(eventsOf(demo.db, t.id).at(-1)).toMatchObject({ kind: 'assign', fromStatus: null, toStatus: null, actorKind: 'token', actorId: '7' });
    expect(texts(demo.outboxTo('dm:li')).at(-1)).toContain('已改派给 社区书记老赵，不用你处理了');
    expect(texts(demo.outboxTo('dm:zhao')).at(-1)).toContain('已派给你（管理后台派单）');
  });

  it('shows the assignment in the history', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    assignTicket(demo.as('zhao'), t.id, { memberId: demo.ids.members.li.id });
    const lines = historyLines(translator('zh'), 'zh', historyOf(demo.db, t.id), { now: START, timeZone: 'Asia/Shanghai' }, new Set());
    expect(lines.at(-1)).toContain('社区书记老赵 派单给 网格员小李');
  });

  it.each([
    ['staff of another grid assigning', 'chen', 'li', 'FORBIDDEN', 'ticket.assignForbidden'],
    ['a resident assigning', 'jin', 'li', 'FORBIDDEN', 'ticket.assignForbidden'],
    ['assigning to a resident', 'zhao', 'wang', 'INVALID_INPUT', 'ticket.assigneeNotStaff'],
    ['assigning to staff of another grid', 'zhao', 'chen', 'INVALID_INPUT', 'ticket.assigneeNotStaff'],
  ] as const)('refuses %s', (_, by, to, code, key) => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    expect(() => assignTicket(demo.as(by), t.id, { memberId: demo.ids.members[to].id })).toThrow(expect.objectContaining({ code, key }));
    expect(eventsOf(demo.db, t.id).map((e) => e.kind)).toEqual(['report']);
  });

  it('refuses the same assignee twice, a finished ticket and an unknown one', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    assignTicket(demo.as('zhao'), t.id, { memberId: demo.ids.members.li.id });
    expect(() => assignTicket(demo.as('zhao'), t.id, { memberId: demo.ids.members.li.id })).toThrow(
      expect.objectContaining({ code: 'CONFLICT', key: 'ticket.alreadyWith' }),
    );
    cancelTicket(demo.as('jin'), t.id);
    expect(() => assignTicket(demo.as('zhao'), t.id, { memberId: demo.ids.members.zhao.id })).toThrow(
      expect.objectContaining({ key: 'ticket.alreadyCancelled' }),
    );
    expect(() => assignTicket(demo.as('zhao'), 99, { memberId: demo.ids.members.li.id })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('counts as the take in the ticket numbers', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    demo.clock.advance(12 * MINUTE);
    assignTicket(demo.as('zhao'), t.id, { memberId: demo.ids.members.li.id });
    const numbers = ticketNumbers(demo.db, demo.ids.units.community.id, START, new Date(START.getTime() + DAY));
    expect(numbers.timeToTake).toEqual({ count: 1, medianMs: 12 * MINUTE, p90Ms: 12 * MINUTE });
  });
});

describe('cancelTicket through the API', () => {
  it('lets a token cancel with a reason, naming the admin API', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    expect(() => cancelTicket(token(demo), t.id)).toThrow(expect.objectContaining({ key: 'ticket.cancelReasonRequired' }));
    expect(cancelTicket(token(demo), t.id, { reason: '重复' })).toMatchObject({ status: 'cancelled' });
    expect(eventsOf(demo.db, t.id).at(-1)).toMatchObject({ kind: 'cancel', actorKind: 'token', note: '重复' });
    expect(texts(demo.outboxTo('dm:jin')).at(-1)).toBe('✖️ 工单 T1「3号楼路灯坏了」已由管理后台撤销：重复');
  });
});
