import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DAY } from '../../../src/clock.js';
import { balanceOf, ESCROW, merchantAccount } from '../../../src/domain/ledger/accounts.js';
import { adjust } from '../../../src/domain/ledger/adjust.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { expireVouchers } from '../../../src/domain/rewards/expire.js';
import { redeem } from '../../../src/domain/rewards/redeem.js';
import { refundVoucher } from '../../../src/domain/rewards/refund.js';
import { createReward, restock } from '../../../src/domain/rewards/rewards.js';
import { verifyVoucher } from '../../../src/domain/rewards/verify.js';
import { claimTask } from '../../../src/domain/timebank/claim.js';
import { completeTask } from '../../../src/domain/timebank/complete.js';
import { confirmCompletion } from '../../../src/domain/timebank/confirm.js';
import { disputeCompletion } from '../../../src/domain/timebank/dispute.js';
import { lapseCompletions } from '../../../src/domain/timebank/lapse.js';
import { postWish } from '../../../src/domain/timebank/post-wish.js';
import { ruleCompletion } from '../../../src/domain/timebank/rule.js';
import { isDomainError } from '../../../src/errors.js';
import { type DemoDomain, demoDomain, type Who } from '../../helpers/timebank.js';

const people = ['jin', 'wang', 'yang', 'li', 'chen'] as const satisfies readonly Who[];
const merchants = ['barber', 'spa'] as const satisfies readonly Who[];
const who = fc.constantFrom(...people);

/**
 * One step a neighbourhood might take; many are refused, which is part of the test. Indexes of tasks and
 * vouchers are taken modulo what exists, so most steps act on something real.
 */
