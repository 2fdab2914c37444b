import type { Db } from '../../db/client.js';
import { getMember } from '../org/members.js';
import { getUnit } from '../org/units.js';
import { activeClaims, type Task, taskRef } from './tasks.js';

/** What a task's card shows, loaded in the transaction that sends it. */
export interface TaskView {
  task: Task;
  ref: string;
  unit: string;
  /** The person served, for a wish. */
  requester: string | undefined;
  /** Who holds a slot, in the order they claimed. */
  claimers: string[];
}

export function taskView(db: Db, task: Task): TaskView {
  return {
    task,
    ref: taskRef(task.id),
    unit: getUnit(db, task.unitId).name,
    requester: task.requesterId === null ? undefined : getMember(db, task.requesterId).name,
    claimers: activeClaims(db, task.id).map((c) => c.name),
  };
}

/**
 * A wish or task as posted in a group: what it is, who it serves, the slots left and a 认领 button.
 * Announcements and the reply to a button press both show it, so the pressed message can be updated.
 */
export interface TaskCardNotice {
  kind: 'taskCard';
  view: TaskView;
}

export const taskCardNotice = (db: Db, task: Task): TaskCardNotice => ({ kind: 'taskCard', view: taskView(db, task) });
