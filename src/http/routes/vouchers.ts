import { and, desc, eq, gt, lt, lte, or } from 'drizzle-orm';
import { createRoute, z } from '@hono/zod-openapi';
import { members, rewards, VOUCHER_STATUSES, type VoucherStatus, vouchers } from '../../db/schema/index.js';
import { refundVoucher } from '../../domain/rewards/refund.js';
import { getMember } from '../../domain/org/members.js';
import { getReward, rewardRef } from '../../domain/rewards/rewards.js';
import { verifyVoucher } from '../../domain/rewards/verify.js';
import type { Voucher } from '../../domain/rewards/vouchers.js';
import { DomainError } from '../../errors.js';
import type { RegisterRoutes } from '../env.js';
import { type CsvColumn, csvResponse, FormatQuery, jsonOrCsv } from '../csv.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { errors, IdString, Instant, iso, isoOrNull, json, security } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

const tags = ['Vouchers'];

export const VoucherSchema = z
  .object({
    id: z.number().int(),
    code: z.string().openapi({
      description:
        "The code the holder shows at the counter. In a list an unused voucher's code is masked: a merchant token sees its last four characters (…PR9T), other tokens its first and last two (7K****9T). Looking a voucher up, using or cancelling it names the code given.",
      example: '7KQ4XW2MPR9T',
    }),
    rewardId: z.number().int(),
    rewardRef: z.string().openapi({ example: 'G1' }),
    rewardName: z.string(),
    merchantId: z.number().int(),
    memberId: z.number().int().openapi({ description: 'The holder' }),
    memberName: z.string(),
    pointsCost: z.number().int().openapi({ description: 'The price paid' }),
    status: z
      .enum(VOUCHER_STATUSES)
      .openapi({ description: 'issued (unused), used, expired (points returned) or cancelled (refunded); an unused voucher past its date reads expired' }),
    issuedAt: Instant,
    expiresAt: Instant,
    usedAt: Instant.nullable(),
    cancelledAt: Instant.nullable(),
    expiredAt: Instant.nullable(),
  })
  .openapi('Voucher');

type VoucherView = z.infer<typeof VoucherSchema>;
type VoucherRow = { voucher: Voucher; rewardName: string; merchantId: number; memberName: string };

const CodeParam = z.object({
  code: z
    .string()
    .trim()
    .min(4)
    .max(40)
    .openapi({ param: { name: 'code', in: 'path' }, example: '7KQ4XW2MPR9T', description: 'Case, spaces and dashes do not matter' }),
});

/** Unused but past its date: the expiry job has not reached it yet, and it can no longer be used. */
const effectiveStatus = (v: Voucher, now: Date): VoucherStatus => (v.status === 'issued' && v.expiresAt <= now ? 'expired' : v.status);

/**
 * An unused code is money: whoever has it can have it used. Only its holder (in their private chat) and the
 * merchant at the counter see it, so lists mask it: the merchant sees its last four characters (what a
 * counter reads back), other tokens its first and last two. A used or lapsed code is harmless and shown.
 */
export function listedCode(code: string, role: 'merchant' | 'other'): string {
  return role === 'merchant' ? `…${code.slice(-4)}` : `${code.slice(0, 2)}****${code.slice(-2)}`;
}

/** `listing`: a page of vouchers, whose unused codes are masked; a lookup or a use names the code it was given. */
const view =
  (now: Date, listing: 'merchant' | 'other' | false) =>
  ({ voucher: v, rewardName, merchantId, memberName }: VoucherRow): VoucherView => {
    const status = effectiveStatus(v, now);
    return {
      id: v.id,
      code: listing && status === 'issued' ? listedCode(v.code, listing) : v.code,
      rewardId: v.rewardId,
      rewardRef: rewardRef(v.rewardId),
      rewardName,
      merchantId,
      memberId: v.memberId,
      memberName,
      pointsCost: v.pointsCost,
      status,
      issuedAt: iso(v.issuedAt),
      expiresAt: iso(v.expiresAt),
      usedAt: isoOrNull(v.usedAt),
      cancelledAt: isoOrNull(v.cancelledAt),
      expiredAt: isoOrNull(v.expiredAt),
    };
  };

