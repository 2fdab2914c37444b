import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { members, taskClaims, taskCompletions, tasks, units } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import type { Deps } from '../context.js';
import { pathIds, getUnit } from '../org/units.js';

export type Task = typeof tasks.$inferSelect;
export type Claim = typeof taskClaims.$inferSelect;
export type Completion = typeof taskCompletions.$inferSelect;

/** How people refer to a task: W12. */
export const taskRef = (id: number) => `W${id}`;

export function getTask(db: Db, id: number): Task {
  const task = db.select().from(tasks).where(eq(tasks.id, id)).get();
  if (!task) throw new DomainError('NOT_FOUND', 'task.notFound', { ref: taskRef(id) });
  return task;
}

export function activeClaims(db: Db, taskId: number): (Claim & { name: string })[] {
  return db
    .select({ claim: taskClaims, name: members.name })
    .from(taskClaims)
    .innerJoin(members, eq(members.id, taskClaims.volunteerId))
    .where(and(eq(taskClaims.taskId, taskId), eq(taskClaims.status, 'active')))
    .orderBy(asc(taskClaims.id))
    .all()
    .map((r) => ({ ...r.claim, name: r.name }));
}

export function activeClaimOf(db: Db, taskId: number, volunteerId: number): Claim | undefined {
  return db
    .select()
    .from(taskClaims)
    .where(and(eq(taskClaims.taskId, taskId), eq(taskClaims.volunteerId, volunteerId), eq(taskClaims.status, 'active')))
    .get();
}

export function completionsOf(db: Db, taskId: number): (Completion & { name: string })[] {
  return db
    .select({ completion: taskCompletions, name: members.name })
    .from(taskCompletions)
    .innerJoin(members, eq(members.id, taskCompletions.volunteerId))
    .where(eq(taskCompletions.taskId, taskId))
    .orderBy(asc(taskCompletions.id))
    .all()
    .map((r) => ({ ...r.completion, name: r.name }));
}

export interface OpenTask extends Task {
  unitName: string;
  claimed: number;
}

/** Open tasks with a slot left, of the unit and the units above it: what `任务` lists. */
export function openTasksFor(db: Db, unitId: number, limit = 20): OpenTask[] {
  const line = pathIds(getUnit(db, unitId));
  const claimed = sql<number>`(SELECT count(*) FROM task_claims c WHERE c.task_id = ${tasks.id} AND c.status = 'active')`;
  return db
    .select({ task: tasks, unitName: units.name, claimed })
    .from(tasks)
    .innerJoin(units, eq(units.id, tasks.unitId))
    .where(and(inArray(tasks.unitId, line), eq(tasks.status, 'open'), sql`${claimed} < ${tasks.slots}`))
    .orderBy(asc(tasks.id))
    .limit(limit)
    .all()
    .map((r) => ({ ...r.task, unitName: r.unitName, claimed: r.claimed }));
}

const SETTLED = ['confirmed', 'ruled', 'lapsed'];

/** A task is done once every slot is taken and every claim's hours are settled. */
export function refreshTaskStatus(deps: Deps, taskId: number): Task {
  const task = getTask(deps.db, taskId);
  if (task.status !== 'open') return task;
  const claims = activeClaims(deps.db, taskId);
  if (claims.length < task.slots) return task;
  const settled = completionsOf(deps.db, taskId).filter((c) => SETTLED.includes(c.status) && claims.some((claim) => claim.id === c.claimId));
  if (settled.length < task.slots) return task;
  return deps.db.update(tasks).set({ status: 'done', doneAt: deps.clock.now() }).where(eq(tasks.id, taskId)).returning().get();
}
