import { and, eq } from 'drizzle-orm';
import { inTransaction } from '../../db/client.js';
import { taskClaims, taskCompletions } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { say } from '../notice.js';
import { isRelatedTo } from '../org/authority.js';
import { getMember } from '../org/members.js';
import { getUnit } from '../org/units.js';
import { activeClaimOf, activeClaims, type Claim, getTask, type Task, taskRef } from './tasks.js';
import { tellRequester } from './tell.js';

/**
 * A volunteer takes one of the task's slots. `roomId`: the room they claimed it in, where they are told how
 * it goes if they have no private chat.
 */
export function claimTask(ctx: Ctx, input: { taskId: number; roomId?: number }): { task: Task; claim: Claim; left: number } {
  const volunteerId = requireMember(ctx, 'task');
  return inTransaction(ctx.db, () => {
    const task = getTask(ctx.db, input.taskId);
    const ref = taskRef(task.id);
    if (task.status !== 'open') throw new DomainError('CONFLICT', 'claim.closed', { ref });
    if (task.requesterId === volunteerId) throw new DomainError('FORBIDDEN', 'claim.ownWish', { ref });
    const unit = getUnit(ctx.db, task.unitId);
    if (!isRelatedTo(ctx.db, volunteerId, unit)) throw new DomainError('FORBIDDEN', 'claim.notHere', { ref, unit: unit.name });
    if (activeClaimOf(ctx.db, task.id, volunteerId)) throw new DomainError('CONFLICT', 'claim.already', { ref });
    const taken = activeClaims(ctx.db, task.id).length;
    if (taken >= task.slots) throw new DomainError('CONFLICT', 'claim.full', { ref, slots: task.slots });
    const row = ctx.db
      .insert(taskClaims)
      .values({ taskId: task.id, volunteerId, roomId: input.roomId ?? null, claimedAt: ctx.clock.now() })
      .returning()
      .get();
    audit(ctx, 'task.claim', { type: 'task', id: task.id }, { claimId: row.id });
    if (task.requesterId !== null) {
      const name = getMember(ctx.db, volunteerId).name;
      tellRequester(ctx, task, say('claim.notify.requester', { ref, name, title: task.title }));
    }
    return { task, claim: row, left: task.slots - taken - 1 };
  });
}

/** A volunteer gives a slot back, before reporting hours for it. */
export function withdrawClaim(ctx: Ctx, input: { taskId: number }): { task: Task } {
  const volunteerId = requireMember(ctx, 'task');
  return inTransaction(ctx.db, () => {
    const task = getTask(ctx.db, input.taskId);
    const ref = taskRef(task.id);
    const held = activeClaimOf(ctx.db, task.id, volunteerId);
    if (!held) throw new DomainError('NOT_FOUND', 'task.notClaimed', { ref });
    const reported = ctx.db.select().from(taskCompletions).where(eq(taskCompletions.claimId, held.id)).get();
    if (reported) throw new DomainError('CONFLICT', 'withdraw.reported', { ref });
    ctx.db
      .update(taskClaims)
      .set({ status: 'withdrawn', withdrawnAt: ctx.clock.now() })
      .where(and(eq(taskClaims.id, held.id), eq(taskClaims.status, 'active')))
      .run();
    audit(ctx, 'task.withdraw', { type: 'task', id: task.id }, { claimId: held.id });
    if (task.requesterId !== null) {
      const name = getMember(ctx.db, volunteerId).name;
      tellRequester(ctx, task, say('withdraw.notify.requester', { ref, name }));
    }
    return { task };
  });
}
