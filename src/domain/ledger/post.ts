import { eq, inArray, sql } from 'drizzle-orm';
import { inTransaction } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import { type LedgerReason, ledgerAccounts, ledgerLegs, ledgerTransactions } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import { actorId, type Ctx } from '../context.js';
import { currentMemberId } from '../org/members.js';
import { type AccountRef, accountKey, mayGoNegative, memberAccount, openAccount } from './accounts.js';

export type LedgerTransaction = typeof ledgerTransactions.$inferSelect;
export type LedgerLeg = typeof ledgerLegs.$inferSelect;

export interface Leg {
  account: AccountRef;
  /** Whole points; positive credits the account, negative debits it. */
  amount: number;
}

export interface PostInput {
  legs: Leg[];
  reason: LedgerReason;
  /** What it is about: "completion:3", "voucher:5". */
  ref: string;
  /** What a person reads in their statement. */
  memo: string;
  /** Unique per intended movement: the same key again returns the first transaction and pays nothing. */
  idempotencyKey: string;
  reversesId?: number;
}

export interface Posted {
  transaction: LedgerTransaction;
  legs: LedgerLeg[];
  /** The key had been used: nothing moved this time. */
  repeated: boolean;
}

const transactionByKey = preparedPerDb((db) =>
  db
    .select()
    .from(ledgerTransactions)
    .where(eq(ledgerTransactions.idempotencyKey, sql.placeholder('key')))
    .prepare(),
);

const newTransaction = preparedPerDb((db) =>
  db
    .insert(ledgerTransactions)
    .values({
      at: sql.placeholder('at'),
      reason: sql.placeholder('reason'),
      ref: sql.placeholder('ref'),
      memo: sql.placeholder('memo'),
      idempotencyKey: sql.placeholder('idempotencyKey'),
      actorKind: sql.placeholder('actorKind'),
      actorId: sql.placeholder('actorId'),
      reversesId: sql.placeholder('reversesId'),
    })
    .returning()
    .prepare(),
);

// One leg a statement: a transaction has two legs, seldom more, and a multi-row insert is a new query for each count.
const newLeg = preparedPerDb((db) =>
  db
    .insert(ledgerLegs)
    .values({ transactionId: sql.placeholder('transactionId'), accountId: sql.placeholder('accountId'), amount: sql.placeholder('amount') })
    .returning()
    .prepare(),
);

/**
 * The only way points move. Legs sum to zero; no member, escrow or merchant balance goes below zero
 * (checked here with a clear error, and again by the database); the balances are updated in the same
 * transaction, by a trigger on the legs.
 */
export function post(ctx: Ctx, input: PostInput): Posted {
  const key = input.idempotencyKey.trim();
  if (!key || key.length > 200) throw new DomainError('INVALID_INPUT', 'ledger.badKey');
  if (input.legs.length < 2) throw new DomainError('INVALID_INPUT', 'ledger.unbalanced', { sum: 'one leg' });
  for (const leg of input.legs) {
    if (!Number.isSafeInteger(leg.amount) || leg.amount === 0) {
      throw new DomainError('INVALID_INPUT', 'ledger.badAmount', { amount: String(leg.amount) });
    }
  }
  const sum = input.legs.reduce((s, l) => s + l.amount, 0);
  if (sum !== 0) throw new DomainError('INVALID_INPUT', 'ledger.unbalanced', { sum });

  return inTransaction(ctx.db, () => {
    const existing = transactionByKey(ctx.db).get({ key });
    if (existing) return repeat(ctx, existing, input);

    const now = ctx.clock.now();
    const net = new Map<number, { kind: AccountRef['kind']; balance: number; delta: number }>();
    const resolved = input.legs.map((leg) => {
      const account = openAccount(ctx.db, leg.account, now);
      const entry = net.get(account.id) ?? { kind: account.kind, balance: account.balance, delta: 0 };
      entry.delta += leg.amount;
      net.set(account.id, entry);
      return { accountId: account.id, amount: leg.amount };
    });
    for (const { kind, balance, delta } of net.values()) {
      if (!mayGoNegative(kind) && balance + delta < 0) {
        throw new DomainError('INSUFFICIENT_POINTS', 'ledger.insufficient', { missing: -(balance + delta) });
      }
    }

    const transaction = newTransaction(ctx.db).get({
      at: now,
      reason: input.reason,
      ref: input.ref,
      memo: input.memo,
      idempotencyKey: key,
      actorKind: ctx.actor.kind,
      actorId: actorId(ctx.actor),
      reversesId: input.reversesId ?? null,
    })!;
    const legs = resolved.map((l) => newLeg(ctx.db).get({ ...l, transactionId: transaction.id })!);
    return { transaction, legs, repeated: false };
  });
}

