import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/client.js';
import { listPlaceholders, listValues, preparedPerDb, preparedPerShape } from '../../db/prepared.js';
import { members, rewards, vouchers } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { actsAsStaffFor } from '../org/authority.js';
import { getMember, unitsWithRole } from '../org/members.js';
import { getUnit, pathIds } from '../org/units.js';
import { moveStock } from './stock.js';

export type Reward = typeof rewards.$inferSelect;

/** How people refer to a reward: G3. */
export const rewardRef = (id: number) => `G${id}`;

export const MAX_STOCK_CHANGE = 100_000;

const rewardById = preparedPerDb((db) =>
  db
    .select()
    .from(rewards)
    .where(eq(rewards.id, sql.placeholder('id')))
    .prepare(),
);

export function getReward(db: Db, id: number): Reward {
  const reward = rewardById(db).get({ id });
  if (!reward) throw new DomainError('NOT_FOUND', 'reward.notFound', { ref: rewardRef(id) });
  return reward;
}

export interface RewardFields {
  name: string;
  description?: string;
  pointsCost: number;
  perMemberMonthlyLimit?: number | null;
  validDays: number;
  merchantId: number;
}

export interface CreateRewardInput extends RewardFields {
  unitId: number;
  /** Initial stock, recorded as the first stock movement. */
  stock: number;
}

/** A new reward in a unit's shop (积分超市), honoured by one merchant. Staff of the unit or admins. */
export function createReward(ctx: Ctx, input: CreateRewardInput): Reward {
  const fields = validFields(input);
  if (!Number.isInteger(input.stock) || input.stock < 0 || input.stock > MAX_STOCK_CHANGE) {
    throw new DomainError('INVALID_INPUT', 'reward.badStock', { max: MAX_STOCK_CHANGE });
  }
  return inTransaction(ctx.db, () => {
    const unit = getUnit(ctx.db, input.unitId);
    if (!actsAsStaffFor(ctx, unit.id)) throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    checkMerchant(ctx.db, fields.merchantId);
    const now = ctx.clock.now();
    const reward = ctx.db
      .insert(rewards)
      .values({ ...fields, unitId: unit.id, createdAt: now, updatedAt: now })
      .returning()
      .get();
    if (input.stock > 0) moveStock(ctx, { rewardId: reward.id, delta: input.stock, reason: 'create' });
    audit(ctx, 'reward.create', { type: 'reward', id: reward.id }, { ...fields, unitId: unit.id, stock: input.stock });
    return getReward(ctx.db, reward.id);
  });
}

/** Changes what a reward is and costs; the stock changes only through `restock`. */
export function updateReward(ctx: Ctx, id: number, input: Partial<RewardFields>): Reward {
  return inTransaction(ctx.db, () => {
    const reward = getReward(ctx.db, id);
    if (!actsAsStaffFor(ctx, reward.unitId)) throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    const fields = validFields({ ...reward, ...input });
    if (input.merchantId !== undefined) checkMerchant(ctx.db, fields.merchantId);
    const changes = Object.fromEntries(Object.entries(fields).filter(([k, v]) => reward[k as keyof Reward] !== v));
    // A voucher already sold is honoured and paid at the shop it was sold for.
    if ('merchantId' in changes) {
      const outstanding =
        ctx.db
          .select({ n: count() })
          .from(vouchers)
          .where(and(eq(vouchers.rewardId, id), eq(vouchers.status, 'issued')))
          .get()?.n ?? 0;
      if (outstanding) throw new DomainError('CONFLICT', 'reward.merchantHasVouchers', { ref: rewardRef(id), count: outstanding });
    }
    if (Object.keys(changes).length) {
      ctx.db
        .update(rewards)
        .set({ ...changes, updatedAt: ctx.clock.now() })
        .where(eq(rewards.id, id))
        .run();
      audit(ctx, 'reward.update', { type: 'reward', id }, changes);
    }
    return getReward(ctx.db, id);
  });
}

