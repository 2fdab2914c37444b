import { inTransaction } from '../../db/client.js';
import { DomainError, isDomainError } from '../../errors.js';
import { formatDateTime } from '../../time.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { balanceOf, memberAccount } from '../ledger/accounts.js';
import { say } from '../notice.js';
import { notifyMember } from '../notify.js';
import { actorLanguage } from '../org/language.js';
import type { Reward } from './rewards.js';
import { settle } from './settle.js';
import { normalizeCode } from '../codes.js';
import { findVoucher, type Voucher } from './vouchers.js';

export interface Refunded {
  voucher: Voucher;
  reward: Reward;
  /** `expired`: it had run out before the refund; the points came back all the same. */
  outcome: 'cancelled' | 'expired';
  /** The holder's balance afterwards. */
  balance: number;
}

/**
 * The holder cancels (退券) a voucher they have not used, or an admin does for them through the API: the
 * points come back, and one to stock. A holder who did not do it themselves is told.
 */
/** A member reaches only their own vouchers: someone else's code reads as one that does not exist, so it cannot be probed. */
function ownVoucher(ctx: Ctx, code: string): ReturnType<typeof findVoucher> {
  if (ctx.actor.kind !== 'member') return findVoucher(ctx.db, code);
  const memberId = ctx.actor.memberId;
  try {
    const found = findVoucher(ctx.db, code);
    if (found.voucher.memberId === memberId) return found;
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'NOT_FOUND') throw error;
  }
  throw new DomainError('NOT_FOUND', 'refund.notYours', { code: normalizeCode(code).slice(0, 20) });
}

export function refundVoucher(ctx: Ctx, input: { code: string }): Refunded {
  return inTransaction(ctx.db, () => {
    const { voucher, reward } = ownVoucher(ctx, input.code);
    const when = (d: Date) => formatDateTime(d, ctx.settings.timeZone, actorLanguage(ctx), ctx.clock.now());
    if (voucher.status === 'used') throw new DomainError('ALREADY_USED', 'refund.used', { name: reward.name, at: when(voucher.usedAt!) });
    if (voucher.status === 'cancelled') throw new DomainError('CONFLICT', 'refund.already', { name: reward.name });
    if (voucher.status === 'expired') throw new DomainError('EXPIRED', 'refund.expired', { name: reward.name });
    // Past its date but not yet swept by the expiry job: expire it now, which returns the points too.
    const outcome = voucher.expiresAt <= ctx.clock.now() ? 'expired' : 'cancelled';
    const settled = settle(ctx, voucher, reward, outcome);
    audit(
      ctx,
      outcome === 'cancelled' ? 'voucher.refund' : 'voucher.expire',
      { type: 'voucher', id: voucher.id },
      { rewardId: reward.id, points: voucher.pointsCost },
    );
    if (ctx.actor.kind !== 'member') {
      const params = { name: reward.name, points: voucher.pointsCost, tail: voucher.code.slice(-4) };
      notifyMember(ctx, voucher.memberId, say(outcome === 'cancelled' ? 'refund.notify.holder' : 'expire.notify.holder', params), `voucher:${voucher.id}`);
    }
    return { voucher: settled, reward, outcome, balance: balanceOf(ctx.db, memberAccount(voucher.memberId)) };
  });
}
