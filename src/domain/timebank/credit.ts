import { eq } from 'drizzle-orm';
import { taskCompletions } from '../../db/schema/index.js';
import { actingMemberId } from '../acting.js';
import type { Ctx } from '../context.js';
import { memberAccount, poolAccount } from '../ledger/accounts.js';
import { post } from '../ledger/post.js';
import { say } from '../notice.js';
import { currentMemberId } from '../org/members.js';
import { pointsPerHour } from '../org/units.js';
import { pointsFor } from './hours.js';
import { type Completion, refreshTaskStatus, type Task, taskRef } from './tasks.js';
import { tellVolunteer } from './tell.js';

/**
 * Settles a completion with the hours finally credited: the points come out of the task's unit pool at
 * that unit's rate, once (the key is the completion's), and the volunteer is told. Call inside a transaction.
 */
export function creditCompletion(
  ctx: Ctx,
  task: Task,
  completion: Completion,
  minutes: number,
  status: 'confirmed' | 'ruled',
): Completion & { points: number } {
  const rate = pointsPerHour(ctx.db, task.unitId);
  // A report left on a record merged since (the person held the same task under both) pays the person.
  const payee = currentMemberId(ctx.db, completion.volunteerId);
  const points = pointsFor(minutes, rate);
  const ref = taskRef(task.id);
  if (points > 0) {
    post(ctx, {
      legs: [
        { account: poolAccount(task.unitId), amount: -points },
        { account: memberAccount(payee), amount: points },
      ],
      reason: 'task',
      ref: `completion:${completion.id}`,
      memo: `${ref} ${task.title}`.slice(0, 60),
      idempotencyKey: `task-confirm:${completion.id}`,
    });
  }
  const settled = ctx.db
    .update(taskCompletions)
    .set({
      status,
      creditedMinutes: minutes,
      rate,
      points,
      decidedAt: ctx.clock.now(),
      decidedBy: actingMemberId(ctx) ?? null,
    })
    .where(eq(taskCompletions.id, completion.id))
    .returning()
    .get();
  refreshTaskStatus(ctx, task.id);
  tellVolunteer(
    ctx,
    task,
    completion,
    say(status === 'confirmed' ? 'confirm.notify.volunteer' : 'rule.notify.volunteer', { ref, title: task.title, hours: { hours: minutes }, points }),
  );
  return { ...settled, points };
}
