import { describe, expect, it } from 'vitest';
import { MINUTE } from '../../../src/clock.js';
import { outbox } from '../../../src/db/schema/index.js';
import { rateTicket } from '../../../src/domain/tickets/rate.js';
import { reportTicket } from '../../../src/domain/tickets/report.js';
import { resolveTicket } from '../../../src/domain/tickets/resolve.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { as, report, roomId } from '../fixtures.js';
import { apiHarness, type Harness } from '../harness.js';

const refs = (body: { data: { ref: string }[] }) => body.data.map((t) => t.ref);
const lastTo = (h: Harness, room: string) =>
  h.services.db
    .select()
    .from(outbox)
    .all()
    .filter((r) => r.roomId === room)
    .at(-1)?.text;

describe('GET /tickets', () => {
  it("lists the subtree's tickets newest first, filtered by unit, status, category and time", async () => {
    const h = apiHarness();
    const lamp = report(h, 'jin', '3号楼路灯坏了');
    h.clock.advance(10 * MINUTE);
    const leak = report(h, 'wang', '2单元水管漏水');
    report(h, 'chen', '门口占道停车', { unitId: h.ids.units.grid2.id, roomId: roomId(h, 'grid-2') });
    takeTicket(as(h, 'li'), leak.id);
    const list = async (query = '', token = h.tokens.community) => refs((await h.call('GET', `/tickets${query}`, { token })).body);
    expect(await list()).toEqual(['T3', 'T2', 'T1']);
    expect(await list('', h.tokens.staff)).toEqual(['T2', 'T1']);
    expect(await list(`?unitId=${h.ids.units.grid2.id}`)).toEqual(['T3']);
    expect(await list('?status=taken')).toEqual(['T2']);
    expect(await list(`?category=${encodeURIComponent('市政照明')}`)).toEqual(['T1']);
    expect(await list(`?category=${lamp.categoryId}`)).toEqual(['T1']);
    expect(await list(`?to=${encodeURIComponent(new Date(lamp.createdAt.getTime() + MINUTE).toISOString())}`)).toEqual(['T1']);
    expect(await list(`?from=${encodeURIComponent(leak.createdAt.toISOString())}`)).toEqual(['T3', 'T2']);
  });

  it('pages with the cursor and gives CSV', async () => {
    const h = apiHarness();
    for (const text of ['路灯坏了', '漏水', '噪音']) report(h, 'jin', text);
    const first = await h.call('GET', '/tickets?limit=2', { token: h.tokens.root });
    const second = await h.call('GET', `/tickets?limit=2&cursor=${first.body.nextCursor}`, { token: h.tokens.root });
    expect([...refs(first.body), ...refs(second.body)]).toEqual(['T3', 'T2', 'T1']);
    const csv = await h.call('GET', '/tickets?format=csv&limit=2', { token: h.tokens.root });
    const lines = csv.text.replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]!.startsWith('ref,status,category,text,')).toBe(true);
    expect(lines[1]!.startsWith('T3,open,')).toBe(true);
    expect(csv.headers.get('link')).toMatch(/^<\/api\/v1\/tickets\?format=csv&limit=2&cursor=.+>; rel="next"$/);
  });

  it('names an anonymous reporter to admin tokens only', async () => {
    const h = apiHarness();
    report(h, 'jin', '有人飞线充电', { anonymous: true });
    const [forStaff] = (await h.call('GET', '/tickets', { token: h.tokens.staff })).body.data;
    expect(forStaff).toMatchObject({ anonymous: true, reporterId: null, reporterName: null });
    const [forAdmin] = (await h.call('GET', '/tickets', { token: h.tokens.community })).body.data;
    expect(forAdmin).toMatchObject({ anonymous: true, reporterId: h.ids.members.jin.id, reporterName: '金阿姨' });
    const csv = await h.call('GET', '/tickets?format=csv', { token: h.tokens.staff });
    expect(csv.text).not.toContain('金阿姨');
    expect(csv.text).toContain('(anonymous)');
  });

  it('refuses an unknown category (404) and a malformed instant (400)', async () => {
    const h = apiHarness();
    expect((await h.call('GET', `/tickets?category=${encodeURIComponent('不存在')}`, { token: h.tokens.root })).status).toBe(404);
    expect((await h.call('GET', '/tickets?category=999', { token: h.tokens.root })).status).toBe(404);
    expect((await h.call('GET', '/tickets?from=yesterday', { token: h.tokens.root })).status).toBe(400);
  });
});

