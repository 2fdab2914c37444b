import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { flag, instant } from './columns.js';
import { ledgerTransactions } from './ledger.js';
import { members, units } from './org.js';

/**
 * Something points buy (a haircut voucher), referred to as G<id>, offered to the members of `unitId`'s
 * subtree and honoured by one merchant. `stock` is a cache of the reward's stock movements, kept by a
 * trigger on `stock_movements`; it never goes below zero.
 */
export const rewards = sqliteTable(
  'rewards',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    unitId: integer()
      .notNull()
      .references(() => units.id),
    merchantId: integer()
      .notNull()
      .references(() => members.id),
    name: text().notNull(),
    description: text().notNull().default(''),
    pointsCost: integer().notNull(),
    stock: integer().notNull().default(0),
    /** Vouchers one member may buy in a calendar month (LINLI_TZ); null: no limit. */
    perMemberMonthlyLimit: integer(),
    validDays: integer().notNull(),
    active: flag().notNull().default(true),
    createdAt: instant().notNull(),
    updatedAt: instant().notNull(),
  },
  (t) => [
    index('rewards_unit').on(t.unitId, t.active),
    check('rewards_cost_positive', sql`${t.pointsCost} >= 1`),
    check('rewards_stock_not_negative', sql`${t.stock} >= 0`),
    check('rewards_valid_days_positive', sql`${t.validDays} >= 1`),
    check('rewards_limit_positive', sql`${t.perMemberMonthlyLimit} IS NULL OR ${t.perMemberMonthlyLimit} >= 1`),
  ],
);

export const STOCK_REASONS = ['create', 'restock', 'writeoff', 'redeem', 'refund', 'expire'] as const;
export type StockReason = (typeof STOCK_REASONS)[number];

/** Every change of a reward's stock: who, when, why. Append-only, like the ledger. */
export const stockMovements = sqliteTable(
  'stock_movements',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    rewardId: integer()
      .notNull()
      .references(() => rewards.id),
    delta: integer().notNull(),
    reason: text({ enum: STOCK_REASONS }).notNull(),
    /** The voucher it went to or came back from, if any. */
    voucherId: integer(),
    note: text(),
    at: instant().notNull(),
    actorKind: text({ enum: ['member', 'token', 'system'] }).notNull(),
    actorId: text().notNull(),
  },
  (t) => [index('stock_movements_reward').on(t.rewardId, t.id), check('stock_movements_not_zero', sql`${t.delta} <> 0`)],
);

export const VOUCHER_STATUSES = ['issued', 'used', 'expired', 'cancelled'] as const;
export type VoucherStatus = (typeof VOUCHER_STATUSES)[number];

/**
 * A bought voucher. Its price sits in escrow while `issued`; using it pays the merchant, cancelling
 * (退券) or expiry returns it to the member and one to stock.
 */
export const vouchers = sqliteTable(
  'vouchers',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    code: text().notNull(),
    rewardId: integer()
      .notNull()
      .references(() => rewards.id),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    /** The price paid, kept: the reward's cost may change later. */
    pointsCost: integer().notNull(),
    status: text({ enum: VOUCHER_STATUSES }).notNull().default('issued'),
    /** The redeem request's key: the same request again returns this voucher. */
    idempotencyKey: text().notNull(),
    issuedAt: instant().notNull(),
    expiresAt: instant().notNull(),
    usedAt: instant(),
    usedBy: integer().references(() => members.id),
    cancelledAt: instant(),
    expiredAt: instant(),
    transactionId: integer()
      .notNull()
      .references(() => ledgerTransactions.id),
  },
  (t) => [
    uniqueIndex('vouchers_code').on(t.code),
    uniqueIndex('vouchers_key').on(t.idempotencyKey),
    index('vouchers_member').on(t.memberId, t.rewardId, t.issuedAt),
    index('vouchers_status').on(t.status, t.expiresAt),
  ],
);
