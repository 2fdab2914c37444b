import { eq } from 'drizzle-orm';
import { tickets, type TicketStatus } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { actingMemberId } from '../acting.js';
import type { Ctx } from '../context.js';
import { getMember } from '../org/members.js';
import { stars } from './notices.js';
import { isStaffAbove, mayFollow, mayHandle, mayStartFollowing } from './permissions.js';
import { refusalOf } from './states.js';
import { type Ticket, ticketRef } from './store.js';

/** What people and jobs do to a ticket once it is reported. */
export type TicketAction = 'take' | 'resolve' | 'assign' | 'cancel' | 'escalate' | 'note' | 'plusone' | 'categorize' | 'rate' | 'reopen' | 'close';

/**
 * Who may act, as the ticket sees them. `covering`: staff covering where it was reported (the grid worker
 * still, after it escalated past them, and every level above); `above`: staff above the unit it was first
 * routed to; `neighbour`: someone of its grid, a building in it or a unit above; `token`: an admin through
 * the API, checked against the ticket's unit by the HTTP layer; `system`: a job.
 */
export type Who = 'reporter' | 'taker' | 'covering' | 'above' | 'neighbour' | 'token' | 'system';

/** A domain error for people; a plain error where reaching it is a bug. */
type Refusal = (ctx: Ctx, ticket: Ticket) => Error;

interface Gate {
  /** Any one of these may. */
  who: readonly Who[];
  refuse: Refusal;
}

interface Rule {
  /** The state each allowed state leads to; an action in any other state is refused. */
  moves: Partial<Record<TicketStatus, TicketStatus>>;
  /** Who may, checked first, so an outsider hears nothing of the ticket's state. */
  gate?: Gate;
  /** Who may in one state, beyond `gate`. */
  gateIn?: Partial<Record<TicketStatus, Gate>>;
  /** What a state the action does not allow says, where the state's own refusal (refusalOf) is not enough. */
  refusals?: Partial<Record<TicketStatus, Refusal>>;
}

const forbidden =
  (
    key:
      | 'ticket.assignForbidden'
      | 'ticket.cancelForbidden'
      | 'ticket.escalateForbidden'
      | 'ticket.noteForbidden'
      | 'ticket.plusOneForbidden'
      | 'ticket.categorizeForbidden'
      | 'ticket.rateForbidden'
      | 'ticket.reopenForbidden',
  ): Refusal =>
  (_ctx, ticket) =>
    new DomainError('FORBIDDEN', key, { ref: ticketRef(ticket.id) });

const conflict =
  (key: 'ticket.rateTooEarly' | 'ticket.reopenActive'): Refusal =>
  (_ctx, ticket) =>
    new DomainError('CONFLICT', key, { ref: ticketRef(ticket.id) });

const STAFF_ONLY = {
  take: { own: 'ticket.takeForbiddenOwn', follow: 'ticket.takeForbiddenFollow', other: 'ticket.takeForbidden' },
  resolve: { own: 'ticket.resolveOpenForbiddenOwn', follow: 'ticket.resolveOpenForbiddenFollow', other: 'ticket.resolveOpenForbidden' },
} as const;

/**
 * Someone who is not staff here trying to 接单 or 办结 an open ticket: the reporter is told their own way
 * on (wait for it, or 撤销 it when it sorted itself out), a neighbour how to follow it.
 */
const staffOnly =
  (action: 'take' | 'resolve'): Refusal =>
  (ctx, ticket) => {
    const keys = STAFF_ONLY[action];
    const ref = ticketRef(ticket.id);
    const memberId = actingMemberId(ctx);
    if (memberId === undefined) return new DomainError('FORBIDDEN', keys.other, { ref });
    if (ticket.reporterId === memberId) return new DomainError('FORBIDDEN', keys.own, { ref });
    return new DomainError('FORBIDDEN', mayStartFollowing(ctx.db, memberId, ticket) ? keys.follow : keys.other, { ref });
  };

const takerName = (ctx: Ctx, ticket: Ticket) => getMember(ctx.db, ticket.takerId!).name;

const STAFF: readonly Who[] = ['covering', 'token', 'system'];
const ACTIVE_STAYS = { open: 'open', taken: 'taken' } as const;

