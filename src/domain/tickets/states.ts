import { TICKET_STATUSES, type TicketStatus } from '../../db/schema/index.js';
import type { MessageKey } from '../../i18n/index.js';

/** The SLA window a ticket runs: to be taken, then to be resolved. */
export type Phase = 'take' | 'resolve';

/**
 * What each state means to everyone who asks: whether someone still has to act on the ticket, the SLA
 * window it runs, and what an action the state does not allow is told.
 */
const STATES = {
  open: { active: true, phase: 'take', refusal: 'ticket.stillOpen' },
  taken: { active: true, phase: 'resolve', refusal: 'ticket.stillOpen' },
  // Past both windows; `phase` is only asked of active tickets.
  resolved: { active: false, phase: 'resolve', refusal: 'ticket.alreadyResolved' },
  closed: { active: false, phase: 'resolve', refusal: 'ticket.alreadyClosed' },
  cancelled: { active: false, phase: 'resolve', refusal: 'ticket.alreadyCancelled' },
} as const satisfies Record<TicketStatus, { active: boolean; phase: Phase; refusal: MessageKey }>;

/** Still waiting for someone to act: open or taken. */
export const isActive = (status: TicketStatus): boolean => STATES[status].active;

/** The states still waiting for someone to act, for queries. */
export const ACTIVE_STATUSES: readonly TicketStatus[] = TICKET_STATUSES.filter(isActive);

/** Which window an active ticket runs: to be taken while open, to be resolved once taken. */
export const phaseOf = (status: TicketStatus): Phase => STATES[status].phase;

/** What an action the state does not allow is refused with, unless the action says better. */
export const refusalOf = (status: TicketStatus): (typeof STATES)[TicketStatus]['refusal'] => STATES[status].refusal;
