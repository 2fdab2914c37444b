import { and, eq, lte, min } from 'drizzle-orm';
import { DAY } from '../../clock.js';
import { inTransaction } from '../../db/client.js';
import { members, taskCompletions, tasks } from '../../db/schema/index.js';
import { audit } from '../audit.js';
import type { Ctx, Deps } from '../context.js';
import { say } from '../notice.js';
import { notifyUnit } from '../notify.js';
import { refreshTaskStatus, taskRef } from './tasks.js';
import { tellVolunteer } from './tell.js';

/** Reported hours nobody confirmed for this long lapse; staff can still rule on them. */
const LAPSE_AFTER_MS = 7 * DAY;

/**
 * Lapses the reports left unconfirmed for a week: the volunteer is told, and the unit's staff room, which
 * can still rule (裁定) on them. Returns how many lapsed.
 */
export function lapseCompletions(ctx: Ctx, asOf: Date = ctx.clock.now()): number {
  return inTransaction(ctx.db, () => {
    const due = ctx.db
      .select({ completion: taskCompletions, task: tasks, name: members.name })
      .from(taskCompletions)
      .innerJoin(tasks, eq(tasks.id, taskCompletions.taskId))
      .innerJoin(members, eq(members.id, taskCompletions.volunteerId))
      .where(and(eq(taskCompletions.status, 'pending'), lte(taskCompletions.reportedAt, new Date(asOf.getTime() - LAPSE_AFTER_MS))))
      .all();
    for (const { completion, task, name } of due) {
      ctx.db
        .update(taskCompletions)
        .set({ status: 'lapsed', decidedAt: ctx.clock.now() })
        .where(and(eq(taskCompletions.id, completion.id), eq(taskCompletions.status, 'pending')))
        .run();
      audit(ctx, 'task.lapse', { type: 'task', id: task.id }, { completionId: completion.id, minutes: completion.minutes });
      const ref = taskRef(task.id);
      const source = `task:${task.id}`;
      const hours = { hours: completion.minutes };
      tellVolunteer(ctx, task, completion, say('lapse.notify.volunteer', { ref, title: task.title, hours }));
      notifyUnit(ctx, task.unitId, 'staff', say('lapse.notify.staff', { ref, name, title: task.title, hours }), source);
      refreshTaskStatus(ctx, task.id);
    }
    return due.length;
  });
}

/** When the oldest unconfirmed report lapses; null when none is waiting. */
export function nextLapseWork(deps: Deps): Date | null {
  const oldest = deps.db
    .select({ at: min(taskCompletions.reportedAt) })
    .from(taskCompletions)
    .where(eq(taskCompletions.status, 'pending'))
    .get()?.at;
  return oldest ? new Date(oldest.getTime() + LAPSE_AFTER_MS) : null;
}
