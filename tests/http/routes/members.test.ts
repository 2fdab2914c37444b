import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog } from '../../../src/db/schema/index.js';
import { createMember, grantRole } from '../../../src/domain/org/members.js';
import { apiHarness } from '../harness.js';

const names = (body: { data: { name: string }[] }) => body.data.map((m) => m.name);

describe('GET /members', () => {
  it("lists members with a role in the caller's subtree", async () => {
    const h = apiHarness();
    expect(names((await h.call('GET', '/members', { token: h.tokens.staff })).body)).toEqual(['金阿姨', '王阿姨', '网格员小李', '杨幼红']);
    expect(names((await h.call('GET', '/members', { token: h.tokens.grid2 })).body)).toEqual(['网格员小陈']);
    expect((await h.call('GET', '/members', { token: h.tokens.root })).body.data).toHaveLength(9);
  });

  it('filters by unit, role and name', async () => {
    const h = apiHarness();
    const list = async (query: string) => names((await h.call('GET', `/members${query}`, { token: h.tokens.community })).body);
    expect(await list(`?unitId=${h.ids.units.grid2.id}`)).toEqual(['网格员小陈']);
    expect(await list('?role=merchant')).toEqual(['海林理发店', '渔港按摩坊']);
    expect(await list(`?role=staff&unitId=${h.ids.units.grid1.id}`)).toEqual(['网格员小李']);
    expect(await list(`?q=${encodeURIComponent('阿姨')}`)).toEqual(['金阿姨', '王阿姨']);
  });

  it('shows each member with their active roles', async () => {
    const h = apiHarness();
    const yang = (await h.call('GET', '/members?q=' + encodeURIComponent('杨'), { token: h.tokens.root })).body.data[0];
    expect(yang.roles.map((r: { role: string; unitName: string }) => `${r.role}@${r.unitName}`)).toEqual(['resident@荷东第一网格', 'volunteer@荷东社区']);
    expect(yang).toMatchObject({ partyMember: true, language: 'zh', mergedInto: null });
  });
});

describe('GET /members/{id}', () => {
  it('includes the time-bank totals', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', `/members/${h.ids.members.wang.id}`, { token: h.tokens.staff });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ name: '王阿姨', notes: '独居老人', balance: 0, hoursGiven: 0, hoursReceived: 0 });
  });

  it('answers 404 for an unknown member, 403 for one with no role in scope', async () => {
    const h = apiHarness();
    expect((await h.call('GET', '/members/999', { token: h.tokens.staff })).status).toBe(404);
    const stranger = createMember(h.system, { name: '路人' });
    expect((await h.call('GET', `/members/${stranger.id}`, { token: h.tokens.staff })).status).toBe(403);
    expect((await h.call('GET', `/members/${stranger.id}`, { token: h.tokens.root })).status).toBe(200);
  });
});

describe('POST /members', () => {
  it('registers a person with a first role, audited as the token', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/members', {
      token: h.tokens.staff,
      body: { name: '张大爷', phone: '13800000000', unitId: h.ids.units.building3.id },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ name: '张大爷', phone: '13800000000', language: 'zh', roles: [{ role: 'resident', unitName: '3号楼' }] });
    const audit = h.services.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, String(answer.body.id)))
      .all();
    expect(audit.map((a) => [a.action, a.actorKind])).toEqual([
      ['member.create', 'token'],
      ['role.grant', 'token'],
    ]);
  });

  it.each([
    ['an admin role from a staff token', { role: 'admin' }, 403],
    ['a unit outside', { unitId: 'grid2' }, 403],
    ['an unknown unit', { unitId: 777 }, 404],
    ['an empty name', { name: ' ' }, 400],
    ['a name longer than 64 characters', { name: '张'.repeat(65) }, 400],
    ['an unknown language', { language: 'fr' }, 400],
  ])('refuses %s', async (_, change, status) => {
    const h = apiHarness();
    const body = { name: '张大爷', unitId: h.ids.units.grid1.id, ...change };
    if (body.unitId === 'grid2') body.unitId = h.ids.units.grid2.id;
    expect((await h.call('POST', '/members', { token: h.tokens.staff, body })).status).toBe(status);
  });

  it('creates once per Idempotency-Key', async () => {
    const h = apiHarness();
    const call = () =>
      h.call('POST', '/members', { token: h.tokens.staff, body: { name: '张大爷', unitId: h.ids.units.grid1.id }, headers: { 'idempotency-key': 'zhang' } });
    const [first, second] = [await call(), await call()];
    expect(second.body.id).toBe(first.body.id);
    expect(names((await h.call('GET', '/members?q=' + encodeURIComponent('张'), { token: h.tokens.staff })).body)).toEqual(['张大爷']);
  });
});

