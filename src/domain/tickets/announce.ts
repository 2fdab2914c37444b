import type { Ctx, Deps } from '../context.js';
import { type Notice, type Phrase, phrase } from '../notice.js';
import { notifyMember, notifyPerson, notifyRooms } from '../notify.js';
import { getMember, membersWithRoleAt, unitsWithRole } from '../org/members.js';
import { getRoom, groupRoomsOf } from '../org/rooms.js';
import { selfAndAncestors, type Unit } from '../org/units.js';
import { handlesTickets } from './routing.js';
import { anonymousPeople, followersOf, routedUnitId, type Ticket } from './store.js';

export const source = (ticket: Pick<Ticket, 'id'>) => `ticket:${ticket.id}`;

/**
 * Tells a unit's staff: in its staff rooms, or, where it has none, each of its staff privately. The room a
 * command was said in is left out: the speaker's reply already says it there.
 */
export function tellStaff(deps: Deps, ticket: Ticket, unitId: number, notice: Notice, exceptRoomId?: number): number {
  const rooms = groupRoomsOf(deps.db, [unitId], 'staff');
  if (rooms.length)
    return notifyRooms(
      deps,
      rooms.filter((r) => r.id !== exceptRoomId),
      notice,
      source(ticket),
    );
  let sent = 0;
  for (const role of ['staff', 'admin'] as const) {
    for (const member of membersWithRoleAt(deps.db, unitId, role)) {
      if (notifyMember(deps, member.id, notice, source(ticket))) sent++;
    }
    if (sent) break;
  }
  return sent;
}

/**
 * Tells whoever holds a taken ticket what the SLA did to it, once it has gone up over their head: in the
 * staff room of the lowest unit on the ticket's chain where they are staff, else privately. Nothing when
 * they are staff of a unit in `toldUnitIds`: they heard it there already.
 */
export function tellTaker(deps: Deps, ticket: Ticket, notice: Notice, toldUnitIds: readonly number[]): number {
  if (ticket.takerId === null) return 0;
  const theirs = unitsWithRole(deps.db, ticket.takerId, ['staff', 'admin']);
  if (theirs.some((id) => toldUnitIds.includes(id))) return 0;
  for (const unit of selfAndAncestors(deps.db, routedUnitId(deps.db, ticket))) {
    if (!theirs.includes(unit.id)) continue;
    const rooms = groupRoomsOf(deps.db, [unit.id], 'staff');
    if (rooms.length) return notifyRooms(deps, rooms, notice, source(ticket));
  }
  return notifyMember(deps, ticket.takerId, notice, source(ticket)) ? 1 : 0;
}

/**
 * The units that have heard of the ticket: the one it was routed to and each answering unit above it up
 * to the one responsible now.
 */
export function involvedUnits(deps: Deps, ticket: Ticket): Unit[] {
  const chain = selfAndAncestors(deps.db, routedUnitId(deps.db, ticket));
  const top = chain.findIndex((u) => u.id === ticket.responsibleUnitId);
  return chain.slice(0, top === -1 ? 1 : top + 1).filter((u) => u.id === ticket.responsibleUnitId || handlesTickets(deps.db, u.id));
}

export function tellInvolvedStaff(deps: Deps, ticket: Ticket, notice: Notice, exceptRoomId?: number): number {
  return involvedUnits(deps, ticket).reduce((n, u) => n + tellStaff(deps, ticket, u.id, notice, exceptRoomId), 0);
}

export type Audience = 'reporter' | 'follower';
/** One notice for all, or one for each audience: the reporter may hear it differently from those following. */
export type Personal = Notice | Record<Audience, Notice>;

const forAudience = (notice: Personal, audience: Audience): Notice => (typeof notice === 'function' || 'kind' in notice ? notice : notice[audience]);

/**
 * Tells the reporter (and, unless `reporterOnly`, everyone who said 附议): in their private chat if they
 * have one, else in the room where they spoke, addressed to them. An anonymous reporter, or someone who
 * joined anonymously, is never addressed in a group.
 */
export function tellPeople(
  deps: Deps,
  ticket: Ticket,
  notice: Personal,
  options: { reporter?: boolean; followers?: boolean; exceptMemberId?: number } = {},
): number {
  const people: { memberId: number; roomId: number | null; audience: Audience }[] = [];
  if (options.reporter !== false) people.push({ memberId: ticket.reporterId, roomId: ticket.originRoomId, audience: 'reporter' });
  if (options.followers !== false) {
    for (const f of followersOf(deps.db, ticket.id)) people.push({ memberId: f.memberId, roomId: f.roomId, audience: 'follower' });
  }
  const hidden = anonymousPeople(deps.db, ticket);
  let sent = 0;
  for (const person of people) {
    if (person.memberId === options.exceptMemberId) continue;
    const personal = forAudience(notice, person.audience);
    const rooms = person.roomId === null ? [] : [getRoom(deps.db, person.roomId)];
    const anonymous = hidden.has(person.memberId);
    sent += notifyPerson(deps, person.memberId, personal, source(ticket), rooms, { anonymous });
  }
  return sent;
}

/** Who acted, as a notice names them: the member, or the admin API, or the system for a job. */
export function actorName(ctx: Ctx): string | Phrase {
  switch (ctx.actor.kind) {
    case 'member':
      return getMember(ctx.db, ctx.actor.memberId).name;
    case 'token':
      return phrase('ticket.actor.token');
    case 'system':
      return phrase('ticket.actor.system');
  }
}