describe('GET /tickets/{id}', () => {
  it('gives the ticket with every event', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '3号楼路灯坏了');
    takeTicket(as(h, 'li'), t.id);
    resolveTicket(as(h, 'li'), t.id, { note: '已换灯泡' });
    rateTicket(as(h, 'jin'), t.id, { rating: 5 });
    const answer = await h.call('GET', `/tickets/${t.id}`, { token: h.tokens.staff });
    expect(answer.body).toMatchObject({ ref: 'T1', status: 'closed', categoryName: '市政照明', takerName: '网格员小李', rating: 5, photos: 0 });
    expect(answer.body.events.map((e: { kind: string; actorId: string }) => [e.kind, e.actorId])).toEqual([
      ['report', String(h.ids.members.jin.id)],
      ['take', String(h.ids.members.li.id)],
      ['resolve', String(h.ids.members.li.id)],
      ['rate', String(h.ids.members.jin.id)],
    ]);
    expect(answer.body.events[2]).toMatchObject({ note: '已换灯泡', fromStatus: 'taken', toStatus: 'resolved', byReporter: false });
  });

  it("hides an anonymous reporter's own events from a staff token", async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '有人飞线充电', { anonymous: true });
    const staff = (await h.call('GET', `/tickets/${t.id}`, { token: h.tokens.staff })).body;
    expect(staff.events[0]).toMatchObject({ kind: 'report', actorKind: 'member', actorId: null, byReporter: true });
    const admin = (await h.call('GET', `/tickets/${t.id}`, { token: h.tokens.root })).body;
    expect(admin.events[0].actorId).toBe(String(h.ids.members.jin.id));
  });

  it('hides who backed it through an anonymous report from a staff token, counting them all the same', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '3号楼路灯坏了');
    const joined = reportTicket(as(h, 'wang'), { unitId: h.ids.units.grid1.id, roomId: roomId(h, 'grid-1'), text: '3号楼的路灯不亮了', anonymous: true });
    expect(joined).toMatchObject({ kind: 'duplicate', anonymous: true });
    const wang = String(h.ids.members.wang.id);
    const staff = (await h.call('GET', `/tickets/${t.id}`, { token: h.tokens.staff })).body;
    expect(staff).toMatchObject({ plusOnes: 1, anonymous: false, reporterId: h.ids.members.jin.id });
    expect(staff.events[1]).toMatchObject({ kind: 'plusone', actorKind: 'member', actorId: null, byReporter: false, data: { anonymous: true } });
    expect(JSON.stringify(staff)).not.toContain(`"${wang}"`);
    const admin = (await h.call('GET', `/tickets/${t.id}`, { token: h.tokens.root })).body;
    expect(admin.events[1].actorId).toBe(wang);
  });

  it('answers an unknown ticket with 404', async () => {
    const h = apiHarness();
    expect((await h.call('GET', '/tickets/99', { token: h.tokens.root })).body).toMatchObject({ status: 404, detail: expect.stringContaining('T99') });
  });
});

