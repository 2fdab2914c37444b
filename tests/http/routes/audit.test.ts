import { describe, expect, it } from 'vitest';
import { auditLog } from '../../../src/db/schema/index.js';
import { cancelTicket } from '../../../src/domain/tickets/cancel.js';
import { addPhotos } from '../../../src/domain/tickets/photos.js';
import { plusOneTicket } from '../../../src/domain/tickets/plusone.js';
import { reportTicket } from '../../../src/domain/tickets/report.js';
import { as, report, roomId } from '../fixtures.js';
import { apiHarness } from '../harness.js';
import { ROUTES, routeLabel } from '../routes-table.js';

describe('GET /audit', () => {
  it('lists newest first and filters', async () => {
    const h = apiHarness();
    const created = await h.call('POST', '/units', { token: h.tokens.community, body: { parentId: h.ids.units.grid2.id, kind: 'building', name: '9号楼' } });
    h.clock.advance(60_000);
    const answer = await h.call('GET', '/audit?limit=1', { token: h.tokens.root });
    expect(answer.body.data[0]).toMatchObject({ action: 'unit.create', targetId: String(created.body.id), actorKind: 'token', data: { name: '9号楼' } });
    const seeded = await h.call('GET', '/audit?actorKind=system&actorId=seed&action=unit.create&limit=500', { token: h.tokens.root });
    expect(seeded.body.data).toHaveLength(5);
    const since = await h.call('GET', `/audit?from=${encodeURIComponent(new Date(h.clock.now().getTime() - 1000).toISOString())}`, { token: h.tokens.root });
    expect(since.body.data).toEqual([]);
    const before = await h.call('GET', `/audit?to=${encodeURIComponent(h.clock.now().toISOString())}&targetType=unit&targetId=${created.body.id}`, {
      token: h.tokens.root,
    });
    expect(before.body.data).toHaveLength(1);
  });

  it("shows a subtree token the entries about its subtree and by its subtree's tokens", async () => {
    const h = apiHarness();
    await h.call('POST', '/broadcasts', { token: h.tokens.street, body: { unitId: h.ids.units.grid1.id, text: 'a' } });
    await h.call('POST', '/broadcasts', { token: h.tokens.street, body: { unitId: h.ids.units.grid2.id, text: 'b' } });
    await h.call('POST', '/binding-codes', { token: h.tokens.grid2, body: { unitId: h.ids.units.grid2.id } });
    const seen = async (token: string) =>
      (await h.call('GET', '/audit?limit=500', { token })).body.data.map(
        (a: { action: string; targetType: string; targetId: string }) => `${a.action} ${a.targetType}:${a.targetId}`,
      );
    const grid2 = await seen(h.tokens.grid2);
    expect(grid2).toContain(`broadcast.send unit:${h.ids.units.grid2.id}`);
    expect(grid2).not.toContain(`broadcast.send unit:${h.ids.units.grid1.id}`);
    expect(grid2.some((a: string) => a.startsWith('bindingCode.create'))).toBe(true);
    expect(grid2).toContain(`member.create member:${h.ids.members.chen.id}`);
    expect(grid2).not.toContain(`member.create member:${h.ids.members.jin.id}`);
    const root = await seen(h.tokens.root);
    expect(root.length).toBeGreaterThan(grid2.length);
  });

  it('pages backwards through time with the cursor', async () => {
    const h = apiHarness();
    const all = (await h.call('GET', '/audit?limit=500', { token: h.tokens.root })).body.data.map((a: { id: number }) => a.id);
    const first = await h.call('GET', '/audit?limit=10', { token: h.tokens.root });
    const second = await h.call('GET', `/audit?limit=10&cursor=${first.body.nextCursor}`, { token: h.tokens.root });
    expect([...first.body.data, ...second.body.data].map((a: { id: number }) => a.id)).toEqual(all.slice(0, 20));
  });

  it("names an anonymous reporter's own actions on their ticket to admin tokens only", async () => {
    const h = apiHarness();
    const jin = String(h.ids.members.jin.id);
    const ticket = report(h, 'jin', '楼上装修噪音太大', { anonymous: true });
    plusOneTicket(as(h, 'wang'), ticket.id);
    cancelTicket(as(h, 'jin'), ticket.id, {});
    const entries = async (token: string, query = '') =>
      (await h.call('GET', `/audit?targetType=ticket&targetId=${ticket.id}${query}`, { token })).body.data as { action: string; actorId: string | null }[];
    const byAction = (list: { action: string; actorId: string | null }[]) => Object.fromEntries(list.map((e) => [e.action, e.actorId]));
    expect(byAction(await entries(h.tokens.staff))).toEqual({ 'ticket.report': null, 'ticket.cancel': null, 'ticket.plusone': String(h.ids.members.wang.id) });
    expect(byAction(await entries(h.tokens.community))).toMatchObject({ 'ticket.report': jin, 'ticket.cancel': jin });
    // a search by actor does not find them either, nor does the CSV name them
    expect(await entries(h.tokens.staff, `&actorKind=member&actorId=${jin}`)).toEqual([]);
    expect(await entries(h.tokens.community, `&actorKind=member&actorId=${jin}`)).toHaveLength(2);
    const csv = await h.call('GET', `/audit?targetType=ticket&targetId=${ticket.id}&format=csv`, { token: h.tokens.staff });
    expect(csv.text).not.toMatch(new RegExp(`,member,${jin},ticket\\.`));
    // a report that is not anonymous names its reporter to everyone
    const named = report(h, 'jin', '3号楼门禁坏了');
    const plain = (await h.call('GET', `/audit?targetType=ticket&targetId=${named.id}`, { token: h.tokens.staff })).body.data;
    expect(plain.find((e: { action: string }) => e.action === 'ticket.report').actorId).toBe(jin);
  });

  it('names someone who backed a ticket through an anonymous report to admin tokens only', async () => {
    const h = apiHarness();
    const wang = String(h.ids.members.wang.id);
    const ticket = report(h, 'jin', '3号楼路灯坏了');
    const file = { hash: 'ef'.repeat(32), path: 'files/ef/x.jpg', mimeType: 'image/jpeg', size: 10 };
    reportTicket(as(h, 'wang'), { unitId: h.ids.units.grid1.id, roomId: roomId(h, 'grid-1'), text: '3号楼的路灯不亮了', anonymous: true });
    addPhotos(as(h, 'wang'), ticket.id, [file]);
    plusOneTicket(as(h, 'yang'), ticket.id);
    const entries = async (token: string, query = '') =>
      (await h.call('GET', `/audit?targetType=ticket&targetId=${ticket.id}${query}`, { token })).body.data as {
        action: string;
        actorId: string | null;
        data: unknown;
      }[];
    const staff = await entries(h.tokens.staff);
    expect(staff.map((e) => [e.action, e.actorId])).toEqual([
      ['ticket.plusone', String(h.ids.members.yang.id)],
      ['ticket.photo', null],
      ['ticket.plusone', null],
      ['ticket.report', String(h.ids.members.jin.id)],
    ]);
    expect(staff[2]!.data).toEqual({ duplicate: true, anonymous: true });
    expect(await entries(h.tokens.staff, `&actorKind=member&actorId=${wang}`)).toEqual([]);
    expect((await entries(h.tokens.community)).filter((e) => e.actorId === wang)).toHaveLength(2);
  });

  it('refuses a malformed instant', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', '/audit?from=yesterday', { token: h.tokens.root });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].path).toBe('query.from');
  });
});

describe('every mutating call', () => {
  const mutating = ROUTES.filter((r) => r.method !== 'GET');
  it.each(mutating.map((r) => [routeLabel(r), r] as const))('%s writes the audit log as its token', async (_, route) => {
    const h = apiHarness();
    // The request first: it may make what it acts on (a ticket, a voucher), which is audited as its maker.
    const { path, body } = route.request(h);
    const before = h.services.db.select().from(auditLog).all().length;
    const answer = await h.call(route.method, path, { token: h.tokens.root, body });
    expect(answer.status).toBeLessThan(300);
    const added = h.services.db.select().from(auditLog).all().slice(before);
    expect(added.length).toBeGreaterThan(0);
    for (const row of added) expect(row).toMatchObject({ actorKind: 'token', actorId: '0' });
  });
});
