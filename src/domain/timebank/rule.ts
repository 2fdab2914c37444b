import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { say } from '../notice.js';
import { actsAsStaffFor } from '../org/authority.js';
import { currentMemberId } from '../org/members.js';
import { creditCompletion } from './credit.js';
import { MAX_REPORT_MINUTES } from './hours.js';
import { pickCompletion } from './pick.js';
import { type Completion, completionsOf, getTask, type Task, taskRef } from './tasks.js';
import { tellRequester } from './tell.js';

/**
 * Staff decide (裁定) the hours of a disputed, unconfirmed or lapsed report: the volunteer is credited
 * what they rule, zero included, and both sides are told.
 */
export function ruleCompletion(
  ctx: Ctx,
  input: { taskId: number; volunteerId?: number; minutes: number },
): { task: Task; completion: Completion & { name: string; points: number } } {
  if (!Number.isInteger(input.minutes) || input.minutes < 0 || input.minutes > MAX_REPORT_MINUTES) {
    throw new DomainError('INVALID_INPUT', 'complete.badHours', { max: MAX_REPORT_MINUTES / 60 });
  }
  return inTransaction(ctx.db, () => {
    const task = getTask(ctx.db, input.taskId);
    const ref = taskRef(task.id);
    if (!actsAsStaffFor(ctx, task.unitId)) throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    const open = completionsOf(ctx.db, task.id).filter((c) => c.status === 'pending' || c.status === 'disputed' || c.status === 'lapsed');
    const target = pickCompletion(open, task.id, input.volunteerId, 'rule.nothing');
    if (ctx.actor.kind === 'member' && ctx.actor.memberId === currentMemberId(ctx.db, target.volunteerId)) {
      throw new DomainError('FORBIDDEN', 'confirm.notYourself', { ref });
    }
    const credited = creditCompletion(ctx, task, target, input.minutes, 'ruled');
    audit(
      ctx,
      'task.rule',
      { type: 'task', id: task.id },
      { completionId: target.id, reported: target.minutes, minutes: input.minutes, points: credited.points },
    );
    tellRequester(ctx, task, say('rule.notify.requester', { ref, name: target.name, hours: { hours: input.minutes } }));
    return { task: getTask(ctx.db, task.id), completion: { ...credited, name: target.name } };
  });
}
