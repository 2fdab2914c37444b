import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { taskClaims } from '../../db/schema/index.js';
import type { Deps } from '../context.js';
import type { Notice } from '../notice.js';
import { notifyPerson } from '../notify.js';
import { getRoom, groupRoomsOf, type Room } from '../org/rooms.js';
import { selfAndAncestors } from '../org/units.js';
import type { Completion, Task } from './tasks.js';

/**
 * The residents' groups a task is announced in: its unit's, or, for a unit without a group of its own (a
 * building whose residents talk in the grid's group), those of the nearest unit above that has one.
 */
export function announceRooms(db: Db, unitId: number): Room[] {
  for (const unit of selfAndAncestors(db, unitId)) {
    const rooms = groupRoomsOf(db, [unit.id], 'residents');
    if (rooms.length) return rooms;
  }
  return [];
}

/** The group the person spoke in, if it is one that fits; else the task's residents' groups. */
function spokenIn(db: Db, task: Task, roomId: number | null, fits: (room: Room) => boolean): Room[] {
  const room = roomId === null ? undefined : getRoom(db, roomId);
  return room?.kind === 'group' && fits(room) ? [room] : announceRooms(db, task.unitId);
}

/**
 * Tells the person served: privately, or else in the residents' group the wish was posted in (staff
 * posting for them from the staff room: the groups it was announced in), addressed to them.
 */
export function tellRequester(deps: Deps, task: Task, notice: Notice): boolean {
  if (task.requesterId === null) return false;
  // The room a wish was posted in may be the staff room staff posted it from, where the resident is not.
  const rooms = spokenIn(deps.db, task, task.roomId, (room) => room.purpose === 'residents');
  return notifyPerson(deps, task.requesterId, notice, `task:${task.id}`, rooms) > 0;
}

/**
 * Tells a volunteer: privately, or else in the group they claimed the task in (a claim from before rooms
 * were kept: the groups it was announced in), addressed to them.
 */
export function tellVolunteer(deps: Deps, task: Task, completion: Pick<Completion, 'claimId' | 'volunteerId'>, notice: Notice): boolean {
  const claim = deps.db.select({ roomId: taskClaims.roomId }).from(taskClaims).where(eq(taskClaims.id, completion.claimId)).get();
  const rooms = spokenIn(deps.db, task, claim?.roomId ?? null, () => true);
  return notifyPerson(deps, completion.volunteerId, notice, `task:${task.id}`, rooms) > 0;
}
