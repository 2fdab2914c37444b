import { sql } from 'drizzle-orm';
import { preparedPerDb } from '../../db/prepared.js';
import { stockMovements, type StockReason } from '../../db/schema/index.js';
import { actorId, type Ctx } from '../context.js';

const newMovement = preparedPerDb((db) =>
  db
    .insert(stockMovements)
    .values({
      rewardId: sql.placeholder('rewardId'),
      delta: sql.placeholder('delta'),
      reason: sql.placeholder('reason'),
      voucherId: sql.placeholder('voucherId'),
      note: sql.placeholder('note'),
      at: sql.placeholder('at'),
      actorKind: sql.placeholder('actorKind'),
      actorId: sql.placeholder('actorId'),
    })
    .prepare(),
);

/**
 * Records a change of a reward's stock with who, when and why; the stock itself follows by a trigger in
 * the same statement, and the database refuses it below zero. Call inside the caller's transaction.
 */
export function moveStock(ctx: Ctx, input: { rewardId: number; delta: number; reason: StockReason; voucherId?: number; note?: string }): void {
  newMovement(ctx.db).run({
    rewardId: input.rewardId,
    delta: input.delta,
    reason: input.reason,
    voucherId: input.voucherId ?? null,
    note: input.note ?? null,
    at: ctx.clock.now(),
    actorKind: ctx.actor.kind,
    actorId: actorId(ctx.actor),
  });
}
