import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, ledgerLegs, ledgerTransactions } from '../../../src/db/schema/index.js';
import { balanceOf, ESCROW, memberAccount, openAccount, poolAccount, statement } from '../../../src/domain/ledger/accounts.js';
import { adjust } from '../../../src/domain/ledger/adjust.js';
import { type Leg, post, reverse } from '../../../src/domain/ledger/post.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { linkIdentity } from '../../../src/domain/org/identities.js';
import { demoDomain } from '../../helpers/timebank.js';

const transfer = (from: Leg['account'], to: Leg['account'], amount: number): Leg[] => [
  { account: from, amount: -amount },
  { account: to, amount },
];

describe('post', () => {
  it('moves points with legs that sum to zero and keeps the balances in the same transaction', () => {
    const demo = demoDomain();
    const yang = memberAccount(demo.ids.members.yang.id);
    const pool = poolAccount(demo.ids.units.grid1.id);
    const posted = post(demo.system, { legs: transfer(pool, yang, 30), reason: 'adjust', ref: 'member:1', memo: '种花', idempotencyKey: 'k1' });
    expect(posted.repeated).toBe(false);
    expect(posted.legs.map((l) => l.amount).sort()).toEqual([-30, 30]);
    expect(balanceOf(demo.services.db, yang)).toBe(30);
    expect(balanceOf(demo.services.db, pool)).toBe(-30); // the pool issues points: it may go negative
    expect(statement(demo.services.db, yang)).toMatchObject([{ amount: 30, memo: '种花', reason: 'adjust' }]);
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it.each([
    ['one leg', [{ account: ESCROW, amount: 5 }], 'ledger.unbalanced'],
    [
      'legs that do not sum to zero',
      [
        { account: ESCROW, amount: 5 },
        { account: poolAccount(1), amount: -4 },
      ],
      'ledger.unbalanced',
    ],
    [
      'a zero leg',
      [
        { account: ESCROW, amount: 0 },
        { account: poolAccount(1), amount: 0 },
      ],
      'ledger.badAmount',
    ],
    [
      'a fractional leg',
      [
        { account: ESCROW, amount: 0.5 },
        { account: poolAccount(1), amount: -0.5 },
      ],
      'ledger.badAmount',
    ],
  ] as [string, Leg[], string][])('refuses %s', (_, legs, key) => {
    const demo = demoDomain();
    expect(() => post(demo.system, { legs, reason: 'adjust', ref: 'x', memo: 'x', idempotencyKey: 'k' })).toThrow(key);
    expect(
      demo.services.db
        .select()
        .from(ledgerTransactions)
        .all()
        .filter((t) => t.idempotencyKey === 'k'),
    ).toEqual([]);
  });

  it('refuses an empty idempotency key', () => {
    const demo = demoDomain();
    expect(() => post(demo.system, { legs: transfer(poolAccount(1), ESCROW, 1), reason: 'adjust', ref: 'x', memo: 'x', idempotencyKey: ' ' })).toThrow(
      'ledger.badKey',
    );
  });

  it('never takes a member below zero, and says how many points are missing', () => {
    const demo = demoDomain();
    demo.grant('yang', 10);
    const yang = memberAccount(demo.ids.members.yang.id);
    expect(() => post(demo.system, { legs: transfer(yang, ESCROW, 25), reason: 'redeem', ref: 'x', memo: 'x', idempotencyKey: 'k' })).toThrowError(
      expect.objectContaining({ code: 'INSUFFICIENT_POINTS', params: { missing: 15 } }),
    );
    expect(balanceOf(demo.services.db, yang)).toBe(10);
  });

  it('pays once per idempotency key, and refuses the key for a different movement', () => {
    const demo = demoDomain();
    const yang = memberAccount(demo.ids.members.yang.id);
    const pool = poolAccount(demo.ids.units.grid1.id);
    const input = { legs: transfer(pool, yang, 20), reason: 'task' as const, ref: 'completion:1', memo: 'W1', idempotencyKey: 'task-confirm:1' };
    const first = post(demo.system, input);
    const second = post(demo.system, input);
    expect(second).toMatchObject({ repeated: true, transaction: { id: first.transaction.id } });
    expect(balanceOf(demo.services.db, yang)).toBe(20);
    expect(() => post(demo.system, { ...input, legs: transfer(pool, yang, 40) })).toThrow('ledger.keyReused');
  });

  it('is backed by the database: a member balance below zero is refused, and legs and transactions cannot be changed', () => {
    const demo = demoDomain();
    const db = demo.services.db;
    const account = openAccount(db, memberAccount(demo.ids.members.jin.id), demo.clock.now());
    const tx = db
      .insert(ledgerTransactions)
      .values({ at: demo.clock.now(), reason: 'adjust', ref: 'x', memo: 'x', idempotencyKey: 'raw', actorKind: 'system', actorId: 't' })
      .returning()
      .get();
    expect(() => db.insert(ledgerLegs).values({ transactionId: tx.id, accountId: account.id, amount: -1 }).run()).toThrow(/CHECK constraint failed/);
    demo.grant('jin', 5);
    const raw = (statement: string) => () => db.$client.exec(statement);
    expect(raw('UPDATE ledger_legs SET amount = 500')).toThrow(/append-only/);
    expect(raw('DELETE FROM ledger_legs')).toThrow(/append-only/);
    expect(raw("UPDATE ledger_transactions SET memo = 'edited'")).toThrow(/append-only/);
    expect(raw('DELETE FROM ledger_transactions')).toThrow(/append-only/);
    expect(raw('DELETE FROM ledger_accounts')).toThrow(/never deleted/);
    expect(raw(`UPDATE ledger_accounts SET balance = -1 WHERE id = ${account.id}`)).toThrow(/CHECK constraint failed/);
  });
});

describe('adjust and reverse', () => {
  it('grants from a unit pool with a reason, and a correction reverses it once', () => {
    const demo = demoDomain();
    const li = demo.as('li');
    const jin = memberAccount(demo.ids.members.jin.id);
    const granted = adjust(li, { memberId: demo.ids.members.jin.id, unitId: demo.ids.units.grid1.id, points: 15, reason: '认养花园', idempotencyKey: 'g1' });
    expect(
      adjust(li, { memberId: demo.ids.members.jin.id, unitId: demo.ids.units.grid1.id, points: 15, reason: '认养花园', idempotencyKey: 'g1' }).repeated,
    ).toBe(true);
    expect(balanceOf(demo.services.db, jin)).toBe(15);
    const reversed = reverse(li, { transactionId: granted.transaction.id, memo: '重复发放' });
    expect(reversed.transaction).toMatchObject({ reason: 'reversal', reversesId: granted.transaction.id });
    expect(balanceOf(demo.services.db, jin)).toBe(0);
    expect(balanceOf(demo.services.db, poolAccount(demo.ids.units.grid1.id))).toBe(0);
    expect(() => reverse(li, { transactionId: granted.transaction.id, memo: 'again' })).toThrow('ledger.alreadyReversed');
    expect(() => reverse(li, { transactionId: reversed.transaction.id, memo: 'again' })).toThrow('ledger.notReversible');
    expect(() => reverse(li, { transactionId: 999, memo: 'x' })).toThrow('ledger.transactionNotFound');
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('cannot reverse a grant already spent', () => {
    const demo = demoDomain();
    const granted = adjust(demo.as('li'), { memberId: demo.ids.members.jin.id, unitId: demo.ids.units.grid1.id, points: 10, reason: 'x', idempotencyKey: 'g' });
    post(demo.system, { legs: transfer(memberAccount(demo.ids.members.jin.id), ESCROW, 8), reason: 'redeem', ref: 'x', memo: 'x', idempotencyKey: 'spend' });
    expect(() => reverse(demo.as('li'), { transactionId: granted.transaction.id, memo: 'x' })).toThrowError(
      expect.objectContaining({ code: 'INSUFFICIENT_POINTS', params: { missing: 8 } }),
    );
  });

  it("takes a reversal of a merged record's adjustment from the record its balance moved to", () => {
    const demo = demoDomain();
    const { wang, yang } = demo.ids.members;
    const granted = adjust(demo.as('li'), { memberId: wang.id, unitId: demo.ids.units.grid1.id, points: 15, reason: '认养花园', idempotencyKey: 'g' });
    linkIdentity(demo.system, { platform: 'shell', platformUserId: 'wang', displayName: '王阿姨' }, yang.id);
    expect(balanceOf(demo.services.db, memberAccount(yang.id))).toBe(15);
    reverse(demo.as('li'), { transactionId: granted.transaction.id, memo: '发错了人' });
    expect(balanceOf(demo.services.db, memberAccount(wang.id))).toBe(0);
    expect(balanceOf(demo.services.db, memberAccount(yang.id))).toBe(0);
    expect(balanceOf(demo.services.db, poolAccount(demo.ids.units.grid1.id))).toBe(0);
    expect(statement(demo.services.db, memberAccount(yang.id))[0]).toMatchObject({ amount: -15, reason: 'reversal', memo: '发错了人' });
    const audited = demo.services.db.select().from(auditLog).where(eq(auditLog.action, 'ledger.reverse')).get();
    expect(audited?.data).toMatchObject({ mergedInto: { [wang.id]: yang.id } });
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it.each([
    ['a resident', 'jin', 'yang', 5, 'x', 'auth.staffOnly'],
    ['staff of another grid', 'chen', 'jin', 5, 'x', 'auth.staffOnly'],
    ['staff for themself', 'zhao', 'zhao', 5, 'x', 'ledger.notForYourself'],
    ['no reason', 'li', 'jin', 5, ' ', 'ledger.reasonRequired'],
    ['zero points', 'li', 'jin', 0, 'x', 'ledger.badAmount'],
    ['a member of another unit', 'li', 'chen', 5, 'x', 'ledger.notInUnit'],
  ] as const)('refuses an adjustment by %s', (_, by, to, points, reason, key) => {
    const demo = demoDomain();
    const unitId = by === 'zhao' ? demo.ids.units.community.id : demo.ids.units.grid1.id;
    expect(() => adjust(demo.as(by), { memberId: demo.ids.members[to].id, unitId, points, reason, idempotencyKey: 'k' })).toThrow(key);
  });

  it('deducts back to the pool, never below zero', () => {
    const demo = demoDomain();
    demo.grant('jin', 10);
    const input = { memberId: demo.ids.members.jin.id, unitId: demo.ids.units.grid1.id, reason: '误发', idempotencyKey: 'd' };
    expect(() => adjust(demo.as('li'), { ...input, points: -11 })).toThrow('ledger.insufficient');
    adjust(demo.as('li'), { ...input, points: -10 });
    expect(balanceOf(demo.services.db, memberAccount(demo.ids.members.jin.id))).toBe(0);
  });
});

describe('reconcile', () => {
  it('reports a cached balance that does not match the legs', () => {
    const demo = demoDomain();
    demo.grant('yang', 50);
    const db = demo.services.db;
    expect(reconcile(db)).toMatchObject({ ok: true, accounts: [], unbalanced: [], negative: [], stock: [], escrow: null });
    // Tampering outside the code.
    db.run(sql`UPDATE ledger_accounts SET balance = balance + 7 WHERE key = ${`member:${demo.ids.members.yang.id}`}`);
    const report = reconcile(db);
    expect(report.ok).toBe(false);
    expect(report.accounts).toEqual([expect.objectContaining({ key: `member:${demo.ids.members.yang.id}`, cached: 57, computed: 50 })]);
  });

  it('reports an escrow that does not hold the price of the vouchers outstanding', () => {
    const demo = demoDomain();
    post(demo.system, { legs: transfer(poolAccount(demo.ids.units.grid1.id), ESCROW, 5), reason: 'adjust', ref: 'x', memo: 'x', idempotencyKey: 'e' });
    expect(reconcile(demo.services.db).escrow).toEqual({ balance: 5, outstanding: 0 });
  });
});
