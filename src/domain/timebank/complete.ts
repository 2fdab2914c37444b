import { eq } from 'drizzle-orm';
import { inTransaction } from '../../db/client.js';
import { taskCompletions } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { say } from '../notice.js';
import { notifyUnit } from '../notify.js';
import { getMember } from '../org/members.js';
import { pointsPerHour } from '../org/units.js';
import { MAX_REPORT_MINUTES, pointsFor } from './hours.js';
import { activeClaimOf, type Completion, getTask, type Task, taskRef } from './tasks.js';
import { tellRequester } from './tell.js';

/** What a 确认 button runs: the task and the minutes it confirms ("/confirm W1 90m"). */
export const confirmArgs = (taskId: number, minutes: number) => `${taskRef(taskId)} ${minutes}m`;

export interface Completed {
  task: Task;
  completion: Completion;
  /** The hours are above the task's cap: only staff may confirm them. */
  overCap: boolean;
  /** Points they will earn when confirmed, at today's rate. */
  points: number;
  /** A pending report was corrected rather than made. */
  corrected: boolean;
}

/** The volunteer reports the time they served; the person served (or staff) confirms it. */
export function completeTask(ctx: Ctx, input: { taskId: number; minutes: number }): Completed {
  const volunteerId = requireMember(ctx, 'task');
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > MAX_REPORT_MINUTES) {
    throw new DomainError('INVALID_INPUT', 'complete.badHours', { max: MAX_REPORT_MINUTES / 60 });
  }
  return inTransaction(ctx.db, () => {
    const task = getTask(ctx.db, input.taskId);
    const ref = taskRef(task.id);
    const held = activeClaimOf(ctx.db, task.id, volunteerId);
    if (!held) throw new DomainError('NOT_FOUND', 'task.notClaimed', { ref });
    const now = ctx.clock.now();
    const earlier = ctx.db.select().from(taskCompletions).where(eq(taskCompletions.claimId, held.id)).get();
    if (earlier?.status === 'disputed') throw new DomainError('CONFLICT', 'confirm.disputed', { ref });
    if (earlier && earlier.status !== 'pending') throw new DomainError('CONFLICT', 'complete.settled', { ref });
    const name = getMember(ctx.db, volunteerId).name;
    const overCap = input.minutes > task.capMinutes;
    const source = `task:${task.id}`;
    // The 确认 button names the hours it confirms: pressed under a notice a correction has since replaced,
    // it is refused rather than paying for hours the person served never saw.
    const requesterTold =
      task.requesterId !== null &&
      tellRequester(
        ctx,
        task,
        say(
          overCap ? 'complete.notify.requesterOverCap' : 'complete.notify.requester',
          { ref, name, title: task.title, hours: { hours: input.minutes } },
          overCap ? {} : { buttons: [[{ command: 'confirm', args: confirmArgs(task.id, input.minutes), label: 'task.button.confirm' }]] },
        ),
      );
    const completion = earlier
      ? ctx.db
          .update(taskCompletions)
          .set({ minutes: input.minutes, reportedAt: now, requesterTold })
          .where(eq(taskCompletions.id, earlier.id))
          .returning()
          .get()
      : ctx.db
          .insert(taskCompletions)
          .values({ claimId: held.id, taskId: task.id, volunteerId, minutes: input.minutes, reportedAt: now, requesterTold })
          .returning()
          .get();
    audit(ctx, earlier ? 'task.report.correct' : 'task.report', { type: 'task', id: task.id }, { completionId: completion.id, minutes: input.minutes });

    // Staff confirm what the person served cannot: hours above the cap, a task serving no one person,
    // or a resident who could not be asked (an elderly neighbour without a phone).
    const staffKey = overCap
      ? 'complete.notify.staffOverCap'
      : task.requesterId === null
        ? 'complete.notify.staff'
        : requesterTold
          ? undefined
          : 'complete.notify.staffForRequester';
    if (staffKey) {
      const requester = task.requesterId === null ? '' : getMember(ctx.db, task.requesterId).name;
      notifyUnit(
        ctx,
        task.unitId,
        'staff',
        say(staffKey, { ref, name, requester, title: task.title, hours: { hours: input.minutes }, cap: { hours: task.capMinutes } }),
        source,
      );
    }
    return { task, completion, overCap, points: pointsFor(input.minutes, pointsPerHour(ctx.db, task.unitId)), corrected: earlier !== undefined };
  });
}