const operation = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('grant' as const), who, points: fc.integer({ min: 5, max: 80 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deduct' as const), who, points: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('redeem' as const), who, reward: fc.integer({ min: 1, max: 3 }), key: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('refund' as const), who, voucher: fc.nat(30), holder: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('verify' as const), merchant: fc.constantFrom(...merchants), voucher: fc.nat(30) }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('restock' as const), reward: fc.integer({ min: 1, max: 3 }), quantity: fc.integer({ min: -4, max: 4 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 100 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('serve' as const),
      requester: who,
      volunteer: who,
      minutes: fc.integer({ min: 1, max: 600 }),
      outcome: fc.constantFrom('confirm', 'staff-confirm', 'dispute-rule', 'leave'),
      ruled: fc.integer({ min: 0, max: 600 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('claim' as const), who, task: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('done' as const), who, task: fc.nat(10), minutes: fc.integer({ min: 1, max: 600 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('confirm' as const), who, task: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rule' as const), task: fc.nat(10), minutes: fc.integer({ min: 0, max: 600 }) }) },
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** Runs `fn`; a refusal (a DomainError) is expected and swallowed, anything else is a bug. */
function attempt(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!isDomainError(error)) throw error;
  }
}

function apply(demo: DemoDomain, step: Operation, run: number): void {
  const { db } = demo.services;
  const vouchers = () => db.all<{ code: string; holder: number }>(sql`SELECT code, member_id AS holder FROM vouchers ORDER BY id`);
  const taskCount = () => db.all<{ n: number }>(sql`SELECT count(*) AS n FROM tasks`)[0]!.n;
  const taskId = (index: number) => (index % Math.max(taskCount(), 1)) + 1;
  const staff = demo.as('zhao');
  switch (step.op) {
    case 'grant':
    case 'deduct':
      return void attempt(() =>
        adjust(staff, {
          memberId: demo.ids.members[step.who].id,
          unitId: demo.ids.units.community.id,
          points: step.op === 'grant' ? step.points : -step.points,
          reason: step.op,
          idempotencyKey: `${run}-${Math.random()}`,
        }),
      );
    case 'redeem':
      return void attempt(() => redeem(demo.as(step.who), { rewardId: step.reward, idempotencyKey: `${step.who}-${step.key}` }));
    case 'refund': {
      const all = vouchers();
      const voucher = all[step.voucher % Math.max(all.length, 1)];
      if (!voucher) return;
      const actor = step.holder ? { ...demo.system, actor: { kind: 'member' as const, memberId: voucher.holder } } : demo.as(step.who);
      return void attempt(() => refundVoucher(actor, { code: voucher.code }));
    }
    case 'verify': {
      const all = vouchers();
      const voucher = all[step.voucher % Math.max(all.length, 1)];
      if (voucher) attempt(() => verifyVoucher(demo.as(step.merchant), { code: voucher.code }));
      return;
    }
    case 'restock':
      return void attempt(() => restock(staff, { rewardId: step.reward, quantity: step.quantity }));
    case 'advance':
      demo.clock.advance(step.days * DAY);
      expireVouchers(demo.system);
      lapseCompletions(demo.system);
      return;
    case 'serve': {
      let id = 0;
      attempt(() => (id = postWish(demo.as(step.requester), { unitId: demo.ids.units.grid1.id, title: '帮忙' }).id));
      if (!id) return;
      attempt(() => claimTask(demo.as(step.volunteer), { taskId: id }));
      attempt(() => completeTask(demo.as(step.volunteer), { taskId: id, minutes: step.minutes }));
      if (step.outcome === 'confirm') attempt(() => confirmCompletion(demo.as(step.requester), { taskId: id }));
      if (step.outcome === 'staff-confirm') attempt(() => confirmCompletion(staff, { taskId: id }));
      if (step.outcome === 'dispute-rule') {
        attempt(() => disputeCompletion(demo.as(step.requester), { taskId: id, reason: '不对' }));
        attempt(() => ruleCompletion(staff, { taskId: id, minutes: step.ruled }));
      }
      return;
    }
    case 'claim':
      return void attempt(() => claimTask(demo.as(step.who), { taskId: taskId(step.task) }));
    case 'done':
      return void attempt(() => completeTask(demo.as(step.who), { taskId: taskId(step.task), minutes: step.minutes }));
    case 'confirm':
      return void attempt(() => confirmCompletion(demo.as(step.who), { taskId: taskId(step.task) }));
    case 'rule':
      return void attempt(() => ruleCompletion(staff, { taskId: taskId(step.task), minutes: step.minutes }));
  }
}

/** Everything that must hold after every step, whatever was refused. */
function checkInvariants(demo: DemoDomain) {
  const { db } = demo.services;
  const report = reconcile(db);
  // Legs sum to zero, cached balances equal recomputed ones, no member below zero, stock matches its
  // movements, the escrow holds exactly the vouchers outstanding.
  expect(report).toMatchObject({ ok: true });
  const [total] = db.all<{ sum: number }>(sql`SELECT coalesce(sum(amount), 0) AS sum FROM ledger_legs`);
  expect(total!.sum).toBe(0);
  const negative = db.all(sql`SELECT key FROM ledger_accounts WHERE kind IN ('member', 'merchant', 'escrow') AND balance < 0`);
  expect(negative).toEqual([]);
  for (const r of db.all<{ id: number; stock: number; added: number; writtenOff: number; held: number }>(sql`
    SELECT r.id, r.stock,
      (SELECT coalesce(sum(delta), 0) FROM stock_movements m WHERE m.reward_id = r.id AND m.reason IN ('create', 'restock')) AS added,
      (SELECT coalesce(-sum(delta), 0) FROM stock_movements m WHERE m.reward_id = r.id AND m.reason = 'writeoff') AS writtenOff,
      (SELECT count(*) FROM vouchers v WHERE v.reward_id = r.id AND v.status IN ('issued', 'used')) AS held
    FROM rewards r`)) {
    expect(r.stock).toBeGreaterThanOrEqual(0);
    // Vouchers out (held or used) never exceed the stock ever added: they are exactly what left the shelf.
    expect(r.held).toBeLessThanOrEqual(r.added);
    expect(r.held).toBe(r.added - r.writtenOff - r.stock);
  }
  // Each merchant has been paid exactly the price of the vouchers used at their shop.
  for (const m of merchants) {
    const [used] = db.all<{ sum: number }>(sql`
      SELECT coalesce(sum(v.points_cost), 0) AS sum FROM vouchers v JOIN rewards r ON r.id = v.reward_id
      WHERE v.status = 'used' AND r.merchant_id = ${demo.ids.members[m].id}`);
    expect(balanceOf(db, merchantAccount(demo.ids.members[m].id))).toBe(used!.sum);
  }
  const [outstanding] = db.all<{ sum: number }>(sql`SELECT coalesce(sum(points_cost), 0) AS sum FROM vouchers WHERE status = 'issued'`);
  expect(balanceOf(db, ESCROW)).toBe(outstanding!.sum);
  // Every credited completion paid what its minutes are worth, and nothing else paid for service.
  const [service] = db.all<{ paid: number; legs: number }>(sql`
    SELECT (SELECT coalesce(sum(points), 0) FROM task_completions WHERE status IN ('confirmed', 'ruled')) AS paid,
           (SELECT coalesce(sum(l.amount), 0) FROM ledger_legs l JOIN ledger_transactions t ON t.id = l.transaction_id
              JOIN ledger_accounts a ON a.id = l.account_id WHERE t.reason = 'task' AND a.kind = 'member') AS legs`);
  expect(service!.legs).toBe(service!.paid);
}

describe('ledger invariants under random sequences of operations', () => {
  it('hold after every step: nothing lost, duplicated or negative', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.array(operation, { minLength: 10, maxLength: 60 }), (steps) => {
        const demo = demoDomain();
        run += 1;
        // A small reward that runs out quickly, with no monthly limit.
        createReward(demo.as('zhao'), {
          unitId: demo.ids.units.community.id,
          merchantId: demo.ids.members.spa.id,
          name: '修脚券',
          pointsCost: 7,
          stock: 2,
          validDays: 30,
        });
        for (const step of steps) {
          // A refusal is fine; anything else (a database constraint tripping) fails the property.
          apply(demo, step, run);
          checkInvariants(demo);
        }
        demo.services.db.$client.close();
      }),
      { numRuns: 50 },
    );
  }, 120_000); // fifty neighbourhoods of up to sixty steps each, checked after every step
});
