import { inTransaction } from '../../db/client.js';
import { tasks } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { actingMemberId } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx, Deps } from '../context.js';
import { say } from '../notice.js';
import { notifyRooms } from '../notify.js';
import { actsAsStaffFor, belongsTo } from '../org/authority.js';
import { getMember } from '../org/members.js';
import { getUnit } from '../org/units.js';
import { taskCardNotice } from './cards.js';
import { DEFAULT_CAP_MINUTES, MAX_REPORT_MINUTES } from './hours.js';
import { type Task, taskRef } from './tasks.js';
import { announceRooms, tellRequester } from './tell.js';

export const MAX_TITLE_LENGTH = 500;
export const MAX_SLOTS = 100;

export interface PostWishInput {
  unitId: number;
  title: string;
  /** Staff posting for a resident (代 王阿姨 心愿 …): the person served. Default: the actor. */
  requesterId?: number;
  /** The room the wish was said in, which shows it in the reply instead of an announcement; kept as the task's room. */
  skipRoomId?: number;
}

/** A resident's micro-wish (微心愿), announced in the unit's residents' groups for a volunteer to claim. */
export function postWish(ctx: Ctx, input: PostWishInput): Task {
  const title = cleanTitle(input.title);
  return inTransaction(ctx.db, () => {
    const unit = getUnit(ctx.db, input.unitId);
    const self = actingMemberId(ctx);
    const requesterId = input.requesterId ?? self;
    if (requesterId === undefined) throw new DomainError('INVALID_INPUT', 'wish.whoFor');
    const requester = getMember(ctx.db, requesterId);
    if (requesterId !== self) {
      if (!actsAsStaffFor(ctx, unit.id)) throw new DomainError('FORBIDDEN', 'wish.onBehalfStaffOnly');
      if (!belongsTo(ctx.db, requester.id, unit.id)) {
        throw new DomainError('INVALID_INPUT', 'wish.requesterNotHere', { name: requester.name, unit: unit.name });
      }
    }
    const task = insertTask(ctx, {
      kind: 'wish',
      unitId: unit.id,
      title,
      requesterId: requester.id,
      slots: 1,
      capMinutes: DEFAULT_CAP_MINUTES,
      roomId: input.skipRoomId ?? null,
    });
    audit(ctx, 'task.wish', { type: 'task', id: task.id }, { unitId: unit.id, requesterId: requester.id, title });
    announce(ctx, task, input.skipRoomId);
    if (requester.id !== self) {
      tellRequester(ctx, task, say('wish.notify.postedForYou', { ref: taskRef(task.id), title }));
    }
    return task;
  });
}

export interface PostTaskInput {
  unitId: number;
  title: string;
  slots: number;
  /** Hours above this need staff confirmation; default 8 hours. */
  capMinutes?: number;
  skipRoomId?: number;
}

/** A task staff post for volunteers (a patrol needing three, a service fair): several slots, no one person served. */
export function postTask(ctx: Ctx, input: PostTaskInput): Task {
  const title = cleanTitle(input.title);
  if (!Number.isInteger(input.slots) || input.slots < 1 || input.slots > MAX_SLOTS) {
    throw new DomainError('INVALID_INPUT', 'task.badSlots', { max: MAX_SLOTS });
  }
  const cap = input.capMinutes ?? DEFAULT_CAP_MINUTES;
  if (!Number.isInteger(cap) || cap < 1 || cap > MAX_REPORT_MINUTES) throw new DomainError('INVALID_INPUT', 'task.badCap');
  return inTransaction(ctx.db, () => {
    const unit = getUnit(ctx.db, input.unitId);
    if (!actsAsStaffFor(ctx, unit.id)) throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    const task = insertTask(ctx, {
      kind: 'task',
      unitId: unit.id,
      title,
      requesterId: null,
      slots: input.slots,
      capMinutes: cap,
      roomId: input.skipRoomId ?? null,
    });
    audit(ctx, 'task.post', { type: 'task', id: task.id }, { unitId: unit.id, title, slots: input.slots, capMinutes: cap });
    announce(ctx, task, input.skipRoomId);
    return task;
  });
}

function cleanTitle(raw: string): string {
  const title = raw.trim();
  if (!title) throw new DomainError('INVALID_INPUT', 'task.titleRequired');
  if (title.length > MAX_TITLE_LENGTH) throw new DomainError('INVALID_INPUT', 'task.titleTooLong', { max: MAX_TITLE_LENGTH });
  return title;
}

function insertTask(ctx: Ctx, values: Pick<Task, 'kind' | 'unitId' | 'title' | 'requesterId' | 'slots' | 'capMinutes' | 'roomId'>): Task {
  return ctx.db
    .insert(tasks)
    .values({ ...values, postedBy: actingMemberId(ctx) ?? null, createdAt: ctx.clock.now() })
    .returning()
    .get();
}

/** The card goes to every residents' group it is announced in, except the one it was posted in (that one gets the reply). */
function announce(deps: Deps, task: Task, skipRoomId: number | undefined) {
  const rooms = announceRooms(deps.db, task.unitId).filter((r) => r.id !== skipRoomId);
  notifyRooms(deps, rooms, taskCardNotice(deps.db, task), `task:${task.id}`);
}