const CSV_COLUMNS: CsvColumn<VoucherView>[] = [
  { header: 'id', value: (v) => v.id },
  { header: 'code', value: (v) => v.code },
  { header: 'reward', value: (v) => v.rewardRef },
  { header: 'rewardName', value: (v) => v.rewardName },
  { header: 'merchantId', value: (v) => v.merchantId },
  { header: 'memberId', value: (v) => v.memberId },
  { header: 'memberName', value: (v) => v.memberName },
  { header: 'pointsCost', value: (v) => v.pointsCost },
  { header: 'status', value: (v) => v.status },
  { header: 'issuedAt', value: (v) => v.issuedAt },
  { header: 'expiresAt', value: (v) => v.expiresAt },
  { header: 'usedAt', value: (v) => v.usedAt },
  { header: 'cancelledAt', value: (v) => v.cancelledAt },
  { header: 'expiredAt', value: (v) => v.expiredAt },
];

const listVouchers = createRoute({
  method: 'get',
  path: '/vouchers',
  tags,
  security,
  summary: 'List vouchers',
  description:
    "Vouchers of rewards offered in the token's subtree, newest first; a merchant token lists its own merchant's. `?format=csv` for a spreadsheet. Admin, staff and merchant tokens.",
  request: {
    query: PageQuery.extend(FormatQuery.shape).extend({
      memberId: IdString.optional().openapi({ description: 'Only this holder’s; 404 for an unknown member' }),
      rewardId: IdString.optional().openapi({ description: "Only this reward's; 404 for an unknown reward, 403 for one outside the token's reach" }),
      status: z.enum(VOUCHER_STATUSES).optional(),
    }),
  },
  responses: { 200: { description: 'A page of vouchers', content: jsonOrCsv(pageOf(VoucherSchema, 'VoucherPage')) }, ...errors(404) },
});

const getVoucher = createRoute({
  method: 'get',
  path: '/vouchers/{code}',
  tags,
  security,
  summary: 'Look up a voucher by its code',
  description:
    "Before using it: whose it is, what for and whether it is still good. Admin and staff tokens for their subtree's rewards; merchant tokens for their own.",
  request: { params: CodeParam },
  responses: { 200: json(VoucherSchema, 'The voucher'), ...errors(404) },
});

const redeemVoucher = createRoute({
  method: 'post',
  path: '/vouchers/{code}/redeem',
  tags,
  security,
  summary: 'Use (核销) a voucher',
  description:
    "The merchant's verification at the counter: the escrowed price goes to the merchant's settlement account and the holder is told. 409 when it was used (the detail says when), cancelled or expired. Merchant tokens for their own vouchers; admin tokens for their subtree's. Accepts Idempotency-Key.",
  request: { params: CodeParam, headers: IdempotencyHeaders },
  responses: { 200: json(VoucherSchema, 'The voucher, now used'), ...errors(404, 409) },
});

const cancelVoucher = createRoute({
  method: 'post',
  path: '/vouchers/{code}/cancel',
  tags,
  security,
  summary: 'Cancel (退券) a voucher',
  description:
    'A refund for an unused voucher: its points go back to the holder, who is told, and one goes back to stock (a voucher already past its date is expired instead, which returns the same). 409 when it was used, cancelled or expired. Admin tokens. Accepts Idempotency-Key.',
  request: { params: CodeParam, headers: IdempotencyHeaders },
  responses: { 200: json(VoucherSchema, 'The voucher, now cancelled (or expired)'), ...errors(404, 409) },
});

