import { describe, expect, it } from 'vitest';
import { auditLog } from '../../../src/db/schema/index.js';
import { balanceOf, memberAccount, poolAccount } from '../../../src/domain/ledger/accounts.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { verifyVoucher } from '../../../src/domain/rewards/verify.js';
import { claimTask } from '../../../src/domain/timebank/claim.js';
import { completeTask } from '../../../src/domain/timebank/complete.js';
import { confirmCompletion } from '../../../src/domain/timebank/confirm.js';
import { postWish } from '../../../src/domain/timebank/post-wish.js';
import { as, buy } from '../fixtures.js';
import { apiHarness, type Harness } from '../harness.js';

const adjustment = (h: Harness, change: Record<string, unknown> = {}) => ({
  memberId: h.ids.members.jin.id,
  unitId: h.ids.units.grid1.id,
  points: 50,
  reason: '认养花园一季',
  ...change,
});
const points = (h: Harness, who: 'jin' | 'yang') => balanceOf(h.services.db, memberAccount(h.ids.members[who].id));

describe('POST /ledger/adjustments', () => {
  it("grants from the unit's pool, audited with the reason, and deducts back to it", async () => {
    const h = apiHarness();
    const granted = await h.call('POST', '/ledger/adjustments', { token: h.tokens.community, body: adjustment(h) });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ memberId: h.ids.members.jin.id, unitId: h.ids.units.grid1.id, points: 50, reason: '认养花园一季', balance: 50 });
    expect(balanceOf(h.services.db, poolAccount(h.ids.units.grid1.id))).toBe(-50);
    const deducted = await h.call('POST', '/ledger/adjustments', { token: h.tokens.community, body: adjustment(h, { points: -20, reason: '重复发放' }) });
    expect(deducted.body.balance).toBe(30);
    const audited = h.services.db
      .select()
      .from(auditLog)
      .all()
      .filter((a) => a.action === 'ledger.adjust');
    expect(audited.map((a) => [a.actorKind, (a.data as { reason: string }).reason])).toEqual([
      ['token', '认养花园一季'],
      ['token', '重复发放'],
    ]);
    expect(reconcile(h.services.db).ok).toBe(true);
  });

  it("takes the token's unit when none is named; a whole-tree token must name one", async () => {
    const h = apiHarness();
    const { unitId: _, ...body } = adjustment(h);
    expect((await h.call('POST', '/ledger/adjustments', { token: h.tokens.community, body })).body.unitId).toBe(h.ids.units.community.id);
    const root = await h.call('POST', '/ledger/adjustments', { token: h.tokens.root, body });
    expect(root).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT', detail: 'This token acts on the whole tree: name the unit with unitId.' } });
  });

  it('pays once per Idempotency-Key; another body under it is a 409', async () => {
    const h = apiHarness();
    const send = (body: unknown) => h.call('POST', '/ledger/adjustments', { token: h.tokens.root, body, headers: { 'idempotency-key': 'garden-q1' } });
    const first = await send(adjustment(h));
    const again = await send(adjustment(h));
    expect(again.body).toEqual(first.body);
    expect(points(h, 'jin')).toBe(50);
    expect((await send(adjustment(h, { points: 60 }))).status).toBe(409);
    expect(points(h, 'jin')).toBe(50);
  });

  it('refuses a deduction beyond the balance with 409, saying how many are missing', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/ledger/adjustments', { token: h.tokens.root, body: adjustment(h, { points: -5 }) });
    expect(answer).toMatchObject({ status: 409, body: { code: 'INSUFFICIENT_POINTS', detail: 'Not enough points: 5 short.' } });
  });

  it.each([
    ['no reason', { reason: '  ' }, 400],
    ['zero points', { points: 0 }, 400],
    ['a fraction', { points: 2.5 }, 400],
    ['a huge grant', { points: 1_000_000 }, 400],
    ['a member outside the unit', { memberId: 'chen' }, 400],
    ['an unknown member', { memberId: 999 }, 404],
    ['a unit above the token', { unitId: 'street' }, 403],
  ])('refuses %s', async (_, change: Record<string, unknown>, status) => {
    const h = apiHarness();
    const body: Record<string, unknown> = adjustment(h, change);
    if (body.memberId === 'chen') {
      body.memberId = h.ids.members.chen.id;
      body.unitId = h.ids.units.grid1.id;
    }
    if (body.unitId === 'street') body.unitId = h.ids.units.street.id;
    const answer = await h.call('POST', '/ledger/adjustments', { token: h.tokens.community, body });
    expect(answer.status, answer.text).toBe(status);
    expect(reconcile(h.services.db).checked.transactions).toBe(0);
  });
});

