import { describe, expect, it } from 'vitest';
import { redeem } from '../../src/domain/rewards/redeem.js';
import { adjust } from '../../src/domain/ledger/adjust.js';
import { linkIdentity } from '../../src/domain/org/identities.js';
import { createMember } from '../../src/domain/org/members.js';
import { apiHarness } from './harness.js';

describe('a token cannot reach beyond itself by the back door', () => {
  it('a staff token makes no link code for, and cannot edit, someone holding roles beyond it', async () => {
    const h = apiHarness();
    const admin = h.ids.members.admin.id;
    // the street's admin cannot be brought into the grid's view by making them a resident of it...
    const granted = await h.call('POST', `/members/${admin}/roles`, { token: h.tokens.staff, body: { role: 'resident', unitId: h.ids.units.grid1.id } });
    expect(granted.status).toBe(403);
    expect(granted.body.code).toBe('FORBIDDEN');
    // ...and were they a resident of it (as a token over both may make them), they are in view but not within reach:
    // a link code would hand over their chat accounts
    expect((await h.call('POST', `/members/${admin}/roles`, { token: h.tokens.street, body: { role: 'resident', unitId: h.ids.units.grid1.id } })).status).toBe(
      201,
    );
    const code = await h.call('POST', '/binding-codes', { token: h.tokens.staff, body: { memberId: admin } });
    expect(code.status).toBe(403);
    expect(code.body.code).toBe('FORBIDDEN');
    const edit = await h.call('PATCH', `/members/${admin}`, { token: h.tokens.staff, body: { name: '冒名' } });
    expect(edit.status).toBe(403);
    // a fellow staff member is beyond a staff token too; a resident is not
    expect((await h.call('POST', '/binding-codes', { token: h.tokens.staff, body: { memberId: h.ids.members.li.id } })).status).toBe(403);
    expect((await h.call('POST', '/binding-codes', { token: h.tokens.staff, body: { memberId: h.ids.members.jin.id } })).status).toBe(201);
    // the street's admin token reaches everyone below it
    expect((await h.call('POST', '/binding-codes', { token: h.tokens.street, body: { memberId: h.ids.members.li.id } })).status).toBe(201);
  });

  it('a token cannot take in someone whose roles elsewhere were revoked, and so reach their points', async () => {
    const h = apiHarness();
    const yang = h.ids.members.yang.id;
    const grants = (await h.call('GET', `/members/${yang}`, { token: h.tokens.root })).body.roles as { id: number }[];
    for (const grant of grants) expect((await h.call('DELETE', `/members/${yang}/roles/${grant.id}`, { token: h.tokens.root })).status).toBe(200);
    const taken = await h.call('POST', `/members/${yang}/roles`, { token: h.tokens.grid2, body: { role: 'resident', unitId: h.ids.units.grid2.id } });
    expect(taken.status).toBe(403);
    expect((await h.call('GET', `/members/${yang}/ledger`, { token: h.tokens.grid2 })).status).toBe(403);
  });

  it('a grid admin cannot mint a merchant token for a shop that trades above its grid', async () => {
    const h = apiHarness();
    const barber = h.ids.members.barber.id; // a merchant of the whole community
    const minted = await h.call('POST', '/tokens', {
      token: h.tokens.grid2,
      body: { role: 'merchant', unitId: h.ids.units.grid2.id, merchantId: barber, label: '理发店' },
    });
    expect(minted.status).toBe(403);
    // a community admin may
    const ok = await h.call('POST', '/tokens', {
      token: h.tokens.community,
      body: { role: 'merchant', unitId: h.ids.units.community.id, merchantId: barber, label: '理发店' },
    });
    expect(ok.status).toBe(201);
    // and that token verifies the barber's vouchers
    adjust(h.system, { memberId: h.ids.members.jin.id, unitId: h.ids.units.community.id, points: 20, reason: '测试', idempotencyKey: 'p-1' });
    const { voucher } = redeem({ ...h.system, actor: { kind: 'member', memberId: h.ids.members.jin.id } }, { rewardId: 1, idempotencyKey: 'r-1' });
    expect((await h.call('POST', `/vouchers/${voucher.code}/redeem`, { token: ok.body.token })).status).toBe(200);
  });

  it('a token cannot bring someone from elsewhere into its scope by giving them a role', async () => {
    const h = apiHarness();
    const yang = h.ids.members.yang.id; // a resident of grid 1, a volunteer of the community
    const grid2 = h.ids.units.grid2.id;
    expect((await h.call('GET', `/members/${yang}`, { token: h.tokens.grid2 })).status).toBe(403);
    const granted = await h.call('POST', `/members/${yang}/roles`, { token: h.tokens.grid2, body: { role: 'resident', unitId: grid2 } });
    expect(granted.status).toBe(403);
    expect(granted.body.detail).toContain(String(yang));
    // so she stays out of view, her points out of reach
    expect((await h.call('GET', `/members/${yang}`, { token: h.tokens.grid2 })).status).toBe(403);
    const adjusted = await h.call('POST', '/ledger/adjustments', { token: h.tokens.grid2, body: { memberId: yang, unitId: grid2, points: -20, reason: 'x' } });
    expect(adjusted.status).toBe(403);
    // the community's token, over both grids, may give her a role in grid 2
    expect((await h.call('POST', `/members/${yang}/roles`, { token: h.tokens.community, body: { role: 'resident', unitId: grid2 } })).status).toBe(201);
  });

  it('a person never given a role (who wrote to the bot in private) may be placed by any token over the unit', async () => {
    const h = apiHarness();
    const newcomer = createMember(h.system, { name: '新居民' });
    expect(
      (await h.call('POST', `/members/${newcomer.id}/roles`, { token: h.tokens.staff, body: { role: 'resident', unitId: h.ids.units.grid1.id } })).status,
    ).toBe(201);
    expect((await h.call('GET', `/members/${newcomer.id}`, { token: h.tokens.staff })).status).toBe(200);
  });

  it('gives no role to a record merged into another, saying which one to use', async () => {
    const h = apiHarness();
    const { wang, yang } = h.ids.members;
    linkIdentity(h.system, { platform: 'shell', platformUserId: 'wang', displayName: wang.name }, yang.id);
    const refused = await h.call('POST', `/members/${wang.id}/roles`, { token: h.tokens.root, body: { role: 'resident', unitId: h.ids.units.grid2.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(`member ${yang.id}`);
  });

  it('a person whose roles were revoked is not a newcomer: another unit’s token cannot take them in', async () => {
    const h = apiHarness();
    const created = await h.call('POST', '/members', { token: h.tokens.grid2, body: { name: '老居民', unitId: h.ids.units.grid2.id } });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    expect((await h.call('DELETE', `/members/${id}/roles/${created.body.roles[0].id}`, { token: h.tokens.grid2 })).status).toBe(200);
    expect((await h.call('POST', `/members/${id}/roles`, { token: h.tokens.staff, body: { role: 'resident', unitId: h.ids.units.grid1.id } })).status).toBe(
      403,
    );
    expect((await h.call('GET', `/members/${id}/ledger`, { token: h.tokens.staff })).status).toBe(403);
    // the token that reaches them still may
    expect((await h.call('POST', `/members/${id}/roles`, { token: h.tokens.grid2, body: { role: 'resident', unitId: h.ids.units.grid2.id } })).status).toBe(
      201,
    );
  });

  it('a grid admin cannot make a shop of the community its merchant, nor mint a token for it', async () => {
    const h = apiHarness();
    const barber = h.ids.members.barber.id;
    const grid2 = h.ids.units.grid2.id;
    expect((await h.call('POST', `/members/${barber}/roles`, { token: h.tokens.grid2, body: { role: 'merchant', unitId: grid2 } })).status).toBe(403);
    // even once the barber also trades in grid 2 (as the community's admin may arrange), the grid's admin does
    // not manage the community's shop: its token would reach every voucher of the barber's
    expect((await h.call('POST', `/members/${barber}/roles`, { token: h.tokens.community, body: { role: 'merchant', unitId: grid2 } })).status).toBe(201);
    const minted = await h.call('POST', '/tokens', { token: h.tokens.grid2, body: { role: 'merchant', unitId: grid2, merchantId: barber, label: '理发店' } });
    expect(minted.status).toBe(403);
    expect(minted.body.code).toBe('FORBIDDEN');
  });

  it('a merchant token stops working once its merchant no longer trades in its unit', async () => {
    const h = apiHarness();
    const spa = h.ids.members.spa.id;
    const grid2 = h.ids.units.grid2.id;
    const granted = await h.call('POST', `/members/${spa}/roles`, { token: h.tokens.community, body: { role: 'merchant', unitId: grid2 } });
    expect(granted.status).toBe(201);
    const minted = await h.call('POST', '/tokens', { token: h.tokens.community, body: { role: 'merchant', unitId: grid2, merchantId: spa, label: '按摩坊' } });
    expect(minted.status).toBe(201);
    expect((await h.call('GET', '/vouchers', { token: minted.body.token })).status).toBe(200);
    expect((await h.call('DELETE', `/members/${spa}/roles/${granted.body.id}`, { token: h.tokens.community })).status).toBe(200);
    // the spa still trades in the community, but not in grid 2, the token's unit
    const refused = await h.call('GET', '/vouchers', { token: minted.body.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    expect(refused.body.detail).toContain('merchant');
    expect((await h.call('GET', '/vouchers', { token: minted.body.token, headers: { 'accept-language': 'zh' } })).body.detail).toContain('商户角色');
    // granted again, it works again
    expect((await h.call('POST', `/members/${spa}/roles`, { token: h.tokens.community, body: { role: 'merchant', unitId: grid2 } })).status).toBe(201);
    expect((await h.call('GET', '/vouchers', { token: minted.body.token })).status).toBe(200);
  });
});
