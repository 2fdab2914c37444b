import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { actsAsStaffFor } from '../org/authority.js';
import { credit } from './credit.js';
import { type Completion, completionsOf, getTask, type Task, taskRef } from './tasks.js';

/**
 * Who may confirm a volunteer's hours: the person served, or staff covering the task's unit; never the
 * volunteer themself; and hours above the task's cap (8 hours unless set) only staff. Undefined: allowed.
 */
export function confirmRefusal(ctx: Ctx, task: Task, completion: Completion): DomainError | undefined {
  const ref = taskRef(task.id);
  const self = ctx.actor.kind === 'member' ? ctx.actor.memberId : undefined;
  if (self === completion.volunteerId) return new DomainError('FORBIDDEN', 'confirm.notYourself', { ref });
  const staff = actsAsStaffFor(ctx, task.unitId);
  if (!staff && (task.requesterId === null || self !== task.requesterId)) {
    return new DomainError('FORBIDDEN', 'confirm.notYours', { ref });
  }
  if (!staff && completion.minutes > task.capMinutes) {
    return new DomainError('FORBIDDEN', 'confirm.overCap', { ref, cap: task.capMinutes / 60 });
  }
  return undefined;
}

export interface Confirmed {
  task: Task;
  credited: (Completion & { name: string; points: number })[];
}

/**
 * Confirms reported hours; the volunteer is credited points and hours. With no volunteer named it
 * confirms every pending report the actor may confirm (staff closing a three-person patrol at once).
 */
export function confirm(ctx: Ctx, input: { taskId: number; volunteerId?: number }): Confirmed {
  return inTransaction(ctx.db, () => {
    const task = getTask(ctx.db, input.taskId);
    const ref = taskRef(task.id);
    const self = ctx.actor.kind === 'member' ? ctx.actor.memberId : undefined;
    const all = completionsOf(ctx.db, task.id).filter((c) => input.volunteerId === undefined || c.volunteerId === input.volunteerId);
    const pending = all.filter((c) => c.status === 'pending');
    const others = input.volunteerId === undefined ? pending.filter((c) => c.volunteerId !== self) : pending;
    const targets = others.length ? others : pending;
    if (!targets.length) {
      if (all.some((c) => c.status === 'confirmed' || c.status === 'ruled')) throw new DomainError('CONFLICT', 'confirm.already', { ref });
      if (all.some((c) => c.status === 'disputed')) throw new DomainError('CONFLICT', 'confirm.disputed', { ref });
      if (all.some((c) => c.status === 'lapsed')) throw new DomainError('CONFLICT', 'confirm.lapsed', { ref });
      throw new DomainError('NOT_FOUND', 'confirm.nothing', { ref });
    }
    for (const completion of targets) {
      const refusal = confirmRefusal(ctx, task, completion);
      if (refusal) throw refusal;
    }
    const credited = targets.map((completion) => ({ ...credit(ctx, task, completion, completion.minutes, 'confirmed'), name: completion.name }));
    audit(ctx, 'task.confirm', { type: 'task', id: task.id }, { completions: credited.map((c) => ({ id: c.id, minutes: c.creditedMinutes, points: c.points })) });
    return { task: getTask(ctx.db, task.id), credited };
  });
}
