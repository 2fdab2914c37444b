import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { limitPlaceholder, preparedPerDb } from '../../db/prepared.js';
import { type AccountKind, ledgerAccounts, ledgerLegs, ledgerTransactions } from '../../db/schema/index.js';

export type Account = typeof ledgerAccounts.$inferSelect;

/** Whose account: a member, a unit's pool, the voucher escrow, a merchant's settlement account. */
export type AccountRef = { kind: 'member'; memberId: number } | { kind: 'pool'; unitId: number } | { kind: 'escrow' } | { kind: 'merchant'; memberId: number };

export const memberAccount = (memberId: number): AccountRef => ({ kind: 'member', memberId });
export const poolAccount = (unitId: number): AccountRef => ({ kind: 'pool', unitId });
export const ESCROW: AccountRef = { kind: 'escrow' };
export const merchantAccount = (memberId: number): AccountRef => ({ kind: 'merchant', memberId });

export function accountKey(ref: AccountRef): string {
  switch (ref.kind) {
    case 'member':
      return `member:${ref.memberId}`;
    case 'pool':
      return `pool:${ref.unitId}`;
    case 'escrow':
      return 'escrow';
    case 'merchant':
      return `merchant:${ref.memberId}`;
  }
}

/** Only a unit's pool issues points, so only it may go below zero. */
export const mayGoNegative = (kind: AccountKind) => kind === 'pool';

const accountByKey = preparedPerDb((db) =>
  db
    .select()
    .from(ledgerAccounts)
    .where(eq(ledgerAccounts.key, sql.placeholder('key')))
    .prepare(),
);

const newAccount = preparedPerDb((db) =>
  db
    .insert(ledgerAccounts)
    .values({
      kind: sql.placeholder('kind'),
      key: sql.placeholder('key'),
      memberId: sql.placeholder('memberId'),
      unitId: sql.placeholder('unitId'),
      createdAt: sql.placeholder('createdAt'),
    })
    .returning()
    .prepare(),
);

export function findAccount(db: Db, ref: AccountRef): Account | undefined {
  return accountByKey(db).get({ key: accountKey(ref) });
}

/** The account, opened on first use. Call inside the transaction that posts to it. */
export function openAccount(db: Db, ref: AccountRef, now: Date): Account {
  const existing = findAccount(db, ref);
  if (existing) return existing;
  return newAccount(db).get({
    kind: ref.kind,
    key: accountKey(ref),
    memberId: ref.kind === 'member' || ref.kind === 'merchant' ? ref.memberId : null,
    unitId: ref.kind === 'pool' ? ref.unitId : null,
    createdAt: now,
  })!;
}

/** The cached balance; zero for an account never used. */
export const balanceOf = (db: Db, ref: AccountRef): number => findAccount(db, ref)?.balance ?? 0;

export interface StatementLine {
  transactionId: number;
  at: Date;
  reason: (typeof ledgerTransactions.$inferSelect)['reason'];
  memo: string;
  amount: number;
  /** Who caused the movement: the member, the API token or the job. */
  actorKind: (typeof ledgerTransactions.$inferSelect)['actorKind'];
  actorId: string;
}

/** The latest movements of one account, newest first: what `积分` shows and the API's ledger list. */
export function statement(db: Db, ref: AccountRef, options: { limit?: number; beforeId?: number } = {}): StatementLine[] {
  const account = findAccount(db, ref);
  if (!account) return [];
  // No cursor is the first page: before any id there can be.
  return statementPage(db).all({ accountId: account.id, beforeId: options.beforeId ?? Number.MAX_SAFE_INTEGER, limit: options.limit ?? 50 });
}

const statementPage = preparedPerDb((db) =>
  db
    .select({
      transactionId: ledgerTransactions.id,
      at: ledgerTransactions.at,
      reason: ledgerTransactions.reason,
      memo: ledgerTransactions.memo,
      amount: sql<number>`sum(${ledgerLegs.amount})`,
      actorKind: ledgerTransactions.actorKind,
      actorId: ledgerTransactions.actorId,
    })
    .from(ledgerLegs)
    .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerLegs.transactionId))
    .where(and(eq(ledgerLegs.accountId, sql.placeholder('accountId')), lt(ledgerTransactions.id, sql.placeholder('beforeId'))))
    .groupBy(ledgerTransactions.id)
    .orderBy(desc(ledgerTransactions.id))
    .limit(limitPlaceholder('limit'))
    .prepare(),
);