describe('PATCH /members/{id}', () => {
  it('changes and clears fields', async () => {
    const h = apiHarness();
    const path = `/members/${h.ids.members.wang.id}`;
    const changed = await h.call('PATCH', path, { token: h.tokens.staff, body: { phone: '13900000000', language: 'en', notes: null } });
    expect(changed.body).toMatchObject({ phone: '13900000000', language: 'en', notes: null });
  });

  it.each([
    ['nothing to change', {}, 400],
    ['an empty name', { name: '' }, 400],
    ['a partyMember that is not a boolean', { partyMember: 'yes' }, 400],
  ])('refuses %s', async (_, body, status) => {
    const h = apiHarness();
    expect((await h.call('PATCH', `/members/${h.ids.members.wang.id}`, { token: h.tokens.staff, body })).status).toBe(status);
  });

  it('answers 404 for an unknown member', async () => {
    const h = apiHarness();
    expect((await h.call('PATCH', '/members/999', { token: h.tokens.root, body: { name: 'x' } })).status).toBe(404);
  });
});

describe('roles', () => {
  it('grants (201), grants again (200) and revokes', async () => {
    const h = apiHarness();
    const path = `/members/${h.ids.members.jin.id}/roles`;
    const body = { role: 'volunteer', unitId: h.ids.units.grid1.id };
    const granted = await h.call('POST', path, { token: h.tokens.staff, body });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ role: 'volunteer', unitName: '荷东第一网格', revokedAt: null });
    const again = await h.call('POST', path, { token: h.tokens.staff, body });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(granted.body.id);
    const revoked = await h.call('DELETE', `${path}/${granted.body.id}`, { token: h.tokens.staff });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBe(h.clock.now().toISOString());
    expect((await h.call('DELETE', `${path}/${granted.body.id}`, { token: h.tokens.staff })).status).toBe(404);
  });

  it('lets someone from elsewhere take a role here', async () => {
    const h = apiHarness();
    const stranger = createMember(h.system, { name: '新来的' });
    const answer = await h.call('POST', `/members/${stranger.id}/roles`, { token: h.tokens.staff, body: { role: 'resident', unitId: h.ids.units.grid1.id } });
    expect(answer.status).toBe(201);
    expect((await h.call('GET', `/members/${stranger.id}`, { token: h.tokens.staff })).status).toBe(200);
  });

  it.each([
    ['staff grants staff', 'staff', 'staff', 403],
    ['staff grants merchant', 'staff', 'merchant', 403],
    ['admin grants staff', 'community', 'staff', 201],
    ['admin grants admin', 'community', 'admin', 201],
  ] as const)('%s → %i', async (_, who, role, status) => {
    const h = apiHarness();
    const answer = await h.call('POST', `/members/${h.ids.members.jin.id}/roles`, { token: h.tokens[who], body: { role, unitId: h.ids.units.grid1.id } });
    expect(answer.status).toBe(status);
  });

  it("keeps staff from revoking a staff grant, and any token from another member's grant", async () => {
    const h = apiHarness();
    const staffGrant = grantRole(h.system, { memberId: h.ids.members.jin.id, role: 'staff', unitId: h.ids.units.building3.id });
    expect((await h.call('DELETE', `/members/${h.ids.members.jin.id}/roles/${staffGrant.id}`, { token: h.tokens.staff })).status).toBe(403);
    expect((await h.call('DELETE', `/members/${h.ids.members.wang.id}/roles/${staffGrant.id}`, { token: h.tokens.root })).status).toBe(404);
  });

  it('answers unknown members and units with 404', async () => {
    const h = apiHarness();
    expect((await h.call('POST', '/members/999/roles', { token: h.tokens.root, body: { role: 'resident', unitId: h.ids.units.grid1.id } })).status).toBe(404);
    expect((await h.call('POST', `/members/${h.ids.members.jin.id}/roles`, { token: h.tokens.root, body: { role: 'resident', unitId: 777 } })).status).toBe(
      404,
    );
    expect((await h.call('DELETE', '/members/999/roles/1', { token: h.tokens.root })).status).toBe(404);
  });
});
