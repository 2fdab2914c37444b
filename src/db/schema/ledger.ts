import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { instant } from './columns.js';
import { members, units } from './org.js';

export const ACCOUNT_KINDS = ['member', 'pool', 'escrow', 'merchant'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/**
 * Where points live. A member's own account; each unit's pool, which issues the points its volunteers
 * earn (it goes negative by what it has issued); the one escrow holding the price of vouchers not yet
 * used; each merchant's settlement account. `balance` is a cache of the account's legs, kept by a
 * trigger on `ledger_legs` in the same statement; only a pool may go below zero.
 */
export const ledgerAccounts = sqliteTable(
  'ledger_accounts',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    kind: text({ enum: ACCOUNT_KINDS }).notNull(),
    /** "member:12", "pool:3", "escrow", "merchant:7": one account per owner. */
    key: text().notNull(),
    memberId: integer().references(() => members.id),
    unitId: integer().references(() => units.id),
    balance: integer().notNull().default(0),
    createdAt: instant().notNull(),
  },
  (t) => [
    uniqueIndex('ledger_accounts_key').on(t.key),
    index('ledger_accounts_member').on(t.memberId),
    check('ledger_accounts_not_negative', sql`${t.kind} = 'pool' OR ${t.balance} >= 0`),
  ],
);

export const LEDGER_REASONS = ['task', 'redeem', 'use', 'refund', 'expire', 'adjust', 'reversal', 'merge'] as const;
export type LedgerReason = (typeof LEDGER_REASONS)[number];

/**
 * One movement of points: who caused it, why, and a unique idempotency key, so a repeated command or
 * request finds the first one instead of paying twice. Append-only (triggers refuse updates and
 * deletes); a correction is a new transaction that `reverses` the old one.
 */
export const ledgerTransactions = sqliteTable(
  'ledger_transactions',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: instant().notNull(),
    reason: text({ enum: LEDGER_REASONS }).notNull(),
    /** What it is about, machine-readable: "completion:3", "voucher:5", "member:2". */
    ref: text().notNull(),
    /** What a person reads in their statement: "W1 2小时", "G1 理发券", an adjustment's reason. */
    memo: text().notNull(),
    idempotencyKey: text().notNull(),
    actorKind: text({ enum: ['member', 'token', 'system'] }).notNull(),
    actorId: text().notNull(),
    reversesId: integer(),
  },
  (t) => [
    uniqueIndex('ledger_transactions_key').on(t.idempotencyKey),
    uniqueIndex('ledger_transactions_reverses').on(t.reversesId),
    index('ledger_transactions_ref').on(t.ref),
  ],
);

/** The legs of a transaction; they sum to zero. */
export const ledgerLegs = sqliteTable(
  'ledger_legs',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    transactionId: integer()
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: integer()
      .notNull()
      .references(() => ledgerAccounts.id),
    amount: integer().notNull(),
  },
  (t) => [
    index('ledger_legs_account').on(t.accountId, t.id),
    index('ledger_legs_transaction').on(t.transactionId),
    check('ledger_legs_not_zero', sql`${t.amount} <> 0`),
  ],
);
