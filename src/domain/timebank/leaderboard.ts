import { and, desc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { members, taskCompletions, tasks, units } from '../../db/schema/index.js';
import { inSubtree } from '../org/subtree.js';

export interface Standing {
  memberId: number;
  name: string;
  minutes: number;
  points: number;
}

/**
 * Volunteers ranked by hours credited in [from, to) on tasks anywhere in the unit's subtree. Hours credited
 * to a record later merged into another count for the member it was merged into: one person, one line.
 */
export function topVolunteers(db: Db, input: { unitId: number; from: Date; to: Date; limit?: number }): Standing[] {
  const root = db.select({ path: units.path }).from(units).where(eq(units.id, input.unitId)).get();
  if (!root) return [];
  const served = alias(members, 'served');
  const minutes = sql<number>`sum(${taskCompletions.creditedMinutes})`;
  const points = sql<number>`coalesce(sum(${taskCompletions.points}), 0)`;
  return db
    .select({ memberId: members.id, name: members.name, minutes, points })
    .from(taskCompletions)
    .innerJoin(tasks, eq(tasks.id, taskCompletions.taskId))
    .innerJoin(units, eq(units.id, tasks.unitId))
    .innerJoin(served, eq(served.id, taskCompletions.volunteerId))
    .innerJoin(members, eq(members.id, sql`coalesce(${served.mergedInto}, ${served.id})`))
    .where(
      and(
        inArray(taskCompletions.status, ['confirmed', 'ruled']),
        gt(taskCompletions.creditedMinutes, 0),
        gte(taskCompletions.decidedAt, input.from),
        lt(taskCompletions.decidedAt, input.to),
        inSubtree(units.path, root.path),
      ),
    )
    .groupBy(members.id)
    .orderBy(desc(minutes), desc(points), members.id)
    .limit(input.limit ?? 10)
    .all();
}
