import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { actingMemberId } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { actsAsStaffFor } from '../org/authority.js';
import { currentMemberId } from '../org/members.js';
import { actorLanguage } from '../org/language.js';
import { creditCompletion } from './credit.js';
import { formatHours } from '../../time.js';
import { type Completion, completionsOf, getTask, type Task, taskRef } from './tasks.js';

/**
 * Who may confirm a volunteer's hours: the person served, or staff covering the task's unit; never the
 * volunteer themself; and hours above the task's cap (8 hours unless set) only staff. Undefined: allowed.
 */
function confirmRefusal(ctx: Ctx, task: Task, completion: Completion): DomainError | undefined {
  const ref = taskRef(task.id);
  const self = actingMemberId(ctx);
  // Under either of their accounts: a report left on a record since merged into theirs is still their own.
  if (self !== undefined && self === currentMemberId(ctx.db, completion.volunteerId)) {
    return new DomainError('FORBIDDEN', 'confirm.notYourself', { ref });
  }
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
 * What is confirmed must be what the confirming person was shown. With `minutes` (the 确认 button of a
 * notice, or typed "确认 W1 2小时") the report must still say those minutes: a notice a correction has since
 * replaced is refused, with the hours now reported and how to confirm them. A bare 确认 from the person
 * served confirms the report only if they were sent its current hours (each report and correction is sent
 * to them, in private or in their group); else they are shown the hours and asked to name them. Staff are
 * told of what they confirm in their rooms, and their reply lists what was credited.
 */
function unseenRefusal(ctx: Ctx, task: Task, completion: Completion & { name: string }, minutes: number | undefined): DomainError | undefined {
  const ref = taskRef(task.id);
  const lang = actorLanguage(ctx);
  const hours = formatHours(completion.minutes, lang);
  if (minutes !== undefined) {
    if (minutes === completion.minutes) return undefined;
    return new DomainError('CONFLICT', 'confirm.changed', { ref, name: completion.name, hours, seen: formatHours(minutes, lang) });
  }
  const self = actingMemberId(ctx);
  if (self !== undefined && self === task.requesterId && !completion.requesterTold) {
    return new DomainError('CONFLICT', 'confirm.unseen', { ref, name: completion.name, hours });
  }
  return undefined;
}

/**
 * Confirms reported hours; the volunteer is credited points and hours. With no volunteer named it
 * confirms every pending report the actor may confirm (staff closing a three-person patrol at once).
 * `minutes`: the hours the confirming person was shown, which the report must still say.
 */
export function confirmCompletion(ctx: Ctx, input: { taskId: number; volunteerId?: number; minutes?: number }): Confirmed {
  return inTransaction(ctx.db, () => {
    const task = getTask(ctx.db, input.taskId);
    const ref = taskRef(task.id);
    const self = actingMemberId(ctx);
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
    // Hours named for a task with several reports (staff closing a patrol) pick the reports that say them.
    const matching = input.minutes !== undefined && input.volunteerId === undefined ? targets.filter((c) => c.minutes === input.minutes) : [];
    const chosen = matching.length ? matching : targets;
    for (const completion of chosen) {
      const refusal = confirmRefusal(ctx, task, completion) ?? unseenRefusal(ctx, task, completion, input.minutes);
      if (refusal) throw refusal;
    }
    const credited = chosen.map((completion) => ({ ...creditCompletion(ctx, task, completion, completion.minutes, 'confirmed'), name: completion.name }));
    audit(
      ctx,
      'task.confirm',
      { type: 'task', id: task.id },
      { completions: credited.map((c) => ({ id: c.id, minutes: c.creditedMinutes, points: c.points })) },
    );
    return { task: getTask(ctx.db, task.id), credited };
  });
}