/** A key seen before: the same movement returns the first one; a different one under that key is refused. */
function repeat(ctx: Ctx, existing: LedgerTransaction, input: PostInput): Posted {
  const legs = ctx.db.select().from(ledgerLegs).where(eq(ledgerLegs.transactionId, existing.id)).all();
  const accounts = ctx.db
    .select({ id: ledgerAccounts.id, key: ledgerAccounts.key })
    .from(ledgerAccounts)
    .where(
      inArray(
        ledgerAccounts.id,
        legs.map((l) => l.accountId),
      ),
    )
    .all();
  const keyOf = new Map(accounts.map((a) => [a.id, a.key]));
  const shape = (pairs: [string, number][]) =>
    pairs
      .map(([k, a]) => `${k}=${a}`)
      .sort()
      .join(',');
  const same =
    existing.reason === input.reason &&
    existing.ref === input.ref &&
    shape(legs.map((l) => [keyOf.get(l.accountId)!, l.amount])) === shape(input.legs.map((l) => [accountKey(l.account), l.amount]));
  if (!same) throw new DomainError('CONFLICT', 'ledger.keyReused', { key: existing.idempotencyKey });
  return { transaction: existing, legs, repeated: true };
}

/**
 * A correction: a new transaction with every leg of the old one negated, a merged member's on the record
 * they use now. A transaction is reversed once.
 * Only adjustments are reversed this way: vouchers are corrected by refunding them, and task points by an
 * adjustment, so the escrow always equals the vouchers outstanding and credited hours stay as recorded.
 */
export function reverse(ctx: Ctx, input: { transactionId: number; memo: string }): Posted {
  const memo = input.memo.trim();
  if (!memo) throw new DomainError('INVALID_INPUT', 'ledger.reasonRequired');
  return inTransaction(ctx.db, () => {
    const original = ctx.db.select().from(ledgerTransactions).where(eq(ledgerTransactions.id, input.transactionId)).get();
    if (!original) throw new DomainError('NOT_FOUND', 'ledger.transactionNotFound', { id: input.transactionId });
    if (original.reason !== 'adjust') throw new DomainError('INVALID_INPUT', 'ledger.notReversible', { id: original.id });
    const already = ctx.db.select().from(ledgerTransactions).where(eq(ledgerTransactions.reversesId, original.id)).get();
    if (already) throw new DomainError('CONFLICT', 'ledger.alreadyReversed', { id: original.id, by: already.id });
    const legs = ctx.db
      .select({ amount: ledgerLegs.amount, account: ledgerAccounts })
      .from(ledgerLegs)
      .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerLegs.accountId))
      .where(eq(ledgerLegs.transactionId, original.id))
      .all();
    // A member's record merged since into another is the same person, and its balance moved there: the
    // points come back from (or go back to) the record they use now, as a new adjustment would.
    const merged = new Map<number, number>();
    const accountNow = (ref: AccountRef): AccountRef => {
      if (ref.kind !== 'member') return ref;
      const current = currentMemberId(ctx.db, ref.memberId);
      if (current !== ref.memberId) merged.set(ref.memberId, current);
      return memberAccount(current);
    };
    const reversed = post(ctx, {
      legs: legs.map((l) => ({ account: accountNow(refOf(l.account)), amount: -l.amount })),
      reason: 'reversal',
      ref: `transaction:${original.id}`,
      memo,
      idempotencyKey: `reverse:${original.id}`,
      reversesId: original.id,
    });
    audit(
      ctx,
      'ledger.reverse',
      { type: 'transaction', id: original.id },
      {
        by: reversed.transaction.id,
        memo,
        ...(merged.size ? { mergedInto: Object.fromEntries(merged) } : {}),
      },
    );
    return reversed;
  });
}

export function refOf(account: typeof ledgerAccounts.$inferSelect): AccountRef {
  switch (account.kind) {
    case 'member':
      return { kind: 'member', memberId: account.memberId! };
    case 'merchant':
      return { kind: 'merchant', memberId: account.memberId! };
    case 'pool':
      return { kind: 'pool', unitId: account.unitId! };
    case 'escrow':
      return { kind: 'escrow' };
  }
}