export const registerVouchers: RegisterRoutes = (api, services) => {
  const { db, clock } = services;

  const rowById = (id: number): VoucherRow =>
    db
      .select({ voucher: vouchers, rewardName: rewards.name, merchantId: rewards.merchantId, memberName: members.name })
      .from(vouchers)
      .innerJoin(rewards, eq(rewards.id, vouchers.rewardId))
      .innerJoin(members, eq(members.id, vouchers.memberId))
      .where(eq(vouchers.id, id))
      .get()!;

  api.openapi(listVouchers, (c) => {
    const { scope, principal } = c.var;
    scope.requireRole('admin', 'staff', 'merchant');
    const q = c.req.valid('query');
    const now = clock.now();
    const before = decodeCursor(q.cursor);
    const merchant = principal.role === 'merchant';
    // A filter naming something unknown is a 404, as everywhere: an empty list would hide a typo.
    if (q.memberId !== undefined) getMember(db, q.memberId);
    if (q.rewardId !== undefined) {
      if (!merchant) scope.reward(q.rewardId);
      else if (getReward(db, q.rewardId).merchantId !== principal.merchantId)
        throw new DomainError('FORBIDDEN', 'api.otherMerchantReward', { ref: rewardRef(q.rewardId) });
    }
    const unused = and(eq(vouchers.status, 'issued'), gt(vouchers.expiresAt, now));
    const byStatus =
      q.status === 'issued'
        ? unused
        : q.status === 'expired'
          ? or(eq(vouchers.status, 'expired'), and(eq(vouchers.status, 'issued'), lte(vouchers.expiresAt, now)))
          : q.status !== undefined
            ? eq(vouchers.status, q.status)
            : undefined;
    const rows = db
      .select({ voucher: vouchers, rewardName: rewards.name, merchantId: rewards.merchantId, memberName: members.name })
      .from(vouchers)
      .innerJoin(rewards, eq(rewards.id, vouchers.rewardId))
      .innerJoin(members, eq(members.id, vouchers.memberId))
      .where(
        and(
          merchant ? eq(rewards.merchantId, principal.merchantId ?? -1) : scope.unitCondition(rewards.unitId),
          q.memberId !== undefined ? eq(vouchers.memberId, q.memberId) : undefined,
          q.rewardId !== undefined ? eq(vouchers.rewardId, q.rewardId) : undefined,
          byStatus,
          before !== undefined ? lt(vouchers.id, before) : undefined,
        ),
      )
      .orderBy(desc(vouchers.id))
      .limit(q.limit + 1)
      .all();
    const page = toPage(rows, q.limit, (r) => r.voucher.id, view(now, merchant ? 'merchant' : 'other'));
    if (q.format === 'csv') return csvResponse(c, 'vouchers.csv', CSV_COLUMNS, page);
    return c.json(page, 200);
  });

  api.openapi(getVoucher, (c) => {
    const { scope } = c.var;
    scope.requireRole('admin', 'staff', 'merchant');
    const { voucher } = scope.voucher(c.req.valid('param').code);
    return c.json(view(clock.now(), false)(rowById(voucher.id)), 200);
  });

  api.openapi(redeemVoucher, (c) => {
    const { scope, ctx, principal } = c.var;
    scope.requireRole('admin', 'merchant');
    const { code } = c.req.valid('param');
    const found = scope.voucher(code).voucher;
    return idempotent(
      c,
      null,
      200,
      () => {
        const { voucher } = verifyVoucher(ctx, { code, ...(principal.merchantId !== null ? { merchantId: principal.merchantId } : {}) });
        return view(clock.now(), false)(rowById(voucher.id));
      },
      canonicalPath(c.req.path, found.code),
    );
  });

  api.openapi(cancelVoucher, (c) => {
    const { scope, ctx } = c.var;
    scope.requireRole('admin');
    const { code } = c.req.valid('param');
    const found = scope.voucher(code).voucher;
    return idempotent(
      c,
      null,
      200,
      () => {
        const { voucher } = refundVoucher(ctx, { code });
        return view(clock.now(), false)(rowById(voucher.id));
      },
      canonicalPath(c.req.path, found.code),
    );
  });
};

/** A voucher's path with its code as stored: `ab12-cd34` and `AB12CD34` name the same voucher, so one key covers both. */
function canonicalPath(path: string, code: string): string {
  return path.replace(/\/vouchers\/[^/]+\//, `/vouchers/${code}/`);
}
