import type Database from 'better-sqlite3';
import { DAY } from '../../src/clock.js';
import { randomCode } from '../../src/domain/codes.js';
import { VOUCHER_CODE_LENGTH } from '../../src/domain/rewards/vouchers.js';
import type { Step } from './measure.js';

/**
 * The reference loops: what the machine, SQLite and the chosen pragmas allow for the same work, written
 * by hand against the connection Linli itself opened (so the same file, WAL, synchronous=FULL, foreign
 * keys and triggers). Each returns one step; the harness times how many it runs.
 */

/**
 * The least a durable write costs: a transaction (BEGIN IMMEDIATE, as Linli's) inserting one row into a
 * table of its own, committed. With synchronous=FULL that is one fsync of the WAL per step.
 */
export function rawInsert(sqlite: Database.Database): Step {
  sqlite.exec('CREATE TABLE IF NOT EXISTS bench_reference (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, text TEXT NOT NULL)');
  const insert = sqlite.prepare('INSERT INTO bench_reference (at, text) VALUES (?, ?)');
  let n = 0;
  const write = sqlite.transaction(() => insert.run(Date.now(), `报事 ${++n}号楼门口路灯坏了`));
  return () => write.immediate();
}

/** The least a read costs: one prepared statement reading a member's balance by its unique key. */
export function pointSelect(sqlite: Database.Database, memberId: number): Step {
  const select = sqlite.prepare('SELECT balance FROM ledger_accounts WHERE key = ?');
  const key = `member:${memberId}`;
  return () => select.get(key);
}

/**
 * 兑换 by hand: in one BEGIN IMMEDIATE transaction, read the reward and the buyer's balance (the checks a
 * correct purchase needs; the CHECK constraints would refuse an overdraft or empty stock anyway), then
 * write what Linli writes: the ledger transaction, its two legs (buyer → escrow; the trigger moves the
 * balances), the voucher, the stock movement (the trigger takes one from stock) and the audit row.
 * Linli's chat core adds its dedupe mark and the reply; those are its cost, not the reference's.
 */
export function handRedeem(sqlite: Database.Database, input: { memberId: number; rewardId: number }): Step {
  const reward = sqlite.prepare('SELECT points_cost AS cost, stock, valid_days AS days, active FROM rewards WHERE id = ?');
  const account = sqlite.prepare('SELECT id, balance FROM ledger_accounts WHERE key = ?');
  const transaction = sqlite.prepare(
    "INSERT INTO ledger_transactions (at, reason, ref, memo, idempotency_key, actor_kind, actor_id) VALUES (?, 'redeem', ?, ?, ?, 'member', ?)",
  );
  const legs = sqlite.prepare('INSERT INTO ledger_legs (transaction_id, account_id, amount) VALUES (?, ?, ?), (?, ?, ?)');
  const voucher = sqlite.prepare(
    'INSERT INTO vouchers (code, reward_id, member_id, points_cost, idempotency_key, issued_at, expires_at, transaction_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const stock = sqlite.prepare(
    "INSERT INTO stock_movements (reward_id, delta, reason, voucher_id, at, actor_kind, actor_id) VALUES (?, -1, 'redeem', ?, ?, 'member', ?)",
  );
  const auditRow = sqlite.prepare(
    "INSERT INTO audit_log (at, actor_kind, actor_id, action, target_type, target_id, data) VALUES (?, 'member', ?, 'voucher.redeem', 'voucher', ?, ?)",
  );
  const escrow = account.get('escrow') as { id: number } | undefined;
  if (!escrow) throw new Error('no escrow account: createWorld opens it');
  const actor = String(input.memberId);
  let n = 0;
  const buy = sqlite.transaction(() => {
    const now = Date.now();
    const r = reward.get(input.rewardId) as { cost: number; stock: number; days: number; active: number };
    const buyer = account.get(`member:${input.memberId}`) as { id: number; balance: number };
    if (!r.active || r.stock < 1 || buyer.balance < r.cost) throw new Error('the reference cannot buy: out of stock or points');
    const key = `redeem:bench:${process.pid}:${Date.now()}:${++n}`;
    const t = transaction.run(now, `reward:${input.rewardId}`, `G${input.rewardId}`, key, actor).lastInsertRowid;
    legs.run(t, buyer.id, -r.cost, t, escrow.id, r.cost);
    const v = voucher.run(randomCode(VOUCHER_CODE_LENGTH), input.rewardId, input.memberId, r.cost, key, now, now + r.days * DAY, t).lastInsertRowid;
    stock.run(input.rewardId, v, now, actor);
    auditRow.run(now, actor, String(v), JSON.stringify({ rewardId: input.rewardId, points: r.cost, transactionId: Number(t) }));
  });
  return () => buy.immediate();
}