/** The one table of what may happen to a ticket, by whom, and what each refusal says. */
export const TRANSITIONS: Record<TicketAction, Rule> = {
  /** 接单 */
  take: {
    moves: { open: 'taken' },
    gate: { who: ['covering'], refuse: staffOnly('take') },
    refusals: {
      taken: (ctx, ticket) => {
        const ref = ticketRef(ticket.id);
        if (ticket.takerId === actingMemberId(ctx)) return new DomainError('CONFLICT', 'ticket.alreadyYours', { ref });
        return new DomainError('CONFLICT', 'ticket.alreadyTaken', { ref, name: takerName(ctx, ticket) });
      },
    },
  },
  /** 办结: an open ticket is taken and resolved at once. */
  resolve: {
    moves: { open: 'resolved', taken: 'resolved' },
    gateIn: {
      open: { who: ['covering'], refuse: staffOnly('resolve') },
      taken: {
        who: ['taker', 'above'],
        refuse: (ctx, ticket) => new DomainError('FORBIDDEN', 'ticket.resolveForbidden', { ref: ticketRef(ticket.id), name: takerName(ctx, ticket) }),
      },
    },
  },
  /** 派单: a taken ticket changes hands, which is for staff above its taker, as resolving it for them is. */
  assign: {
    moves: { open: 'taken', taken: 'taken' },
    gate: { who: STAFF, refuse: forbidden('ticket.assignForbidden') },
    gateIn: { taken: { who: ['taker', 'above', 'token', 'system'], refuse: forbidden('ticket.assignForbidden') } },
  },
  /** 撤销 */
  cancel: {
    moves: { open: 'cancelled', taken: 'cancelled' },
    gate: { who: ['reporter', ...STAFF], refuse: forbidden('ticket.cancelForbidden') },
  },
  /** 上报 */
  escalate: { moves: ACTIVE_STAYS, gate: { who: STAFF, refuse: forbidden('ticket.escalateForbidden') } },
  /** 备注: also after 办结, while the reporter may still rate or reopen it. */
  note: {
    moves: { ...ACTIVE_STAYS, resolved: 'resolved' },
    gate: { who: ['covering'], refuse: forbidden('ticket.noteForbidden') },
  },
  /** 附议 */
  plusone: { moves: ACTIVE_STAYS, gate: { who: ['neighbour'], refuse: forbidden('ticket.plusOneForbidden') } },
  /** 分类: in any state, for the figures. */
  categorize: {
    moves: { ...ACTIVE_STAYS, resolved: 'resolved', closed: 'closed', cancelled: 'cancelled' },
    gate: { who: ['covering'], refuse: forbidden('ticket.categorizeForbidden') },
  },
  /** 评价 */
  rate: {
    moves: { resolved: 'closed' },
    gate: { who: ['reporter'], refuse: forbidden('ticket.rateForbidden') },
    refusals: {
      open: conflict('ticket.rateTooEarly'),
      taken: conflict('ticket.rateTooEarly'),
      closed: (_ctx, ticket) => {
        const ref = ticketRef(ticket.id);
        if (ticket.rating !== null) return new DomainError('CONFLICT', 'ticket.alreadyRated', { ref, stars: stars(ticket.rating) });
        return new DomainError('EXPIRED', 'ticket.rateTooLate', { ref });
      },
    },
  },
  /** 重开 (within its window, which reopenTicket checks) */
  reopen: {
    moves: { resolved: 'open', closed: 'open' },
    gate: { who: ['reporter'], refuse: forbidden('ticket.reopenForbidden') },
    refusals: { open: conflict('ticket.reopenActive'), taken: conflict('ticket.reopenActive') },
  },
  /** Closed unrated after the rating window, by the job. */
  close: { moves: { resolved: 'closed' }, gate: { who: ['system'], refuse: () => new Error('only a job closes a ticket unrated') } },
};

/** Whether the actor is one of `who`; each is asked only when the ones before it said no. */
function isAmong(ctx: Ctx, ticket: Ticket, who: readonly Who[]): boolean {
  const memberId = actingMemberId(ctx);
  return who.some((w) => {
    switch (w) {
      case 'token':
      case 'system':
        return ctx.actor.kind === w;
      case 'reporter':
        return memberId !== undefined && ticket.reporterId === memberId;
      case 'taker':
        return memberId !== undefined && ticket.takerId === memberId;
      case 'covering':
        return memberId !== undefined && mayHandle(ctx.db, memberId, ticket);
      case 'above':
        return memberId !== undefined && isStaffAbove(ctx.db, memberId, ticket);
      case 'neighbour':
        return memberId !== undefined && mayFollow(ctx.db, memberId, ticket);
      default:
        return false;
    }
  });
}

/** Throws the refusal when the actor may not do this to the ticket in its state; says nothing of a state the action does not allow. */
export function authorize(ctx: Ctx, ticket: Ticket, action: TicketAction): void {
  const rule = TRANSITIONS[action];
  for (const gate of [rule.gate, rule.gateIn?.[ticket.status]]) {
    if (gate && !isAmong(ctx, ticket, gate.who)) throw gate.refuse(ctx, ticket);
  }
}

/** The state the action leads to from the ticket's, or the refusal for a state that does not allow it. */
export function nextStatus(ctx: Ctx, ticket: Ticket, action: TicketAction): TicketStatus {
  const rule = TRANSITIONS[action];
  const to = rule.moves[ticket.status];
  if (to) return to;
  const refuse = rule.refusals?.[ticket.status];
  if (refuse) throw refuse(ctx, ticket);
  throw new DomainError('CONFLICT', refusalOf(ticket.status), { ref: ticketRef(ticket.id) });
}

/**
 * Whether the actor may do this to the ticket now: who first, then the state. Returns the state it leads
 * to, which is the only status a caller may then write.
 */
export function transition(ctx: Ctx, ticket: Ticket, action: TicketAction): TicketStatus {
  authorize(ctx, ticket, action);
  return nextStatus(ctx, ticket, action);
}

/** The states an action is allowed in, for the jobs that look for work. */
export const statesAllowing = (action: TicketAction) => Object.keys(TRANSITIONS[action].moves) as TicketStatus[];

/** Whether some action leads from one state to the other. */
const isTransition = (from: TicketStatus, to: TicketStatus) => Object.values(TRANSITIONS).some((rule) => rule.moves[from] === to);

/**
 * Writes the change and stamps it; returns the ticket as it now is. A status the table does not lead to
 * from the ticket's is a bug, and is refused before anything is written.
 */
export function changeTicket(ctx: Ctx, ticket: Ticket, changes: Partial<Omit<Ticket, 'id'>>): Ticket {
  if (changes.status !== undefined && !isTransition(ticket.status, changes.status)) {
    throw new Error(`ticket ${ticketRef(ticket.id)}: no transition from ${ticket.status} to ${changes.status}`);
  }
  return ctx.db
    .update(tickets)
    .set({ ...changes, updatedAt: ctx.clock.now() })
    .where(eq(tickets.id, ticket.id))
    .returning()
    .get();
}
