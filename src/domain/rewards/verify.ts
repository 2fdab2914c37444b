import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { formatDateTime } from '../../time.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { say } from '../notice.js';
import { notifyMember } from '../notify.js';
import { actorLanguage } from '../org/language.js';
import { getMember, unitsWithRole } from '../org/members.js';
import type { Reward } from './rewards.js';
import { settle } from './settle.js';
import { findVoucher, type Voucher } from './vouchers.js';

/**
 * The merchant uses (核销) a voucher at the counter: its escrowed price moves to their settlement
 * account and the holder is told. A code that is another merchant's, used, refunded or expired is
 * refused with the reason (to merchants only); a second use says when the first was.
 */
export function verifyVoucher(ctx: Ctx, input: { code: string; merchantId?: number }): { voucher: Voucher; reward: Reward; holder: string } {
  return inTransaction(ctx.db, () => {
    // Before the code is looked up: someone who is no merchant hears the same whether or not it exists,
    // so the chat cannot be used to probe codes or learn whose shop one belongs to.
    if (ctx.actor.kind === 'member' && !unitsWithRole(ctx.db, ctx.actor.memberId, ['merchant']).length) {
      throw new DomainError('FORBIDDEN', 'verify.merchantOnly');
    }
    const { voucher, reward, holder } = findVoucher(ctx.db, input.code);
    const merchantId = ctx.actor.kind === 'member' ? ctx.actor.memberId : input.merchantId;
    if (merchantId !== undefined && merchantId !== reward.merchantId) {
      throw new DomainError('FORBIDDEN', 'verify.otherMerchant', { name: reward.name, merchant: getMember(ctx.db, reward.merchantId).name });
    }
    const lang = actorLanguage(ctx);
    const when = (d: Date) => formatDateTime(d, ctx.settings.timeZone, lang, ctx.clock.now());
    const now = ctx.clock.now();
    if (voucher.status === 'used') {
      throw new DomainError('ALREADY_USED', 'verify.alreadyUsed', { name: reward.name, at: when(voucher.usedAt!) });
    }
    if (voucher.status === 'cancelled') throw new DomainError('CONFLICT', 'verify.cancelled', { name: reward.name, at: when(voucher.cancelledAt!) });
    if (voucher.status === 'expired' || voucher.expiresAt <= now) {
      throw new DomainError('EXPIRED', 'verify.expired', { name: reward.name, at: when(voucher.expiresAt) });
    }
    const used = settle(ctx, voucher, reward, 'used');
    audit(ctx, 'voucher.use', { type: 'voucher', id: voucher.id }, { rewardId: reward.id, merchantId: reward.merchantId, points: voucher.pointsCost });
    const merchant = getMember(ctx.db, reward.merchantId).name;
    notifyMember(
      ctx,
      voucher.memberId,
      say('verify.notify.holder', { name: reward.name, merchant, at: { at: now, zone: ctx.settings.timeZone, reference: now } }),
      `voucher:${voucher.id}`,
    );
    return { voucher: used, reward, holder };
  });
}
