import { describe, expect, it } from 'vitest';
import { DAY } from '../../../src/clock.js';
import { CODE_ALPHABET } from '../../../src/domain/codes.js';
import { balanceOf, ESCROW, memberAccount, merchantAccount } from '../../../src/domain/ledger/accounts.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { createUnit } from '../../../src/domain/org/units.js';
import { createMember, grantRole } from '../../../src/domain/org/members.js';
import { expireVouchers } from '../../../src/domain/rewards/expire.js';
import { redeem } from '../../../src/domain/rewards/redeem.js';
import { refundVoucher } from '../../../src/domain/rewards/refund.js';
import { archiveReward, createReward, getReward, restock, updateReward } from '../../../src/domain/rewards/rewards.js';
import { verifyVoucher } from '../../../src/domain/rewards/verify.js';
import { vouchersOf } from '../../../src/domain/rewards/vouchers.js';
import { type DemoDomain, demoDomain, type Who } from '../../helpers/timebank.js';

let keys = 0;
const buy = (demo: DemoDomain, who: Who, rewardId = 1) => redeem(demo.as(who), { rewardId, idempotencyKey: `k${++keys}` });
const points = (demo: DemoDomain, who: Who) => balanceOf(demo.services.db, memberAccount(demo.ids.members[who].id));

