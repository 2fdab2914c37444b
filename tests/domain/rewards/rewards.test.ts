import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { stockMovements } from '../../../src/db/schema/index.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { archiveReward, createReward, getReward, restock, shopFor, unarchiveReward, updateReward } from '../../../src/domain/rewards/rewards.js';
import { demoDomain } from '../../helpers/timebank.js';

describe('the demo shop', () => {
  it('offers 理发券 (G1) and 按摩券 (G2) to the whole community, stock 10 each', () => {
    const demo = demoDomain();
    const shop = shopFor(demo.services.db, demo.ids.units.building3.id);
    expect(shop.map((r) => [r.id, r.name, r.pointsCost, r.stock, r.merchantName, r.perMemberMonthlyLimit, r.validDays])).toEqual([
      [1, '理发券', 20, 10, '海林理发店', 2, 90],
      [2, '按摩券', 30, 10, '渔港按摩坊', 2, 90],
    ]);
    expect(shopFor(demo.services.db, demo.ids.units.street.id)).toEqual([]); // offered below the street, not above
  });
});

describe('managing rewards', () => {
  const input = (demo: ReturnType<typeof demoDomain>) => ({
    unitId: demo.ids.units.grid1.id,
    merchantId: demo.ids.members.barber.id,
    name: '修鞋券',
    pointsCost: 15,
    stock: 5,
    perMemberMonthlyLimit: null,
    validDays: 30,
  });

  it('records every stock change with who, when and why', () => {
    const demo = demoDomain();
    const reward = createReward(demo.as('li'), input(demo));
    expect(reward).toMatchObject({ stock: 5, active: true });
    restock(demo.as('li'), { rewardId: reward.id, quantity: 3, note: '新到货' });
    restock(demo.as('zhao'), { rewardId: reward.id, quantity: -2, note: '破损' });
    expect(getReward(demo.services.db, reward.id).stock).toBe(6);
    const moves = demo.services.db.select().from(stockMovements).where(eq(stockMovements.rewardId, reward.id)).all();
    expect(moves.map((m) => [m.delta, m.reason, m.note, m.actorId])).toEqual([
      [5, 'create', null, String(demo.ids.members.li.id)],
      [3, 'restock', '新到货', String(demo.ids.members.li.id)],
      [-2, 'writeoff', '破损', String(demo.ids.members.zhao.id)],
    ]);
    expect(() => restock(demo.as('li'), { rewardId: reward.id, quantity: -7 })).toThrow('reward.writeOffTooMany');
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('updates what a reward is, but not its stock', () => {
    const demo = demoDomain();
    const updated = updateReward(demo.as('zhao'), 1, { pointsCost: 25, perMemberMonthlyLimit: null, merchantId: demo.ids.members.spa.id });
    expect(updated).toMatchObject({ pointsCost: 25, perMemberMonthlyLimit: null, merchantId: demo.ids.members.spa.id, stock: 10 });
  });

  it('archives a reward: off the shelf, not restockable', () => {
    const demo = demoDomain();
    archiveReward(demo.as('zhao'), 2);
    expect(shopFor(demo.services.db, demo.ids.units.grid1.id).map((r) => r.id)).toEqual([1]);
    expect(() => restock(demo.as('zhao'), { rewardId: 2, quantity: 1 })).toThrow('reward.archivedRestock');
  });

  it('writes stock off an archived reward, and puts it back on the shelf with what is left', () => {
    const demo = demoDomain();
    const before = getReward(demo.services.db, 2).stock;
    archiveReward(demo.as('zhao'), 2);
    expect(restock(demo.as('zhao'), { rewardId: 2, quantity: -1, note: '盘点' }).stock).toBe(before - 1);
    const back = unarchiveReward(demo.as('zhao'), 2);
    expect(back).toMatchObject({ active: true, stock: before - 1 });
    expect(shopFor(demo.services.db, demo.ids.units.grid1.id).map((r) => r.id)).toEqual([1, 2]);
    // putting back what is on the shelf changes nothing; a resident may not
    expect(unarchiveReward(demo.as('zhao'), 2).updatedAt).toEqual(back.updatedAt);
    expect(() => unarchiveReward(demo.as('jin'), 2)).toThrow('auth.staffOnly');
  });

  it.each([
    ['a resident', 'jin', {}, 'auth.staffOnly'],
    ['staff of another grid', 'chen', {}, 'auth.staffOnly'],
    ['no name', 'li', { name: ' ' }, 'reward.badName'],
    ['a cost of zero', 'li', { pointsCost: 0 }, 'reward.badCost'],
    ['a fractional cost', 'li', { pointsCost: 1.5 }, 'reward.badCost'],
    ['no validity', 'li', { validDays: 0 }, 'reward.badValidDays'],
    ['a limit of zero', 'li', { perMemberMonthlyLimit: 0 }, 'reward.badLimit'],
    ['negative stock', 'li', { stock: -1 }, 'reward.badStock'],
    ['a merchant who is not one', 'li', { merchantId: 2 }, 'reward.notAMerchant'],
  ] as const)('refuses a reward created by or with %s', (_, who, change, key) => {
    const demo = demoDomain();
    expect(() => createReward(demo.as(who), { ...input(demo), ...change })).toThrow(key);
  });

  it.each([
    ['a resident', 'jin', 1, 'auth.staffOnly'],
    ['zero', 'zhao', 0, 'reward.badQuantity'],
    ['a fraction', 'zhao', 0.5, 'reward.badQuantity'],
  ] as const)('refuses a restock by or of %s', (_, who, quantity, key) => {
    const demo = demoDomain();
    expect(() => restock(demo.as(who), { rewardId: 1, quantity })).toThrow(key);
  });

  it('refuses an unknown reward, naming it', () => {
    const demo = demoDomain();
    expect(() => getReward(demo.services.db, 9)).toThrowError(expect.objectContaining({ code: 'NOT_FOUND', params: { ref: 'G9' } }));
  });

  it('reports a stock that does not match its movements', () => {
    const demo = demoDomain();
    demo.services.db.run(sql`UPDATE rewards SET stock = 3 WHERE id = 1`);
    expect(reconcile(demo.services.db)).toMatchObject({ ok: false, stock: [{ rewardId: 1, cached: 3, computed: 10 }] });
  });

  it('keeps stock at zero or above in the database itself', () => {
    const demo = demoDomain();
    expect(() => demo.services.db.$client.exec('UPDATE rewards SET stock = -1 WHERE id = 1')).toThrow(/CHECK constraint failed/);
    expect(() => demo.services.db.$client.exec('DELETE FROM stock_movements')).toThrow(/append-only/);
  });
});
