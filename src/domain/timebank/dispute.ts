import { eq } from 'drizzle-orm';
import { inTransaction } from '../../db/client.js';
import { taskCompletions } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { say } from '../notice.js';
import { notifyUnit } from '../notify.js';
import { getMember } from '../org/members.js';
import { pickCompletion } from './pick.js';
import { type Completion, completionsOf, getTask, type Task, taskRef } from './tasks.js';
import { tellVolunteer } from './tell.js';

/** The person served does not agree with the hours reported; staff decide (裁定). */
export function disputeCompletion(
  ctx: Ctx,
  input: { taskId: number; volunteerId?: number; reason: string },
): { task: Task; completion: Completion & { name: string } } {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError('INVALID_INPUT', 'dispute.reasonRequired');
  return inTransaction(ctx.db, () => {
    const task = getTask(ctx.db, input.taskId);
    const ref = taskRef(task.id);
    if (ctx.actor.kind !== 'member' || task.requesterId !== ctx.actor.memberId) {
      throw new DomainError('FORBIDDEN', 'dispute.requesterOnly', { ref });
    }
    const pending = completionsOf(ctx.db, task.id).filter((c) => c.status === 'pending');
    const target = pickCompletion(pending, task.id, input.volunteerId, 'dispute.nothing');
    const now = ctx.clock.now();
    ctx.db.update(taskCompletions).set({ status: 'disputed', disputeReason: reason, disputedAt: now }).where(eq(taskCompletions.id, target.id)).run();
    audit(ctx, 'task.dispute', { type: 'task', id: task.id }, { completionId: target.id, reason });
    const requester = getMember(ctx.db, task.requesterId).name;
    const source = `task:${task.id}`;
    notifyUnit(
      ctx,
      task.unitId,
      'staff',
      say('dispute.notify.staff', { ref, name: target.name, requester, title: task.title, hours: { hours: target.minutes }, reason }),
      source,
    );
    tellVolunteer(ctx, task, target, say('dispute.notify.volunteer', { ref, requester, reason }));
    return { task, completion: { ...target, status: 'disputed', disputeReason: reason, disputedAt: now } };
  });
}