describe('GET /members/{id}/ledger', () => {
  it('gives the statement newest first, paged, and as CSV', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    verifyVoucher(as(h, 'barber'), { code: v.code });
    const path = `/members/${h.ids.members.yang.id}/ledger`;
    const page = await h.call('GET', path, { token: h.tokens.staff });
    expect(page.body.data.map((l: { reason: string; amount: number; memo: string }) => [l.reason, l.amount, l.memo])).toEqual([
      ['redeem', -20, 'G1 理发券'],
      ['adjust', 20, 'test grant'],
    ]);
    const first = await h.call('GET', `${path}?limit=1`, { token: h.tokens.staff });
    const second = await h.call('GET', `${path}?limit=1&cursor=${first.body.nextCursor}`, { token: h.tokens.staff });
    expect([...first.body.data, ...second.body.data]).toEqual(page.body.data);
    expect(second.body.nextCursor).toBeNull();
    const csv = await h.call('GET', `${path}?format=csv`, { token: h.tokens.staff });
    const yang = String(h.ids.members.yang.id);
    expect(csv.text.replace('\uFEFF', '').split('\r\n').slice(0, 2)).toEqual([
      'transactionId,at,reason,memo,amount,actorKind,actorId',
      `${page.body.data[0].transactionId},${page.body.data[0].at},redeem,G1 理发券,-20,member,${yang}`,
    ]);
  });

  it('says who caused each movement', async () => {
    const h = apiHarness();
    const jin = h.ids.members.jin.id;
    await h.call('POST', '/ledger/adjustments', { token: h.tokens.community, body: { memberId: jin, points: 30, reason: '认养花园' } });
    buy(h, 'jin');
    const lines = (await h.call('GET', `/members/${jin}/ledger`, { token: h.tokens.staff })).body.data;
    const communityTokenId = (await h.call('GET', '/tokens?limit=500', { token: h.tokens.root })).body.data.find(
      (t: { label: string }) => t.label === `admin@${h.ids.units.community.id}`,
    ).id;
    expect(lines.map((l: { reason: string; actorKind: string; actorId: string }) => [l.reason, l.actorKind, l.actorId])).toEqual([
      ['redeem', 'member', String(jin)],
      ['adjust', 'member', String(h.ids.members.admin.id)], // the fixture's grant, made as the street's admin
      ['adjust', 'token', String(communityTokenId)],
    ]);
  });

  it("gives a merchant's settlement account with ?account=merchant", async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    verifyVoucher(as(h, 'barber'), { code: v.code });
    const answer = await h.call('GET', `/members/${h.ids.members.barber.id}/ledger?account=merchant`, { token: h.tokens.community });
    expect(answer.body.data.map((l: { reason: string; amount: number }) => [l.reason, l.amount])).toEqual([['use', 20]]);
    expect((await h.call('GET', `/members/${h.ids.members.barber.id}/ledger`, { token: h.tokens.community })).body.data).toEqual([]);
  });

  it('lets a merchant token read its own settlement account and nothing else', async () => {
    const h = apiHarness();
    const v = buy(h, 'yang');
    verifyVoucher(as(h, 'barber'), { code: v.code });
    const barber = h.ids.members.barber.id;
    const own = await h.call('GET', `/members/${barber}/ledger?account=merchant`, { token: h.tokens.merchant });
    expect(own.status).toBe(200);
    expect(own.body.data.map((l: { reason: string; amount: number }) => [l.reason, l.amount])).toEqual([['use', 20]]);
    for (const path of [`/members/${barber}/ledger`, `/members/${h.ids.members.yang.id}/ledger`, `/members/${h.ids.members.yang.id}/ledger?account=merchant`]) {
      const refused = await h.call('GET', path, { token: h.tokens.merchant });
      expect(refused.status, path).toBe(403);
      expect(refused.body.detail).toContain('account=merchant');
    }
  });

  it('answers an unknown member with 404 and a bad cursor with 400', async () => {
    const h = apiHarness();
    expect((await h.call('GET', '/members/999/ledger', { token: h.tokens.root })).status).toBe(404);
    expect((await h.call('GET', `/members/${h.ids.members.jin.id}/ledger?cursor=zzz`, { token: h.tokens.root })).status).toBe(400);
  });
});

describe('GET /members/{id} totals', () => {
  it('fills balance and hours from the ledger and the credited service', async () => {
    const h = apiHarness();
    const wish = postWish(as(h, 'wang'), { unitId: h.ids.units.grid1.id, title: '帮忙买菜' });
    claimTask(as(h, 'yang'), { taskId: wish.id });
    completeTask(as(h, 'yang'), { taskId: wish.id, minutes: 90 });
    confirmCompletion(as(h, 'wang'), { taskId: wish.id });
    buy(h, 'yang');
    await h.call('POST', '/ledger/adjustments', { token: h.tokens.root, body: adjustment(h, { memberId: h.ids.members.yang.id, points: 7 }) });
    const total = async (who: 'yang' | 'wang') => (await h.call('GET', `/members/${h.ids.members[who].id}`, { token: h.tokens.community })).body;
    expect(await total('yang')).toMatchObject({ balance: 15 + 7, hoursGiven: 1.5, hoursReceived: 0 });
    expect(await total('wang')).toMatchObject({ balance: 0, hoursGiven: 0, hoursReceived: 1.5 });
  });
});
