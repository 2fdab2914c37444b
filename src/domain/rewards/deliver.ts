import type { Deps } from '../context.js';
import { say } from '../notice.js';
import { notifyMember } from '../notify.js';
import { getMember } from '../org/members.js';
import type { Reward } from './rewards.js';
import type { Voucher } from './vouchers.js';

/**
 * Sends a voucher's code to its holder's private chat, the only place a code is ever shown unasked.
 * False when they have never opened one: the code waits for `我的券` there.
 */
export function deliverVoucher(deps: Deps, voucher: Voucher, reward: Reward): boolean {
  const merchant = getMember(deps.db, reward.merchantId).name;
  return notifyMember(
    deps,
    voucher.memberId,
    say('redeem.notify.code', {
      name: reward.name,
      code: voucher.code,
      merchant,
      expires: { at: voucher.expiresAt, zone: deps.settings.timeZone, reference: voucher.issuedAt },
    }),
    `voucher:${voucher.id}`,
  );
}
