import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../../src/clock.js';
import { auditLog } from '../../../src/db/schema/index.js';
import type { Ctx } from '../../../src/domain/context.js';
import { escalateTicket } from '../../../src/domain/tickets/escalate.js';
import { historyLines } from '../../../src/chat/render/tickets.js';
import { ticketNumbers } from '../../../src/domain/tickets/numbers.js';
import { resolveTicket } from '../../../src/domain/tickets/resolve.js';
import { sweepSla } from '../../../src/domain/tickets/sla.js';
import { eventsOf, getTicket } from '../../../src/domain/tickets/store.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { historyOf } from '../../../src/domain/tickets/view.js';
import { translator } from '../../../src/i18n/index.js';
import { START } from '../../helpers/services.js';
import { ticketsDemo } from '../../helpers/tickets.js';

const token = (demo: ReturnType<typeof ticketsDemo>): Ctx => ({ ...demo.services.deps, actor: { kind: 'token', tokenId: 7, label: 'office' } });

describe('escalateTicket (上报 now)', () => {
  it('passes an open ticket to the unit above with a fresh take window, telling both units and the reporter', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '楼道堆满杂物');
    demo.clock.advance(10 * MINUTE);
    const up = escalateTicket(demo.as('li'), t.id, { note: '需要社区协调物业' });
    expect(up).toMatchObject({ status: 'open', responsibleUnitId: demo.ids.units.community.id, level: 1, warnedAt: null });
    expect(up.slaStartedAt).toEqual(demo.clock.now());
    expect(up.dueAt!.getTime() - demo.clock.now().getTime()).toBe(30 * MINUTE);
    expect(eventsOf(demo.db, t.id).at(-1)).toMatchObject({
      kind: 'escalate',
      note: '需要社区协调物业',
      unitId: demo.ids.units.community.id,
      data: { phase: 'take', fromUnit: demo.ids.units.grid1.id, manual: true },
    });
    const community = demo.outboxTo('community').at(-1)!.text;
    expect(community).toContain('⬆️ 工单 T1 转到荷东社区：下级主动上报：需要社区协调物业');
    expect(demo.outboxTo('grid-1-staff').at(-1)!.text).toContain('已转到荷东社区');
    // Passed up on purpose, not 督办 for a missed deadline.
    expect(demo.outboxTo('dm:jin').at(-1)!.text).toBe('⬆️ T1「楼道堆满杂物」已上报到荷东社区处理：需要社区协调物业。');
    const audit = demo.db.select().from(auditLog).where(eq(auditLog.action, 'ticket.escalate')).get();
    expect(audit).toMatchObject({ actorKind: 'member', data: { manual: true, note: '需要社区协调物业', to: demo.ids.units.community.id } });
  });

  it('keeps a taken ticket with its taker and restarts the resolve window up there', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    takeTicket(demo.as('li'), t.id);
    demo.clock.advance(2 * HOUR);
    const up = escalateTicket(token(demo), t.id);
    expect(up).toMatchObject({ status: 'taken', takerId: demo.ids.members.li.id, responsibleUnitId: demo.ids.units.community.id });
    expect(up.dueAt!.getTime() - demo.clock.now().getTime()).toBe(DAY);
    expect(eventsOf(demo.db, t.id).at(-1)).toMatchObject({ actorKind: 'token', data: { phase: 'resolve', manual: true } });
  });

  it('reads as a deliberate escalation in the history, and is no SLA breach in the numbers', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    escalateTicket(demo.as('li'), t.id);
    resolveTicket(demo.as('zhao'), t.id);
    const lines = historyLines(translator('zh'), 'zh', historyOf(demo.db, t.id), { now: START, timeZone: 'Asia/Shanghai' }, new Set());
    expect(lines[1]).toContain('网格员小李 上报到荷东社区');
    const numbers = ticketNumbers(demo.db, demo.ids.units.community.id, START, new Date(START.getTime() + DAY));
    expect(numbers.escalations).toEqual({ total: 0, tickets: 0, byLevel: {} });
    expect(numbers.withinSla).toEqual({ resolved: 1, within: 1, overdue: 0, share: 1 });
  });

  it('leaves the SLA sweep as it was: a missed deadline still escalates from its due time', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    sweepSla(demo.services.deps, new Date(START.getTime() + 31 * MINUTE));
    const up = getTicket(demo.db, t.id);
    expect(up).toMatchObject({ responsibleUnitId: demo.ids.units.community.id, slaStartedAt: new Date(START.getTime() + 30 * MINUTE) });
    expect(eventsOf(demo.db, t.id).at(-1)!.data).toEqual({ phase: 'take', fromUnit: demo.ids.units.grid1.id });
  });

  it.each([
    ['staff of another grid', (d: ReturnType<typeof ticketsDemo>, id: number) => escalateTicket(d.as('chen'), id), 'FORBIDDEN', 'ticket.escalateForbidden'],
    ['the reporter', (d: ReturnType<typeof ticketsDemo>, id: number) => escalateTicket(d.as('jin'), id), 'FORBIDDEN', 'ticket.escalateForbidden'],
    [
      'a note too long',
      (d: ReturnType<typeof ticketsDemo>, id: number) => escalateTicket(d.as('li'), id, { note: '长'.repeat(501) }),
      'INVALID_INPUT',
      'ticket.noteTooLong',
    ],
  ])('refuses %s', (_, act, code, key) => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    expect(() => act(demo, t.id)).toThrow(expect.objectContaining({ code, key }));
    expect(getTicket(demo.db, t.id).responsibleUnitId).toBe(demo.ids.units.grid1.id);
  });

  it('refuses at the top of the tree, and a resolved ticket', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    escalateTicket(demo.as('li'), t.id);
    escalateTicket(demo.as('zhao'), t.id);
    expect(() => escalateTicket(token(demo), t.id)).toThrow(expect.objectContaining({ code: 'CONFLICT', key: 'ticket.escalateTop' }));
    resolveTicket(demo.as('admin'), t.id);
    expect(() => escalateTicket(token(demo), t.id)).toThrow(expect.objectContaining({ key: 'ticket.alreadyResolved' }));
  });
});
