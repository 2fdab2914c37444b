import { stockMovements, type StockReason } from '../../db/schema/index.js';
import { actorId, type Ctx } from '../context.js';

/**
 * Records a change of a reward's stock with who, when and why; the stock itself follows by a trigger in
 * the same statement, and the database refuses it below zero. Call inside the caller's transaction.
 */
export function moveStock(ctx: Ctx, input: { rewardId: number; delta: number; reason: StockReason; voucherId?: number; note?: string }): void {
  ctx.db
    .insert(stockMovements)
    .values({
      rewardId: input.rewardId,
      delta: input.delta,
      reason: input.reason,
      voucherId: input.voucherId ?? null,
      note: input.note ?? null,
      at: ctx.clock.now(),
      actorKind: ctx.actor.kind,
      actorId: actorId(ctx.actor),
    })
    .run();
}
