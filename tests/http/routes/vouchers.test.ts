import { describe, expect, it } from 'vitest';
import { DAY } from '../../../src/clock.js';
import { outbox } from '../../../src/db/schema/index.js';
import { balanceOf, memberAccount, merchantAccount } from '../../../src/domain/ledger/accounts.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { refundVoucher } from '../../../src/domain/rewards/refund.js';
import { verifyVoucher } from '../../../src/domain/rewards/verify.js';
import { as, buy } from '../fixtures.js';
import { apiHarness, type Harness } from '../harness.js';

/** How a list shows an unused code to tokens other than its merchant's. */
const masked = (code: string) => `${code.slice(0, 2)}****${code.slice(-2)}`;
const points = (h: Harness, memberId: number) => balanceOf(h.services.db, memberAccount(memberId));
const lastTo = (h: Harness, room: string) =>
  h.services.db
    .select()
    .from(outbox)
    .all()
    .filter((r) => r.roomId === room)
    .at(-1)?.text;

describe('GET /vouchers', () => {
  it.each([
    ['an unknown holder', 'root', '?memberId=999', 404, 'NOT_FOUND'],
    ['an unknown reward', 'root', '?rewardId=999', 404, 'NOT_FOUND'],
    ['a reward outside the subtree', 'grid2', '?rewardId=1', 403, 'FORBIDDEN'],
    ["another merchant's reward, to a merchant token", 'merchant', '?rewardId=2', 403, 'FORBIDDEN'],
    ['an unknown merchant, in the rewards list', 'root', '', 404, 'NOT_FOUND'],
  ] as const)('answers a filter naming %s as for the thing itself (%i)', async (_, token, query, status, code) => {
    const h = apiHarness();
    const path = query ? `/vouchers${query}` : '/rewards?merchantId=999';
    const answer = await h.call('GET', path, { token: h.tokens[token] });
    expect(answer).toMatchObject({ status, body: { code } });
  });

  it('filters by a known reward for its merchant', async () => {
    const h = apiHarness();
    buy(h, 'yang');
    expect((await h.call('GET', '/vouchers?rewardId=1', { token: h.tokens.merchant })).body.data).toHaveLength(1);
  });

  it("lists the subtree's vouchers newest first, filtered by holder, reward and status", async () => {
    const h = apiHarness();
    const a = buy(h, 'yang');
    const b = buy(h, 'jin', 2);
    const c = buy(h, 'jin');
    verifyVoucher(as(h, 'barber'), { code: c.code });
    refundVoucher(as(h, 'jin'), { code: b.code });
    const codes = async (query = '', token = h.tokens.community) =>
      (await h.call('GET', `/vouchers${query}`, { token })).body.data.map((v: { code: string }) => v.code);
    // used and cancelled codes are harmless; an unused one is masked
    expect(await codes()).toEqual([c.code, b.code, masked(a.code)]);
    expect(await codes(`?memberId=${h.ids.members.jin.id}`)).toEqual([c.code, b.code]);
    expect(await codes('?rewardId=2')).toEqual([b.code]);
    expect(await codes('?status=used')).toEqual([c.code]);
    expect(await codes('?status=cancelled')).toEqual([b.code]);
    expect(await codes('?status=issued')).toEqual([masked(a.code)]);
    expect(await codes('', h.tokens.grid2)).toEqual([]);
  });

  it('shows a voucher with its reward and holder', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    const [shown] = (await h.call('GET', '/vouchers', { token: h.tokens.root })).body.data;
    expect(shown).toEqual({
      id: v.id,
      code: masked(v.code),
      rewardId: 1,
      rewardRef: 'G1',
      rewardName: '理发券',
      merchantId: h.ids.members.barber.id,
      memberId: h.ids.members.yang.id,
      memberName: '杨幼红',
      pointsCost: 20,
      status: 'issued',
      issuedAt: h.clock.now().toISOString(),
      expiresAt: new Date(h.clock.now().getTime() + 90 * DAY).toISOString(),
      usedAt: null,
      cancelledAt: null,
      expiredAt: null,
    });
  });

  it('reads an unused voucher past its date as expired, before the job sweeps it', async () => {
    const h = apiHarness();
    buy(h, 'yang');
    h.clock.advance(91 * DAY);
    const list = async (query: string) => (await h.call('GET', `/vouchers${query}`, { token: h.tokens.root })).body.data;
    expect((await list(''))[0].status).toBe('expired');
    expect(await list('?status=issued')).toEqual([]);
    expect(await list('?status=expired')).toHaveLength(1);
  });

  it("gives a merchant token its own merchant's vouchers, unused codes masked", async () => {
    const h = apiHarness();
    const mine = buy(h, 'yang');
    buy(h, 'jin', 2);
    const used = buy(h, 'jin');
    verifyVoucher(as(h, 'barber'), { code: used.code });
    const data = (await h.call('GET', '/vouchers', { token: h.tokens.merchant })).body.data;
    expect(data.map((v: { code: string; status: string }) => [v.code, v.status])).toEqual([
      [used.code, 'used'],
      [`…${mine.code.slice(-4)}`, 'issued'],
    ]);
  });

  it('gives the page as CSV', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    const answer = await h.call('GET', '/vouchers?format=csv', { token: h.tokens.root });
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = answer.text.replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]).toBe('id,code,reward,rewardName,merchantId,memberId,memberName,pointsCost,status,issuedAt,expiresAt,usedAt,cancelledAt,expiredAt');
    expect(lines[1]).toContain(`${masked(v.code)},G1,理发券`);
    expect(answer.text).not.toContain(v.code);
  });

  it('refuses an unknown status', async () => {
    const h = apiHarness();
    expect((await h.call('GET', '/vouchers?status=lost', { token: h.tokens.root })).status).toBe(400);
  });
});