describe('POST /tickets/{id}/assign', () => {
  it('hands the ticket to a staff member, who hears it privately', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '3号楼路灯坏了');
    const answer = await h.call('POST', `/tickets/${t.id}/assign`, { token: h.tokens.community, body: { memberId: h.ids.members.li.id } });
    expect(answer.body).toMatchObject({ status: 'taken', takerId: h.ids.members.li.id, takerName: '网格员小李' });
    expect(answer.body.events.at(-1)).toMatchObject({ kind: 'assign', actorKind: 'token', data: { memberId: h.ids.members.li.id } });
    expect(lastTo(h, 'dm:li')).toContain('已派给你（管理后台派单）');
  });

  it.each([
    ['a resident', 'wang', 400, 'INVALID_INPUT'],
    ['staff of another grid', 'chen', 400, 'INVALID_INPUT'],
    ['the one who has it', 'li', 409, 'CONFLICT'],
  ] as const)('refuses %s', async (_, who, status, code) => {
    const h = apiHarness();
    const t = report(h, 'jin', '3号楼路灯坏了');
    takeTicket(as(h, 'li'), t.id);
    const answer = await h.call('POST', `/tickets/${t.id}/assign`, { token: h.tokens.root, body: { memberId: h.ids.members[who].id } });
    expect(answer).toMatchObject({ status, body: { code } });
  });

  it('refuses an unknown member (404) and a missing one (400)', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '3号楼路灯坏了');
    expect((await h.call('POST', `/tickets/${t.id}/assign`, { token: h.tokens.root, body: { memberId: 999 } })).status).toBe(404);
    expect((await h.call('POST', `/tickets/${t.id}/assign`, { token: h.tokens.root, body: {} })).status).toBe(400);
  });
});

describe('POST /tickets/{id}/escalate', () => {
  it('passes the ticket one level up now, with or without a note', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '楼道堆满杂物');
    const up = await h.call('POST', `/tickets/${t.id}/escalate`, { token: h.tokens.staff, body: { note: '需要社区协调物业' } });
    expect(up.body).toMatchObject({ responsibleUnitId: h.ids.units.community.id, level: 1 });
    expect(up.body.events.at(-1)).toMatchObject({ kind: 'escalate', note: '需要社区协调物业', data: { manual: true } });
    expect(lastTo(h, 'community')).toContain('下级主动上报：需要社区协调物业');
    const again = await h.call('POST', `/tickets/${t.id}/escalate`, { token: h.tokens.root });
    expect(again.body).toMatchObject({ responsibleUnitId: h.ids.units.street.id, level: 2 });
  });

  it('refuses at the top of the tree and once resolved (409)', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '楼道堆满杂物');
    await h.call('POST', `/tickets/${t.id}/escalate`, { token: h.tokens.root });
    await h.call('POST', `/tickets/${t.id}/escalate`, { token: h.tokens.root });
    const top = await h.call('POST', `/tickets/${t.id}/escalate`, { token: h.tokens.root });
    expect(top).toMatchObject({ status: 409, body: { detail: 'T1 is with 沈家门街道; there is no unit above to escalate to.' } });
    resolveTicket(as(h, 'admin'), t.id);
    expect((await h.call('POST', `/tickets/${t.id}/escalate`, { token: h.tokens.root })).status).toBe(409);
  });

  it('refuses a note too long', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '楼道堆满杂物');
    expect((await h.call('POST', `/tickets/${t.id}/escalate`, { token: h.tokens.root, body: { note: '长'.repeat(501) } })).status).toBe(400);
  });
});

describe('POST /tickets/{id}/cancel', () => {
  it('cancels with the reason, which the reporter hears', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '3号楼路灯坏了');
    const answer = await h.call('POST', `/tickets/${t.id}/cancel`, { token: h.tokens.staff, body: { reason: '重复报事' } });
    expect(answer.body).toMatchObject({ status: 'cancelled', closedAt: h.clock.now().toISOString() });
    expect(lastTo(h, 'dm:jin')).toBe('✖️ 工单 T1「3号楼路灯坏了」已由管理后台撤销：重复报事');
  });

  it('refuses without a reason (400) and a cancelled ticket (409)', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '3号楼路灯坏了');
    expect((await h.call('POST', `/tickets/${t.id}/cancel`, { token: h.tokens.root, body: { reason: ' ' } })).status).toBe(400);
    await h.call('POST', `/tickets/${t.id}/cancel`, { token: h.tokens.root, body: { reason: 'x' } });
    expect((await h.call('POST', `/tickets/${t.id}/cancel`, { token: h.tokens.root, body: { reason: 'x' } })).body).toMatchObject({
      status: 409,
      code: 'CONFLICT',
    });
  });
});
