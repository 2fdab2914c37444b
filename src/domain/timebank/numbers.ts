import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { VOUCHER_STATUSES, type VoucherStatus } from '../../db/schema/index.js';
import { inSubtree, unitInSubtree } from '../org/subtree.js';
import { getUnit } from '../org/units.js';
import { type Standing, topVolunteers } from './leaderboard.js';

export interface TimebankNumbers {
  unitId: number;
  from: Date;
  to: Date;
  /** Service credited in [from, to) on the subtree's wishes and tasks: hours are tallies, never spent. */
  hours: { minutes: number; completions: number; volunteers: number };
  /** Wishes and tasks posted in the window, and those finished in it. */
  tasks: { wishes: number; tasks: number; done: number };
  /**
   * Points that moved in the window. Earned for service and granted or deducted by adjustments: out of and
   * back to the subtree's pools. Spent on vouchers of the subtree's rewards, returned by their refunds and
   * expiries, paid to merchants when used.
   */
  points: { earned: number; granted: number; deducted: number; spent: number; returned: number; paidToMerchants: number };
  /** Vouchers of the subtree's rewards bought in the window, by their state now. */
  vouchers: Record<VoucherStatus, number>;
  topVolunteers: Standing[];
}

/** Service credited in [from, to) on wishes and tasks of the unit's subtree. */
export function hoursServed(db: Db, unitId: number, from: Date, to: Date): TimebankNumbers['hours'] {
  const root = getUnit(db, unitId);
  return db.get<TimebankNumbers['hours']>(sql`
    SELECT coalesce(sum(c.credited_minutes), 0) AS minutes, count(*) AS completions,
           count(DISTINCT coalesce(m.merged_into, m.id)) AS volunteers
    FROM task_completions c JOIN tasks t ON t.id = c.task_id JOIN units u ON u.id = t.unit_id
      JOIN members m ON m.id = c.volunteer_id
    WHERE c.status IN ('confirmed', 'ruled') AND c.credited_minutes > 0 AND ${inSubtree(sql`u.path`, root.path)}
      AND c.decided_at >= ${from.getTime()} AND c.decided_at < ${to.getTime()}`)!;
}

/** The time-bank's figures for a unit's subtree over [from, to): what reports and the API show. */
export function timebankNumbers(db: Db, unitId: number, from: Date, to: Date): TimebankNumbers {
  const root = getUnit(db, unitId);
  const within = (column: string) => unitInSubtree(sql.raw(column), root.path);
  const during = (column: string) => sql`${sql.raw(column)} >= ${from.getTime()} AND ${sql.raw(column)} < ${to.getTime()}`;

  const hours = hoursServed(db, unitId, from, to);

  const tasks = db.get<{ wishes: number; tasks: number; done: number }>(sql`
    SELECT coalesce(sum(kind = 'wish' AND ${during('created_at')}), 0) AS wishes,
           coalesce(sum(kind = 'task' AND ${during('created_at')}), 0) AS tasks,
           coalesce(sum(${during('done_at')}), 0) AS done
    FROM tasks WHERE ${within('unit_id')}`)!;

  // A pool leg is the other side of what members earned (negative) or gave back (positive).
  const pools = db.get<{ earned: number; granted: number; deducted: number }>(sql`
    SELECT coalesce(sum(CASE WHEN x.reason = 'task' THEN -l.amount END), 0) AS earned,
           coalesce(sum(CASE WHEN x.reason IN ('adjust', 'reversal') AND l.amount < 0 THEN -l.amount END), 0) AS granted,
           coalesce(sum(CASE WHEN x.reason IN ('adjust', 'reversal') AND l.amount > 0 THEN l.amount END), 0) AS deducted
    FROM ledger_legs l JOIN ledger_accounts a ON a.id = l.account_id JOIN ledger_transactions x ON x.id = l.transaction_id
    WHERE a.kind = 'pool' AND ${within('a.unit_id')} AND ${during('x.at')}`)!;

  const ours = sql`v.reward_id IN (SELECT id FROM rewards WHERE ${within('unit_id')})`;
  const spending = db.get<{ spent: number; returned: number; paid: number }>(sql`
    SELECT coalesce(sum(CASE WHEN ${during('v.issued_at')} THEN v.points_cost END), 0) AS spent,
           coalesce(sum(CASE WHEN ${during('v.cancelled_at')} OR ${during('v.expired_at')} THEN v.points_cost END), 0) AS returned,
           coalesce(sum(CASE WHEN ${during('v.used_at')} THEN v.points_cost END), 0) AS paid
    FROM vouchers v WHERE ${ours}`)!;

  const vouchers = Object.fromEntries(VOUCHER_STATUSES.map((s) => [s, 0])) as Record<VoucherStatus, number>;
  for (const row of db.all<{ status: VoucherStatus; n: number }>(sql`
    SELECT v.status AS status, count(*) AS n FROM vouchers v WHERE ${ours} AND ${during('v.issued_at')} GROUP BY v.status`)) {
    vouchers[row.status] = row.n;
  }

  return {
    unitId,
    from,
    to,
    hours,
    tasks,
    points: { ...pools, spent: spending.spent, returned: spending.returned, paidToMerchants: spending.paid },
    vouchers,
    topVolunteers: topVolunteers(db, { unitId, from, to }),
  };
}
