import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { limitPlaceholder, preparedPerDb } from '../../db/prepared.js';
import { members, rewards, vouchers } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { normalizeCode, randomCode } from '../codes.js';
import type { Reward } from './rewards.js';

export type Voucher = typeof vouchers.$inferSelect;

/** 29^12 ≈ 3.5e17 codes: unguessable at any rate a chat allows. */
export const VOUCHER_CODE_LENGTH = 12;

const voucherWithCode = preparedPerDb((db) =>
  db
    .select({ id: vouchers.id })
    .from(vouchers)
    .where(eq(vouchers.code, sql.placeholder('code')))
    .prepare(),
);

/** A fresh code no voucher has. */
export function newVoucherCode(db: Db): string {
  for (;;) {
    const code = randomCode(VOUCHER_CODE_LENGTH);
    if (!voucherWithCode(db).get({ code })) return code;
  }
}

/** The voucher a typed code names (case, spaces and dashes do not matter), with its reward and holder. */
export function findVoucher(db: Db, typed: string): { voucher: Voucher; reward: Reward; holder: string } {
  const code = normalizeCode(typed);
  const row = db
    .select({ voucher: vouchers, reward: rewards, holder: members.name })
    .from(vouchers)
    .innerJoin(rewards, eq(rewards.id, vouchers.rewardId))
    .innerJoin(members, eq(members.id, vouchers.memberId))
    .where(eq(vouchers.code, code))
    .get();
  if (!row) throw new DomainError('NOT_FOUND', 'voucher.unknownCode', { code: code.slice(0, 20) });
  return row;
}

/** A member's vouchers, newest first. */
export function vouchersOf(db: Db, memberId: number, limit = 20): (Voucher & { rewardName: string; merchantName: string })[] {
  return vouchersOfMember(db)
    .all({ memberId, limit })
    .map((r) => ({ ...r.voucher, rewardName: r.rewardName, merchantName: r.merchantName }));
}

const vouchersOfMember = preparedPerDb((db) =>
  db
    .select({ voucher: vouchers, rewardName: rewards.name, merchantName: members.name })
    .from(vouchers)
    .innerJoin(rewards, eq(rewards.id, vouchers.rewardId))
    .innerJoin(members, eq(members.id, rewards.merchantId))
    .where(eq(vouchers.memberId, sql.placeholder('memberId')))
    .orderBy(desc(vouchers.id))
    .limit(limitPlaceholder('limit'))
    .prepare(),
);
