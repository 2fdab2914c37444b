import { firstWord } from '../args.js';
import { type CommandCtx, type CommandDef, defineCommand, hasUnit, refOrUsage, unitOf, UsageError } from '../command.js';
import type { OutMessage } from '../types.js';
import { typed } from '../render/speech.js';
import type { Translate } from '../../i18n/index.js';
import { balanceOf, memberAccount } from '../../domain/ledger/accounts.js';
import { notifyMember } from '../../domain/notify.js';
import { unitsWithRole } from '../../domain/org/members.js';
import { deliverVoucher } from '../../domain/rewards/deliver.js';
import { redeem } from '../../domain/rewards/redeem.js';
import { refundVoucher } from '../../domain/rewards/refund.js';
import { rewardRef, shopFor } from '../../domain/rewards/rewards.js';
import { verifyVoucher } from '../../domain/rewards/verify.js';
import { vouchersOf } from '../../domain/rewards/vouchers.js';
import { formatDateTime } from '../../time.js';
import type { Lang } from '../../config.js';

/** The shop of this room's unit: each reward with cost, stock and merchant, and a 兑换 button for those in stock. */
function shopCard(ctx: CommandCtx): OutMessage {
  const items = shopFor(ctx.db, unitOf(ctx));
  if (!items.length) return { text: ctx.t('shop.none') };
  // A group card stays up for everyone: it shows no one's balance.
  const lines = [ctx.room.kind === 'private' ? ctx.t('shop.header', { points: balanceOf(ctx.db, memberAccount(ctx.member.id)) }) : ctx.t('shop.headerGroup')];
  for (const item of items) {
    lines.push(
      ctx.t(item.stock > 0 ? 'shop.line' : 'shop.lineSoldOut', {
        ref: rewardRef(item.id),
        name: item.name,
        cost: item.pointsCost,
        stock: item.stock,
        merchant: item.merchantName,
      }),
    );
    if (item.description) lines.push(`   ${item.description}`);
  }
  lines.push(ctx.t('shop.footer'));
  const buttons = items
    .filter((i) => i.stock > 0)
    .slice(0, 8)
    .map((i) => [{ label: ctx.t('shop.button', { name: i.name, cost: i.pointsCost }), command: typed(redeemCommand, rewardRef(i.id)) }]);
  return { text: lines.join('\n'), ...(buttons.length ? { buttons } : {}) };
}

const shop = defineCommand({
  name: 'shop',
  words: ['商城', '积分超市', '积分商城'],
  readOnly: true,
  args: 'none',
  offered: hasUnit,
  run: (ctx) => shopCard(ctx),
});

/** How to open a private chat, when a code cannot be sent: the adapter's own instructions if it has them. */
export function privateHint(ctx: CommandCtx): string {
  const hint = ctx.message.privateChatHint;
  return typeof hint === 'function' ? hint(ctx.t) : (hint ?? ctx.t('private.hintGeneric'));
}

const redeemCommand = defineCommand({
  name: 'redeem',
  words: ['兑换'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const rewardId = refOrUsage('G', firstWord(args)[0], 'redeem.usage');
    const key = `${ctx.message.platform}:${ctx.message.roomId}:${ctx.message.messageId}`;
    const { voucher, reward, balance } = redeem(ctx, { rewardId, idempotencyKey: key });
    const expires = formatDateTime(voucher.expiresAt, ctx.settings.timeZone, ctx.lang, voucher.issuedAt);
    const params = { name: reward.name, code: voucher.code, expires, balance, cost: voucher.pointsCost };
    let text: string;
    if (ctx.room.kind === 'private') text = ctx.t('redeem.doneHere', params);
    else if (deliverVoucher(ctx, voucher, reward)) text = ctx.t('redeem.sentPrivately', params);
    else text = ctx.t('redeem.openPrivate', { ...params, hint: privateHint(ctx) });
    return { replies: [{ text }], card: shopCard(ctx) };
  },
});

const STATUS_KEYS = {
  issued: 'voucher.status.issued',
  used: 'voucher.status.used',
  expired: 'voucher.status.expired',
  cancelled: 'voucher.status.cancelled',
} as const;

function voucherList(ctx: CommandCtx, memberId: number, t: Translate, lang: Lang): string {
  const now = ctx.clock.now();
  const lines = vouchersOf(ctx.db, memberId).map((v) =>
    t('vouchers.line', {
      name: v.rewardName,
      code: v.code,
      // Past its date, a voucher can no longer be used (核销 refuses it) though the daily job has not yet
      // returned its points.
      status: t(v.status === 'issued' && v.expiresAt <= now ? 'voucher.status.pastDate' : STATUS_KEYS[v.status]),
      merchant: v.merchantName,
      expires: formatDateTime(v.expiresAt, ctx.settings.timeZone, lang, now),
    }),
  );
  return [t('vouchers.header'), ...lines, t('vouchers.footer')].join('\n');
}

const myVouchers = defineCommand({
  name: 'vouchers',
  words: ['我的券', '我的优惠券'],
  readOnly: true,
  args: 'none',
  offered: hasUnit,
  run(ctx) {
    if (!vouchersOf(ctx.db, ctx.member.id, 1).length) return ctx.t('vouchers.none');
    // Codes are shown only in the private chat.
    if (ctx.room.kind === 'private') return voucherList(ctx, ctx.member.id, ctx.t, ctx.lang);
    const sent = notifyMember(ctx, ctx.member.id, (t, lang) => ({ text: voucherList(ctx, ctx.member.id, t, lang) }), `member:${ctx.member.id}`);
    return sent ? ctx.t('vouchers.sentPrivately') : ctx.t('vouchers.openPrivate', { hint: privateHint(ctx) });
  },
});

const refund = defineCommand({
  name: 'refund',
  words: ['退券'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const code = firstWord(args)[0];
    if (!code) throw new UsageError('refund.usage');
    const result = refundVoucher(ctx, { code });
    return ctx.t(result.outcome === 'cancelled' ? 'refund.done' : 'refund.expiredNow', {
      name: result.reward.name,
      points: result.voucher.pointsCost,
      balance: result.balance,
    });
  },
});

const verify = defineCommand({
  name: 'verify',
  words: ['核销'],
  args: 'required',
  offered: (ctx) => unitsWithRole(ctx.db, ctx.member.id, ['merchant']).length > 0,
  run(ctx, { args }) {
    const code = firstWord(args)[0];
    if (!code) throw new UsageError('verify.usage');
    const { voucher, reward, holder } = verifyVoucher(ctx, { code });
    return ctx.t('verify.done', { name: reward.name, holder, points: voucher.pointsCost });
  },
});

export const rewardCommands: CommandDef[] = [shop, redeemCommand, myVouchers, refund, verify];
