import { and, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { DAY } from '../../clock.js';
import { inTransaction } from '../../db/client.js';
import { placeholderFor, preparedPerDb } from '../../db/prepared.js';
import { vouchers } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { balanceOf, ESCROW, memberAccount } from '../ledger/accounts.js';
import { post } from '../ledger/post.js';
import { monthRange } from '../month.js';
import { belongsTo } from '../org/authority.js';
import { getUnit } from '../org/units.js';
import { getReward, type Reward, rewardRef } from './rewards.js';
import { moveStock } from './stock.js';
import { newVoucherCode, type Voucher } from './vouchers.js';

export interface Redeemed {
  voucher: Voucher;
  reward: Reward;
  /** The member's balance after paying. */
  balance: number;
  /** The same request was made before: this is the voucher it bought, and nothing was paid again. */
  repeated: boolean;
}

const voucherByKey = preparedPerDb((db) =>
  db
    .select()
    .from(vouchers)
    .where(eq(vouchers.idempotencyKey, sql.placeholder('key')))
    .prepare(),
);

/** Vouchers of a reward a member bought in a month and still holds or used: the monthly limit counts these. */
const boughtInMonth = preparedPerDb((db) =>
  db
    .select({ n: count() })
    .from(vouchers)
    .where(
      and(
        eq(vouchers.memberId, sql.placeholder('memberId')),
        eq(vouchers.rewardId, sql.placeholder('rewardId')),
        inArray(vouchers.status, ['issued', 'used']),
        gte(vouchers.issuedAt, placeholderFor('start', vouchers.issuedAt)),
        lt(vouchers.issuedAt, placeholderFor('end', vouchers.issuedAt)),
      ),
    )
    .prepare(),
);

const newVoucher = preparedPerDb((db) =>
  db
    .insert(vouchers)
    .values({
      code: sql.placeholder('code'),
      rewardId: sql.placeholder('rewardId'),
      memberId: sql.placeholder('memberId'),
      pointsCost: sql.placeholder('pointsCost'),
      idempotencyKey: sql.placeholder('idempotencyKey'),
      issuedAt: sql.placeholder('issuedAt'),
      expiresAt: sql.placeholder('expiresAt'),
      transactionId: sql.placeholder('transactionId'),
    })
    .returning()
    .prepare(),
);

/**
 * A member buys a voucher, all in one transaction: the reward is on offer to them, in stock and within
 * their monthly limit, and they have the points; the price moves to escrow, one leaves stock, and a
 * voucher with an unguessable code is issued. The same idempotency key again returns the same voucher.
 */
export function redeem(ctx: Ctx, input: { rewardId: number; idempotencyKey: string }): Redeemed {
  const memberId = requireMember(ctx, 'redeem');
  const key = `redeem:${input.idempotencyKey}`;
  return inTransaction(ctx.db, () => {
    const earlier = voucherByKey(ctx.db).get({ key });
    if (earlier) {
      if (earlier.memberId !== memberId || earlier.rewardId !== input.rewardId) throw new DomainError('CONFLICT', 'ledger.keyReused', { key });
      return { voucher: earlier, reward: getReward(ctx.db, earlier.rewardId), balance: balanceOf(ctx.db, memberAccount(memberId)), repeated: true };
    }

    const reward = getReward(ctx.db, input.rewardId);
    const ref = rewardRef(reward.id);
    const named = { ref, name: reward.name };
    if (!reward.active) throw new DomainError('CONFLICT', 'reward.archived', named);
    if (!belongsTo(ctx.db, memberId, reward.unitId)) {
      throw new DomainError('FORBIDDEN', 'redeem.notHere', { ...named, unit: getUnit(ctx.db, reward.unitId).name });
    }
    if (reward.stock < 1) throw new DomainError('OUT_OF_STOCK', 'redeem.outOfStock', named);
    const now = ctx.clock.now();
    if (reward.perMemberMonthlyLimit !== null) {
      const month = monthRange(now, ctx.settings.timeZone);
      const bought = boughtInMonth(ctx.db).get({ memberId, rewardId: reward.id, start: month.start, end: month.end })?.n ?? 0;
      if (bought >= reward.perMemberMonthlyLimit) {
        throw new DomainError('LIMIT_REACHED', 'redeem.limitReached', { ...named, limit: reward.perMemberMonthlyLimit, bought });
      }
    }
    const balance = balanceOf(ctx.db, memberAccount(memberId));
    if (balance < reward.pointsCost) {
      throw new DomainError('INSUFFICIENT_POINTS', 'redeem.notEnoughPoints', {
        ...named,
        cost: reward.pointsCost,
        balance,
        missing: reward.pointsCost - balance,
      });
    }

    const { transaction } = post(ctx, {
      legs: [
        { account: memberAccount(memberId), amount: -reward.pointsCost },
        { account: ESCROW, amount: reward.pointsCost },
      ],
      reason: 'redeem',
      ref: `reward:${reward.id}`,
      memo: `${ref} ${reward.name}`,
      idempotencyKey: key,
    });
    const voucher = newVoucher(ctx.db).get({
      code: newVoucherCode(ctx.db),
      rewardId: reward.id,
      memberId,
      pointsCost: reward.pointsCost,
      idempotencyKey: key,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + reward.validDays * DAY),
      transactionId: transaction.id,
    })!;
    moveStock(ctx, { rewardId: reward.id, delta: -1, reason: 'redeem', voucherId: voucher.id });
    audit(ctx, 'voucher.redeem', { type: 'voucher', id: voucher.id }, { rewardId: reward.id, points: reward.pointsCost, transactionId: transaction.id });
    return { voucher, reward: getReward(ctx.db, reward.id), balance: balance - reward.pointsCost, repeated: false };
  });
}
