import { auditLog } from '../db/schema/index.js';
import { actorId, type Ctx } from './context.js';

/** Appends one audit row in the caller's transaction. */
export function audit(ctx: Ctx, action: string, target: { type: string; id: number | string }, data?: Record<string, unknown>): void {
  ctx.db
    .insert(auditLog)
    .values({
      at: ctx.clock.now(),
      actorKind: ctx.actor.kind,
      actorId: actorId(ctx.actor),
      action,
      targetType: target.type,
      targetId: String(target.id),
      data: data ?? null,
    })
    .run();
}
