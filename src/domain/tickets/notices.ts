import type { NoticeButton, Phrase } from '../notice.js';
import type { HistoryEntry, TicketView } from './view.js';

/** When a notice is rendered, and in which zone its times are read. */
export interface RenderEnv {
  now: Date;
  timeZone: string;
}

export const stars = (n: number) => '⭐'.repeat(n);

export const takeButton = (ref: string): NoticeButton => ({ command: 'take', args: ref, label: 'ticket.button.take' });
export const resolveButton = (ref: string): NoticeButton => ({ command: 'resolve', args: ref, label: 'ticket.button.resolve' });

export type EscalationReason = 'take' | 'resolve' | 'reopen' | 'category' | 'manual';

/** What the staff room sees of a ticket, in its current state, with the button for the next step; `head` above it. */
export interface TicketCardNotice {
  kind: 'ticketCard';
  view: TicketView;
  env: RenderEnv;
  head?: Phrase;
  images?: string[];
}

/** To the unit that just became responsible: why, how old, what happened so far, and what to type. */
export interface HandoverNotice {
  kind: 'handover';
  view: TicketView;
  entries: HistoryEntry[];
  env: RenderEnv;
  reason: EscalationReason;
  limitMs?: number;
  note?: string | null;
}

/** The reporter's resolved notice: the text says what to type, the buttons (1–5 stars, not fixed) do it. */
export interface RatingRequest {
  kind: 'ratingRequest';
  ref: string;
  name: string;
  text: string;
  /** What the worker wrote on resolving it; empty when nothing. */
  note: string;
}

export type TicketNotice = TicketCardNotice | HandoverNotice | RatingRequest;