describe('redeem', () => {
  it('moves the price to escrow, takes one from stock and issues an unguessable code, in one go', () => {
    const demo = demoDomain();
    demo.grant('yang', 50);
    const { voucher, reward, balance } = buy(demo, 'yang');
    expect(voucher.code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{12}$`));
    expect(voucher).toMatchObject({ status: 'issued', pointsCost: 20, memberId: demo.ids.members.yang.id });
    expect(voucher.expiresAt.getTime() - voucher.issuedAt.getTime()).toBe(90 * DAY);
    expect(reward.stock).toBe(9);
    expect(balance).toBe(30);
    expect(points(demo, 'yang')).toBe(30);
    expect(balanceOf(demo.services.db, ESCROW)).toBe(20);
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('returns the same voucher for the same request, paying once', () => {
    const demo = demoDomain();
    demo.grant('yang', 50);
    const first = redeem(demo.as('yang'), { rewardId: 1, idempotencyKey: 'msg-1' });
    const again = redeem(demo.as('yang'), { rewardId: 1, idempotencyKey: 'msg-1' });
    expect(again).toMatchObject({ repeated: true, voucher: { id: first.voucher.id } });
    expect(points(demo, 'yang')).toBe(30);
    expect(getReward(demo.services.db, 1).stock).toBe(9);
    expect(() => redeem(demo.as('yang'), { rewardId: 2, idempotencyKey: 'msg-1' })).toThrow('ledger.keyReused');
  });

  it('says how many points are missing', () => {
    const demo = demoDomain();
    demo.grant('yang', 12);
    expect(() => buy(demo, 'yang')).toThrowError(
      expect.objectContaining({
        code: 'INSUFFICIENT_POINTS',
        key: 'redeem.notEnoughPoints',
        params: expect.objectContaining({ cost: 20, balance: 12, missing: 8 }),
      }),
    );
    expect(getReward(demo.services.db, 1).stock).toBe(10);
  });

  it('refuses when out of stock', () => {
    const demo = demoDomain();
    demo.grant('yang', 100);
    restock(demo.as('zhao'), { rewardId: 1, quantity: -10 });
    expect(() => buy(demo, 'yang')).toThrowError(expect.objectContaining({ code: 'OUT_OF_STOCK', params: { ref: 'G1', name: '理发券' } }));
    expect(points(demo, 'yang')).toBe(100);
  });

  it('keeps to the monthly limit, counted in LINLI_TZ and not counting refunds', () => {
    const demo = demoDomain(new Date('2026-03-31T20:00:00+08:00'));
    demo.grant('yang', 200);
    const first = buy(demo, 'yang');
    buy(demo, 'yang');
    expect(() => buy(demo, 'yang')).toThrowError(expect.objectContaining({ code: 'LIMIT_REACHED', params: expect.objectContaining({ limit: 2, bought: 2 }) }));
    refundVoucher(demo.as('yang'), { code: first.voucher.code });
    buy(demo, 'yang');
    expect(() => buy(demo, 'yang')).toThrow('redeem.limitReached');
    demo.clock.set(new Date('2026-04-01T00:05:00+08:00')); // April in Shanghai, still March in UTC
    buy(demo, 'yang');
    expect(vouchersOf(demo.services.db, demo.ids.members.yang.id)).toHaveLength(4);
  });

  it('refuses an archived reward, an unknown one, and one offered elsewhere', () => {
    const demo = demoDomain();
    demo.grant('yang', 100);
    archiveReward(demo.as('zhao'), 2);
    expect(() => buy(demo, 'yang', 2)).toThrow('reward.archived');
    expect(() => buy(demo, 'yang', 7)).toThrow('reward.notFound');
    const other = createUnit(demo.system, { parentId: demo.ids.units.street.id, kind: 'community', name: '荷西社区' });
    const theirs = createReward(demo.as('admin'), {
      unitId: other.id,
      merchantId: demo.ids.members.barber.id,
      name: '荷西理发券',
      pointsCost: 5,
      stock: 1,
      validDays: 30,
    });
    expect(() => buy(demo, 'yang', theirs.id)).toThrow('redeem.notHere');
  });

  it('is for members in person', () => {
    const demo = demoDomain();
    expect(() => redeem(demo.system, { rewardId: 1, idempotencyKey: 'x' })).toThrow('redeem.memberOnly');
  });
});

describe('verify (核销)', () => {
  it('pays the escrowed price to the merchant and tells the holder; a second time says when', () => {
    const demo = demoDomain();
    demo.grant('yang', 20);
    const { voucher } = buy(demo, 'yang');
    demo.clock.advance(DAY);
    const used = verifyVoucher(demo.as('barber'), { code: voucher.code.toLowerCase() });
    expect(used.voucher).toMatchObject({ status: 'used', usedBy: demo.ids.members.barber.id });
    expect(balanceOf(demo.services.db, merchantAccount(demo.ids.members.barber.id))).toBe(20);
    expect(balanceOf(demo.services.db, ESCROW)).toBe(0);
    expect(demo.outboxTo('dm:yang').at(-1)).toContain('海林理发店 核销');
    expect(() => verifyVoucher(demo.as('barber'), { code: voucher.code })).toThrowError(
      expect.objectContaining({ code: 'ALREADY_USED', params: expect.objectContaining({ at: '3月3日 09:00' }) }),
    );
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it("words the time of first use in the merchant's language", () => {
    const demo = demoDomain();
    demo.grant('yang', 20);
    const { voucher } = buy(demo, 'yang');
    verifyVoucher(demo.as('barber'), { code: voucher.code });
    demo.services.db.$client.prepare("UPDATE members SET language = 'en' WHERE id = ?").run(demo.ids.members.barber.id);
    expect(() => verifyVoucher(demo.as('barber'), { code: voucher.code })).toThrowError(
      expect.objectContaining({ params: expect.objectContaining({ at: 'Mar 2 09:00' }) }),
    );
  });

  it.each([
    ["another merchant's code", 'spa', 'none', 'verify.otherMerchant'],
    ['a refunded code', 'barber', 'refund', 'verify.cancelled'],
    ['an expired code', 'barber', 'expire', 'verify.expired'],
    ['a code past its date the job has not reached yet', 'barber', 'late', 'verify.expired'],
  ] as const)('refuses %s', (_, merchant, before, key) => {
    const demo = demoDomain();
    demo.grant('yang', 20);
    const { voucher } = buy(demo, 'yang');
    if (before === 'refund') refundVoucher(demo.as('yang'), { code: voucher.code });
    if (before === 'expire' || before === 'late') demo.clock.advance(91 * DAY);
    if (before === 'expire') expireVouchers(demo.system);
    expect(() => verifyVoucher(demo.as(merchant), { code: voucher.code })).toThrow(key);
  });

  it('refuses an unknown code and someone who is not the merchant', () => {
    const demo = demoDomain();
    demo.grant('yang', 20);
    const { voucher } = buy(demo, 'yang');
    expect(() => verifyVoucher(demo.as('barber'), { code: 'ZZZZZZZZZZZZ' })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
    // someone who is no merchant learns nothing of the code, not even that it exists
    for (const who of ['yang', 'li'] as const) {
      expect(() => verifyVoucher(demo.as(who), { code: voucher.code })).toThrow('verify.merchantOnly');
      expect(() => verifyVoucher(demo.as(who), { code: 'ZZZZZZZZZZZZ' })).toThrow('verify.merchantOnly');
    }
  });

  it("lets a merchant token verify its own merchant's codes only", () => {
    const demo = demoDomain();
    demo.grant('yang', 20);
    const { voucher } = buy(demo, 'yang');
    const token = { ...demo.system, actor: { kind: 'token' as const, tokenId: 1, label: 'spa' } };
    expect(() => verifyVoucher(token, { code: voucher.code, merchantId: demo.ids.members.spa.id })).toThrow('verify.otherMerchant');
    verifyVoucher(token, { code: voucher.code, merchantId: demo.ids.members.barber.id });
  });
});

describe('refund (退券) and expiry', () => {
  it('returns the points and one to stock when the holder cancels before use', () => {
    const demo = demoDomain();
    demo.grant('yang', 20);
    const { voucher } = buy(demo, 'yang');
    expect(() => refundVoucher(demo.as('jin'), { code: voucher.code })).toThrow('refund.notYours');
    expect(() => refundVoucher(demo.as('jin'), { code: 'ZZZZZZZZZZZZ' })).toThrow('refund.notYours');
    const refunded = refundVoucher(demo.as('yang'), { code: voucher.code });
    expect(refunded).toMatchObject({ outcome: 'cancelled', balance: 20, voucher: { status: 'cancelled' } });
    expect(getReward(demo.services.db, 1).stock).toBe(10);
    expect(() => refundVoucher(demo.as('yang'), { code: voucher.code })).toThrow('refund.already');
    expect(points(demo, 'yang')).toBe(20);
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('tells the holder when an admin cancels for them through the API; the holder cancelling hears the reply only', () => {
    const demo = demoDomain();
    demo.grant('yang', 40);
    const first = buy(demo, 'yang').voucher;
    const second = buy(demo, 'yang').voucher;
    const before = demo.outboxTo('dm:yang').length;
    refundVoucher(demo.as('yang'), { code: first.code });
    expect(demo.outboxTo('dm:yang')).toHaveLength(before);
    const office = { ...demo.services.deps, actor: { kind: 'token' as const, tokenId: 3, label: 'office' } };
    expect(refundVoucher(office, { code: second.code })).toMatchObject({ outcome: 'cancelled', balance: 40 });
    expect(demo.outboxTo('dm:yang').at(-1)).toBe(`↩️ 你的理发券（券码尾号 ${second.code.slice(-4)}）已由管理员退券，20 积分已退回。`);
  });

  it('refuses a used voucher, saying when it was used', () => {
    const demo = demoDomain();
    demo.grant('yang', 20);
    const { voucher } = buy(demo, 'yang');
    verifyVoucher(demo.as('barber'), { code: voucher.code });
    expect(() => refundVoucher(demo.as('yang'), { code: voucher.code })).toThrowError(
      expect.objectContaining({ code: 'ALREADY_USED', params: expect.objectContaining({ at: '3月2日 09:00' }) }),
    );
  });

  it('expires vouchers past their date: points back, one to stock, the holder told, once', () => {
    const demo = demoDomain();
    demo.grant('yang', 60);
    const early = buy(demo, 'yang');
    demo.clock.advance(10 * DAY);
    buy(demo, 'yang', 2);
    demo.clock.advance(80 * DAY); // the first is 90 days old, the second 80
    expect(expireVouchers(demo.system)).toBe(1);
    expect(expireVouchers(demo.system)).toBe(0);
    expect(points(demo, 'yang')).toBe(60 - 30);
    expect(getReward(demo.services.db, 1).stock).toBe(10);
    expect(getReward(demo.services.db, 2).stock).toBe(9);
    expect(demo.outboxTo('dm:yang').at(-1)).toContain(`尾号 ${early.voucher.code.slice(-4)}`);
    expect(() => refundVoucher(demo.as('yang'), { code: early.voucher.code })).toThrow('refund.expired');
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('expires a voucher the job has not reached when its holder asks for a refund', () => {
    const demo = demoDomain();
    demo.grant('yang', 20);
    const { voucher } = buy(demo, 'yang');
    demo.clock.advance(90 * DAY);
    expect(refundVoucher(demo.as('yang'), { code: voucher.code })).toMatchObject({ outcome: 'expired', balance: 20, voucher: { status: 'expired' } });
  });

  it('runs as the voucher-expiry job, recorded once per scheduled time', () => {
    const demo = demoDomain();
    demo.grant('yang', 20);
    buy(demo, 'yang');
    demo.clock.advance(91 * DAY);
    const at = demo.clock.now();
    const first = demo.services.jobs.run('voucher-expiry', at, 'manual');
    expect(first).toMatchObject({ status: 'ok', run: { detail: 'expired 1 vouchers', sent: 1 } });
    expect(demo.services.jobs.run('voucher-expiry', at, 'manual')).toEqual({ status: 'skipped', reason: 'already-ran' });
    expect(points(demo, 'yang')).toBe(20);
  });
});

describe('members beyond the demo', () => {
  it('lets a resident of a building below the reward unit redeem', () => {
    const demo = demoDomain();
    const newcomer = createMember(demo.system, { name: '新住户' });
    grantRole(demo.system, { memberId: newcomer.id, role: 'resident', unitId: demo.ids.units.building3.id });
    const ctx = { ...demo.system, actor: { kind: 'member' as const, memberId: newcomer.id } };
    expect(() => redeem(ctx, { rewardId: 1, idempotencyKey: 'n' })).toThrow('redeem.notEnoughPoints');
  });
});

describe("a reward's merchant", () => {
  it('stays while vouchers sold for it are unused, so they are honoured where they were bought', () => {
    const d = demoDomain();
    d.grant('jin', 20);
    redeem(d.as('jin'), { rewardId: 1, idempotencyKey: 'm-1' });
    expect(() => updateReward(d.as('zhao'), 1, { merchantId: d.ids.members.spa.id })).toThrow(/merchantHasVouchers/);
    expect(updateReward(d.as('zhao'), 1, { pointsCost: 25 }).pointsCost).toBe(25);
  });
});
