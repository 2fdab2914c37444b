import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, identities } from '../../../src/db/schema/index.js';
import { translator } from '../../../src/i18n/index.js';
import { memberActor } from '../../../src/domain/context.js';
import { createMember, grantRole } from '../../../src/domain/org/members.js';
import { escalateTicket } from '../../../src/domain/tickets/escalate.js';
import { statusCard } from '../../../src/chat/render/tickets.js';
import { hiddenFrom } from '../../../src/domain/tickets/permissions.js';
import { plusOneTicket } from '../../../src/domain/tickets/plusone.js';
import { reportTicket } from '../../../src/domain/tickets/report.js';
import { anonymousPeople, eventsOf, getTicket } from '../../../src/domain/tickets/store.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { historyOf, ticketView } from '../../../src/domain/tickets/view.js';
import { type Who, ticketsDemo } from '../../helpers/tickets.js';

type Demo = ReturnType<typeof ticketsDemo>;

const file = { hash: 'cd'.repeat(32), path: 'files/cd/x.jpg', mimeType: 'image/jpeg', size: 10 };

/** jin reports a broken lamp by name; wang says the same anonymously, with a photo. */
function setup() {
  const demo = ticketsDemo();
  const t = demo.report('jin', '3号楼路灯坏了');
  const input = { unitId: demo.ids.units.grid1.id, roomId: demo.roomId('grid-1'), text: '3号楼的路灯不亮了', anonymous: true, files: [file] };
  const joined = reportTicket(demo.as('wang'), input);
  return { demo, t, joined, input };
}

/** 进度 as `who` reads it, in a private chat or a group. */
function progress(demo: Demo, id: number, who: Who, inGroup = false): string {
  const ticket = getTicket(demo.db, id);
  const view = ticketView(demo.db, ticket);
  const hidden = hiddenFrom(demo.db, demo.ids.members[who].id, ticket, view.anonymous, inGroup);
  return statusCard(translator('zh'), 'zh', view, historyOf(demo.db, id), { now: demo.clock.now(), timeZone: 'Asia/Shanghai' }, hidden);
}

describe('an anonymous report that joins an open ticket', () => {
  it('is an anonymous 附议: counted, and recorded as anonymous in the event and the audit entry', () => {
    const { demo, t, joined } = setup();
    expect(joined).toMatchObject({ kind: 'duplicate', own: false, anonymous: true, ticket: { id: t.id, plusOnes: 1 } });
    const plus = eventsOf(demo.db, t.id).find((e) => e.kind === 'plusone');
    expect(plus?.data).toEqual({ duplicate: true, anonymous: true });
    const audited = demo.db.select().from(auditLog).where(eq(auditLog.action, 'ticket.plusone')).get();
    expect(audited?.data).toEqual({ duplicate: true, anonymous: true });
    expect([...anonymousPeople(demo.db, getTicket(demo.db, t.id))]).toEqual([demo.ids.members.wang.id]);
  });

  it('is "一位居民" in 进度 to the reporter, other followers and staff; named to themselves and to admins in private', () => {
    const { demo, t } = setup();
    plusOneTicket(demo.as('yang'), t.id);
    for (const who of ['jin', 'yang', 'li', 'zhao'] as const) {
      const card = progress(demo, t.id, who);
      expect(card, who).toContain('一位居民 附议：3号楼的路灯不亮了');
      expect(card, who).toContain('一位居民 补充照片 1 张');
      expect(card, who).not.toContain('王阿姨');
      // the reporter, who was not anonymous, and a named 附议 are still named
      expect(card, who).toContain('报事人：金阿姨');
      expect(card, who).toContain('杨幼红 附议');
    }
    expect(progress(demo, t.id, 'wang')).toContain('王阿姨 附议');
    expect(progress(demo, t.id, 'admin')).toContain('王阿姨 附议');
    expect(progress(demo, t.id, 'admin', true)).not.toContain('王阿姨');
    expect(progress(demo, t.id, 'wang', true)).not.toContain('王阿姨');
  });

  it('is not named in the history handed to the staff above', () => {
    const { demo, t } = setup();
    escalateTicket(demo.as('li'), t.id);
    const notice = demo.outboxTo('community').at(-1)!.text;
    expect(notice).toContain('一位居民 附议');
    expect(notice).not.toContain('王阿姨');
  });

  it('stays anonymous next to an anonymous reporter, and is never addressed in a group', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '楼上天天半夜装修', { anonymous: true });
    // someone without a private chat, who said it in the grid's group
    const newbie = createMember(demo.system, { name: '李大爷' });
    grantRole(demo.system, { memberId: newbie.id, role: 'resident', unitId: demo.ids.units.grid1.id });
    demo.db
      .insert(identities)
      .values({ platform: 'shell', platformUserId: 'newbie', memberId: newbie.id, displayName: '李大爷', createdAt: demo.clock.now() })
      .run();
    const as = { ...demo.services.deps, actor: memberActor(newbie.id) };
    const joined = reportTicket(as, { unitId: demo.ids.units.grid1.id, roomId: demo.roomId('grid-1'), text: '楼上半夜装修太吵了', anonymous: true });
    expect(joined).toMatchObject({ kind: 'duplicate', anonymous: true });
    expect(anonymousPeople(demo.db, getTicket(demo.db, t.id))).toEqual(new Set([demo.ids.members.jin.id, newbie.id]));
    const card = progress(demo, t.id, 'li');
    expect(card).not.toContain('李大爷');
    expect(card).not.toContain('金阿姨');

    takeTicket(demo.as('li'), t.id);
    const told = demo.outboxTo('grid-1').filter((m) => m.text.includes('你附议的 T1'));
    expect(told).toHaveLength(1);
    expect(told[0]!.mentionUserId).toBeNull();
  });

  it('leaves someone who already backs it by name named, and says so', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    plusOneTicket(demo.as('wang'), t.id);
    const joined = reportTicket(demo.as('wang'), { unitId: demo.ids.units.grid1.id, roomId: null, text: '3号楼的路灯不亮了', anonymous: true });
    expect(joined).toMatchObject({ kind: 'duplicate', anonymous: false, ticket: { plusOnes: 1 } });
    expect(progress(demo, t.id, 'jin')).toContain('王阿姨 附议');
  });

  it('names a plain duplicate report as before', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    const joined = reportTicket(demo.as('wang'), { unitId: demo.ids.units.grid1.id, roomId: null, text: '3号楼的路灯不亮了' });
    expect(joined).toMatchObject({ kind: 'duplicate', anonymous: false });
    expect(eventsOf(demo.db, t.id).at(-1)?.data).toEqual({ duplicate: true });
    expect(progress(demo, t.id, 'li')).toContain('王阿姨 附议');
    const audited = demo.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'ticket.plusone'), eq(auditLog.targetId, String(t.id))))
      .get();
    expect(audited?.data).toEqual({ duplicate: true });
  });
});
