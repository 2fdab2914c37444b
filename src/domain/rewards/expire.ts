import { and, eq, lte } from 'drizzle-orm';
import { inTransaction } from '../../db/client.js';
import { rewards, vouchers } from '../../db/schema/index.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { say } from '../notice.js';
import { notifyMember } from '../notify.js';
import { settle } from './settle.js';

/**
 * Expires the vouchers whose validity ended by `asOf`: each one's points go back to its holder and one
 * back to stock, and the holder is told. Returns how many expired.
 */
export function expireVouchers(ctx: Ctx, asOf: Date = ctx.clock.now()): number {
  return inTransaction(ctx.db, () => {
    const due = ctx.db
      .select({ voucher: vouchers, reward: rewards })
      .from(vouchers)
      .innerJoin(rewards, eq(rewards.id, vouchers.rewardId))
      .where(and(eq(vouchers.status, 'issued'), lte(vouchers.expiresAt, asOf)))
      .all();
    for (const { voucher, reward } of due) {
      settle(ctx, voucher, reward, 'expired');
      audit(ctx, 'voucher.expire', { type: 'voucher', id: voucher.id }, { rewardId: reward.id, points: voucher.pointsCost });
      notifyMember(
        ctx,
        voucher.memberId,
        say('expire.notify.holder', { name: reward.name, points: voucher.pointsCost, tail: voucher.code.slice(-4) }),
        `voucher:${voucher.id}`,
      );
    }
    return due.length;
  });
}
