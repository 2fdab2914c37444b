import { and, eq } from 'drizzle-orm';
import { vouchers } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import type { Ctx } from '../context.js';
import { ESCROW, memberAccount, merchantAccount } from '../ledger/accounts.js';
import { post } from '../ledger/post.js';
import { type Reward, rewardRef } from './rewards.js';
import { moveStock } from './stock.js';
import type { Voucher } from './vouchers.js';

export type Ending = 'used' | 'cancelled' | 'expired';

/**
 * Ends an issued voucher: used pays its escrowed price to the merchant; cancelled (退券) and expired
 * return it to the member and one to stock. A voucher is settled once: the ledger key is the voucher's
 * whatever the ending, and the database refuses to move a voucher out of a final state.
 * Call inside the caller's transaction.
 */
export function settle(ctx: Ctx, voucher: Voucher, reward: Reward, ending: Ending): Voucher {
  const now = ctx.clock.now();
  const back = ending !== 'used';
  post(ctx, {
    legs: [
      { account: ESCROW, amount: -voucher.pointsCost },
      { account: back ? memberAccount(voucher.memberId) : merchantAccount(reward.merchantId), amount: voucher.pointsCost },
    ],
    reason: ending === 'used' ? 'use' : ending === 'cancelled' ? 'refund' : 'expire',
    ref: `voucher:${voucher.id}`,
    memo: `${rewardRef(reward.id)} ${reward.name}`,
    idempotencyKey: `voucher-settle:${voucher.id}`,
  });
  if (back) moveStock(ctx, { rewardId: reward.id, delta: 1, reason: ending === 'cancelled' ? 'refund' : 'expire', voucherId: voucher.id });
  const changes =
    ending === 'used'
      ? { status: 'used' as const, usedAt: now, usedBy: ctx.actor.kind === 'member' ? ctx.actor.memberId : null }
      : ending === 'cancelled'
        ? { status: 'cancelled' as const, cancelledAt: now }
        : { status: 'expired' as const, expiredAt: now };
  const settled = ctx.db
    .update(vouchers)
    .set(changes)
    .where(and(eq(vouchers.id, voucher.id), eq(vouchers.status, 'issued')))
    .returning()
    .get();
  if (!settled) throw new DomainError('CONFLICT', 'voucher.settled');
  return settled;
}
