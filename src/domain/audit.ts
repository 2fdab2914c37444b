import { sql } from 'drizzle-orm';
import { placeholderFor, preparedPerDb } from '../db/prepared.js';
import { auditLog } from '../db/schema/index.js';
import { actorId, type Ctx } from './context.js';

const newEntry = preparedPerDb((db) =>
  db
    .insert(auditLog)
    .values({
      at: sql.placeholder('at'),
      actorKind: sql.placeholder('actorKind'),
      actorId: sql.placeholder('actorId'),
      action: sql.placeholder('action'),
      targetType: sql.placeholder('targetType'),
      targetId: sql.placeholder('targetId'),
      data: placeholderFor('data', auditLog.data),
    })
    .prepare(),
);

/** Appends one audit row in the caller's transaction. */
export function audit(ctx: Ctx, action: string, target: { type: string; id: number | string }, data?: Record<string, unknown>): void {
  newEntry(ctx.db).run({
    at: ctx.clock.now(),
    actorKind: ctx.actor.kind,
    actorId: actorId(ctx.actor),
    action,
    targetType: target.type,
    targetId: String(target.id),
    data: data ?? null,
  });
}
