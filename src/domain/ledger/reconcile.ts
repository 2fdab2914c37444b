import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

export interface ReconcileReport {
  ok: boolean;
  /** Accounts whose cached balance differs from the sum of their legs. */
  accounts: { accountId: number; key: string; cached: number; computed: number }[];
  /** Transactions whose legs do not sum to zero. */
  unbalanced: { transactionId: number; sum: number }[];
  /** Accounts other than pools below zero. */
  negative: { accountId: number; key: string; balance: number }[];
  /** Rewards whose cached stock differs from the sum of their movements. */
  stock: { rewardId: number; cached: number; computed: number }[];
  /** The escrow must hold exactly the price of the vouchers still outstanding. */
  escrow: { balance: number; outstanding: number } | null;
  checked: { accounts: number; transactions: number; rewards: number };
}

/**
 * Recomputes every balance and stock from the records and reports what does not add up. Reads only:
 * a mismatch is for a person to look into, not for code to paper over.
 */
export function reconcile(db: Db): ReconcileReport {
  const all = <T>(query: ReturnType<typeof sql>) => db.all<T>(query);
  const accounts = all<{ accountId: number; key: string; cached: number; computed: number }>(sql`
    SELECT a.id AS accountId, a.key AS key, a.balance AS cached, coalesce(sum(l.amount), 0) AS computed
    FROM ledger_accounts a LEFT JOIN ledger_legs l ON l.account_id = a.id
    GROUP BY a.id HAVING a.balance <> coalesce(sum(l.amount), 0)`);
  const unbalanced = all<{ transactionId: number; sum: number }>(sql`
    SELECT t.id AS transactionId, coalesce(sum(l.amount), 0) AS sum
    FROM ledger_transactions t LEFT JOIN ledger_legs l ON l.transaction_id = t.id
    GROUP BY t.id HAVING coalesce(sum(l.amount), 0) <> 0 OR count(l.id) < 2`);
  const negative = all<{ accountId: number; key: string; balance: number }>(sql`
    SELECT id AS accountId, key, balance FROM ledger_accounts WHERE kind <> 'pool' AND balance < 0`);
  const stock = all<{ rewardId: number; cached: number; computed: number }>(sql`
    SELECT r.id AS rewardId, r.stock AS cached, coalesce(sum(m.delta), 0) AS computed
    FROM rewards r LEFT JOIN stock_movements m ON m.reward_id = r.id
    GROUP BY r.id HAVING r.stock <> coalesce(sum(m.delta), 0)`);
  const [held] = all<{ balance: number | null; outstanding: number }>(sql`
    SELECT (SELECT balance FROM ledger_accounts WHERE key = 'escrow') AS balance,
           (SELECT coalesce(sum(points_cost), 0) FROM vouchers WHERE status = 'issued') AS outstanding`);
  const escrowBalance = held?.balance ?? 0;
  const outstanding = held?.outstanding ?? 0;
  const escrow = escrowBalance === outstanding ? null : { balance: escrowBalance, outstanding };
  const [counts] = all<{ accounts: number; transactions: number; rewards: number }>(sql`
    SELECT (SELECT count(*) FROM ledger_accounts) AS accounts,
           (SELECT count(*) FROM ledger_transactions) AS transactions,
           (SELECT count(*) FROM rewards) AS rewards`);
  return {
    ok: !accounts.length && !unbalanced.length && !negative.length && !stock.length && !escrow,
    accounts,
    unbalanced,
    negative,
    stock,
    escrow,
    checked: counts ?? { accounts: 0, transactions: 0, rewards: 0 },
  };
}