describe('GET /vouchers/{code}', () => {
  it('finds a voucher however the code is typed; the merchant sees its own code in full', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    const typed = `${v.code.slice(0, 4).toLowerCase()}-${v.code.slice(4)}`;
    const answer = await h.call('GET', `/vouchers/${typed}`, { token: h.tokens.merchant });
    expect(answer.body).toMatchObject({ code: v.code, memberName: '杨幼红', status: 'issued' });
    expect((await h.call('GET', '/vouchers/NOSUCHCODE22', { token: h.tokens.root })).status).toBe(404);
  });
});

describe('POST /vouchers/{code}/redeem', () => {
  it("uses a voucher with the merchant's token: the price to the merchant, the holder told", async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    const answer = await h.call('POST', `/vouchers/${v.code}/redeem`, { token: h.tokens.merchant });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'used', usedAt: h.clock.now().toISOString() });
    expect(balanceOf(h.services.db, merchantAccount(h.ids.members.barber.id))).toBe(20);
    expect(lastTo(h, 'dm:yang')).toContain('你的理发券已于');
    expect(reconcile(h.services.db).ok).toBe(true);
  });

  it('says when a used voucher was used, in the caller’s language (409)', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    await h.call('POST', `/vouchers/${v.code}/redeem`, { token: h.tokens.merchant });
    const again = await h.call('POST', `/vouchers/${v.code}/redeem`, { token: h.tokens.merchant, headers: { 'accept-language': 'zh' } });
    expect(again).toMatchObject({ status: 409, body: { code: 'ALREADY_USED' } });
    expect(again.body.detail).toMatch(/^这张理发券已于 .+ 核销，不能重复使用。$/);
    const english = await h.call('POST', `/vouchers/${v.code}/redeem`, { token: h.tokens.merchant, headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(english.body.detail).toMatch(/^This 理发券 voucher was already used on [^月]+; it cannot be used twice\.$/);
  });

  it('answers a retry with the same Idempotency-Key with the first response', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    const send = () => h.call('POST', `/vouchers/${v.code}/redeem`, { token: h.tokens.merchant, headers: { 'idempotency-key': 'counter-1' } });
    const first = await send();
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('takes a retry that types the code another way as the same request', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    const typed = `${v.code.slice(0, 4).toLowerCase()}-${v.code.slice(4).toLowerCase()}`;
    const send = (code: string) => h.call('POST', `/vouchers/${code}/redeem`, { token: h.tokens.merchant, headers: { 'idempotency-key': 'counter-2' } });
    const first = await send(v.code);
    const again = await send(typed);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it.each([
    ['cancelled', 'CONFLICT'],
    ['expired', 'EXPIRED'],
  ] as const)('refuses a %s voucher with 409', async (state, code) => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    if (state === 'cancelled') refundVoucher(as(h, 'yang'), { code: v.code });
    else h.clock.advance(91 * DAY);
    const answer = await h.call('POST', `/vouchers/${v.code}/redeem`, { token: h.tokens.merchant });
    expect(answer).toMatchObject({ status: 409, body: { code } });
  });

  it("lets an admin of the reward's subtree verify, not staff", async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    expect((await h.call('POST', `/vouchers/${v.code}/redeem`, { token: h.token('staff', h.ids.units.community.id) })).status).toBe(403);
    expect((await h.call('POST', `/vouchers/${v.code}/redeem`, { token: h.tokens.community })).body.status).toBe('used');
  });
});

describe('POST /vouchers/{code}/cancel', () => {
  it('refunds an unused voucher: points back, one to stock, the holder told', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    const answer = await h.call('POST', `/vouchers/${v.code}/cancel`, { token: h.tokens.community });
    expect(answer.body).toMatchObject({ status: 'cancelled', cancelledAt: h.clock.now().toISOString() });
    expect(points(h, h.ids.members.yang.id)).toBe(20);
    expect((await h.call('GET', '/rewards/1', { token: h.tokens.root })).body.stock).toBe(10);
    expect(lastTo(h, 'dm:yang')).toContain('已由管理员退券，20 积分已退回');
    expect(reconcile(h.services.db).ok).toBe(true);
  });

  it('expires a voucher past its date instead, which returns the same', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    h.clock.advance(91 * DAY);
    expect((await h.call('POST', `/vouchers/${v.code}/cancel`, { token: h.tokens.root })).body.status).toBe('expired');
    expect(points(h, h.ids.members.yang.id)).toBe(20);
  });

  it.each([
    ['used', 'ALREADY_USED'],
    ['cancelled', 'CONFLICT'],
  ] as const)('refuses a %s voucher with 409', async (state, code) => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    if (state === 'used') verifyVoucher(as(h, 'barber'), { code: v.code });
    else refundVoucher(as(h, 'yang'), { code: v.code });
    const answer = await h.call('POST', `/vouchers/${v.code}/cancel`, { token: h.tokens.root });
    expect(answer).toMatchObject({ status: 409, body: { code } });
  });

  it('refunds once per Idempotency-Key', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    const send = () => h.call('POST', `/vouchers/${v.code}/cancel`, { token: h.tokens.root, headers: { 'idempotency-key': 'oops' } });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    expect(points(h, h.ids.members.yang.id)).toBe(20);
  });
});