/** Adds stock (a positive quantity) or writes it off (a negative one, never below zero), saying why. */
export function restock(ctx: Ctx, input: { rewardId: number; quantity: number; note?: string }): Reward {
  if (!Number.isInteger(input.quantity) || input.quantity === 0 || Math.abs(input.quantity) > MAX_STOCK_CHANGE) {
    throw new DomainError('INVALID_INPUT', 'reward.badQuantity', { max: MAX_STOCK_CHANGE });
  }
  return inTransaction(ctx.db, () => {
    const reward = getReward(ctx.db, input.rewardId);
    if (!actsAsStaffFor(ctx, reward.unitId)) throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    // Off the shelf, stock can still be written off (counted, given back to the shop), not added.
    if (!reward.active && input.quantity > 0) throw new DomainError('CONFLICT', 'reward.archivedRestock', { ref: rewardRef(reward.id), name: reward.name });
    if (reward.stock + input.quantity < 0) {
      throw new DomainError('CONFLICT', 'reward.writeOffTooMany', { stock: reward.stock, name: reward.name });
    }
    moveStock(ctx, {
      rewardId: reward.id,
      delta: input.quantity,
      reason: input.quantity > 0 ? 'restock' : 'writeoff',
      ...(input.note?.trim() ? { note: input.note.trim() } : {}),
    });
    audit(ctx, 'reward.restock', { type: 'reward', id: reward.id }, { quantity: input.quantity, note: input.note ?? null });
    return getReward(ctx.db, reward.id);
  });
}

/** Takes a reward off the shelf. Vouchers already bought stay valid. */
export function archiveReward(ctx: Ctx, id: number): Reward {
  return inTransaction(ctx.db, () => {
    const reward = getReward(ctx.db, id);
    if (!actsAsStaffFor(ctx, reward.unitId)) throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    if (!reward.active) return reward;
    ctx.db.update(rewards).set({ active: false, updatedAt: ctx.clock.now() }).where(eq(rewards.id, id)).run();
    audit(ctx, 'reward.archive', { type: 'reward', id }, {});
    return getReward(ctx.db, id);
  });
}

/** Puts an archived reward back on the shelf, with the stock it kept. */
export function unarchiveReward(ctx: Ctx, id: number): Reward {
  return inTransaction(ctx.db, () => {
    const reward = getReward(ctx.db, id);
    if (!actsAsStaffFor(ctx, reward.unitId)) throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    if (reward.active) return reward;
    ctx.db.update(rewards).set({ active: true, updatedAt: ctx.clock.now() }).where(eq(rewards.id, id)).run();
    audit(ctx, 'reward.unarchive', { type: 'reward', id }, {});
    return getReward(ctx.db, id);
  });
}

export interface ShopItem extends Reward {
  merchantName: string;
}

/** Active rewards offered to the unit's members: its own and those of the units above it. */
export function shopFor(db: Db, unitId: number): ShopItem[] {
  const line = pathIds(getUnit(db, unitId));
  return shopQuery(db, line.length)
    .all(listValues('unit', line))
    .map((r) => ({ ...r.reward, merchantName: r.merchantName }));
}

/** One query for each depth of the tree: the units from the root down to the shop's. */
const shopQuery = preparedPerShape((db, depth: number) =>
  db
    .select({ reward: rewards, merchantName: members.name })
    .from(rewards)
    .innerJoin(members, eq(members.id, rewards.merchantId))
    .where(and(inArray(rewards.unitId, listPlaceholders('unit', depth)), eq(rewards.active, true)))
    .orderBy(asc(rewards.id))
    .prepare(),
);

function validFields(input: RewardFields): Required<RewardFields> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new DomainError('INVALID_INPUT', 'reward.badName');
  const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  if (!positiveInt(input.pointsCost) || input.pointsCost > 1_000_000) throw new DomainError('INVALID_INPUT', 'reward.badCost');
  if (!positiveInt(input.validDays) || input.validDays > 3660) throw new DomainError('INVALID_INPUT', 'reward.badValidDays');
  const limit = input.perMemberMonthlyLimit ?? null;
  if (limit !== null && !positiveInt(limit)) throw new DomainError('INVALID_INPUT', 'reward.badLimit');
  return {
    name,
    description: (input.description ?? '').trim(),
    pointsCost: input.pointsCost,
    perMemberMonthlyLimit: limit,
    validDays: input.validDays,
    merchantId: input.merchantId,
  };
}

function checkMerchant(db: Db, merchantId: number) {
  const merchant = getMember(db, merchantId);
  if (!unitsWithRole(db, merchant.id, ['merchant']).length) {
    throw new DomainError('INVALID_INPUT', 'reward.notAMerchant', { name: merchant.name });
  }
}
