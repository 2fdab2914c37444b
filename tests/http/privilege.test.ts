import { describe, expect, it } from 'vitest';
import { redeem } from '../../src/domain/rewards/redeem.js';
import { adjust } from '../../src/domain/ledger/adjust.js';
import { apiHarness } from './harness.js';

describe('a token cannot reach beyond itself by the back door', () => {
  it('a staff token makes no link code for, and cannot edit, someone holding roles beyond it', async () => {
    const h = apiHarness();
    const admin = h.ids.members.admin.id;
    // making the street's admin a resident of the grid brings them into view...
    const granted = await h.call('POST', `/members/${admin}/roles`, { token: h.tokens.staff, body: { role: 'resident', unitId: h.ids.units.grid1.id } });
    expect(granted.status).toBe(201);
    // ...but not within reach: a link code would hand over their chat accounts
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
});
