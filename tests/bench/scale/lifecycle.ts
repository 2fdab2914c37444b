import { DAY, HOUR, MINUTE } from '../../../src/clock.js';
import type { TicketEventKind, TicketStatus } from '../../../src/db/schema/index.js';

/**
 * A ticket's life as the domain would have recorded it by `asOf`: the verbs people used (报事, 接单, 办结, 评价,
 * 撤销) at the times planned for them, and between them what the minute-by-minute SLA sweep and the hourly
 * auto-close job did. Each step carries the ticket row's fields after it, the event and the audit entry the
 * domain writes for it (src/domain/tickets/*.ts); tests/bench/street.test.ts replays the same plans through
 * the domain functions and compares.
 */

/** A ticket's fields that change along its life (the rest are fixed at the report). */
export interface TicketState {
  status: TicketStatus;
  responsibleUnitId: number;
  takerId: number | null;
  level: number;
  slaStartedAt: number | null;
  dueAt: number | null;
  warnedAt: number | null;
  rating: number | null;
  comment: string | null;
  takenAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  updatedAt: number;
}

export type Actor = { kind: 'member'; id: number } | { kind: 'system'; job: string };

export interface Step {
  at: number;
  actor: Actor;
  event: {
    kind: TicketEventKind;
    from: TicketStatus | null;
    to: TicketStatus | null;
    unitId: number;
    note: string | null;
    data: Record<string, unknown> | null;
  };
  /** The audit entry (none for an SLA warning, which the domain does not audit). */
  audit: { action: string; data: Record<string, unknown> } | null;
}

/** What people will do to the ticket, in ms after its report; undefined: they never do. */
export interface Plan {
  createdAt: number;
  reporterId: number;
  anonymous: boolean;
  categoryId: number;
  takeMinutes: number;
  resolveMinutes: number;
  /** The units a ticket climbs: the one it is routed to first, then each unit above with staff. */
  chain: readonly number[];
  /** Who takes it when the unit at that index of the chain is responsible. */
  takerAt: readonly number[];
  cancelAfter?: number;
  takeAfter?: number;
  /** After it was taken. */
  resolveAfter?: number;
  resolveNote?: string;
  /** After it was resolved; undefined: the auto-close job closes it unrated. */
  rateAfter?: number;
  rating?: number;
}

const WARN_AT = 0.8;
const RATING_WINDOW_MS = 3 * DAY;
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;

/** Replays a plan up to `asOf`; returns the steps taken and the ticket as it then is. */
export function live(plan: Plan, asOf: number): { state: TicketState; steps: Step[] } {
  const { createdAt: t0 } = plan;
  const reporter: Actor = { kind: 'member', id: plan.reporterId };
  let level = 0;
  const s: TicketState = {
    status: 'open',
    responsibleUnitId: plan.chain[0]!,
    takerId: null,
    level: 0,
    slaStartedAt: t0,
    dueAt: t0 + plan.takeMinutes * MINUTE,
    warnedAt: null,
    rating: null,
    comment: null,
    takenAt: null,
    resolvedAt: null,
    closedAt: null,
    updatedAt: t0,
  };
  const steps: Step[] = [
    {
      at: t0,
      actor: reporter,
      event: { kind: 'report', from: null, to: 'open', unitId: s.responsibleUnitId, note: null, data: { category: plan.categoryId } },
      audit: { action: 'ticket.report', data: { categoryId: plan.categoryId, responsibleUnitId: s.responsibleUnitId, anonymous: plan.anonymous } },
    },
  ];
  const step = (at: number, actor: Actor, event: Omit<Step['event'], 'unitId'>, audit: Step['audit']) => {
    s.updatedAt = at;
    steps.push({ at, actor, event: { ...event, unitId: s.responsibleUnitId }, audit });
  };
  const windowMs = () => (s.status === 'open' ? plan.takeMinutes : plan.resolveMinutes) * MINUTE;
  const phase = () => (s.status === 'open' ? 'take' : 'resolve');

  for (;;) {
    // The next thing a person does, given where the ticket is.
    let human = Number.POSITIVE_INFINITY;
    if (s.status === 'open') {
      if (plan.cancelAfter !== undefined) human = t0 + plan.cancelAfter;
      else if (plan.takeAfter !== undefined) human = t0 + plan.takeAfter;
    } else if (s.status === 'taken' && plan.resolveAfter !== undefined) human = s.takenAt! + plan.resolveAfter;
    else if (s.status === 'resolved') {
      human = plan.rateAfter !== undefined ? s.resolvedAt! + plan.rateAfter : ceilTo(s.resolvedAt! + RATING_WINDOW_MS, HOUR);
    }
    // The next minute the sweep has something to do.
    let sweep = Number.POSITIVE_INFINITY;
    if (s.dueAt !== null) {
      sweep = ceilTo(s.dueAt, MINUTE);
      if (s.warnedAt === null) sweep = Math.min(sweep, ceilTo(s.slaStartedAt! + (s.dueAt - s.slaStartedAt!) * WARN_AT, MINUTE));
    }
    const at = Math.min(human, sweep);
    if (at > asOf || at === Number.POSITIVE_INFINITY) break;

    if (sweep <= human) {
      const actor: Actor = { kind: 'system', job: 'sla-sweep' };
      while (s.dueAt !== null && s.dueAt <= at) {
        const ph = phase();
        if (level + 1 < plan.chain.length) {
          const from = s.responsibleUnitId;
          const start = s.dueAt;
          level++;
          s.responsibleUnitId = plan.chain[level]!;
          s.level = level;
          s.slaStartedAt = start;
          s.dueAt = start + windowMs();
          s.warnedAt = null;
          step(
            at,
            actor,
            { kind: 'escalate', from: null, to: null, note: null, data: { phase: ph, fromUnit: from } },
            { action: 'ticket.escalate', data: { phase: ph, from, to: s.responsibleUnitId } },
          );
        } else {
          s.dueAt = null;
          s.warnedAt = null;
          step(at, actor, { kind: 'overdue', from: null, to: null, note: null, data: { phase: ph } }, { action: 'ticket.overdue', data: { phase: ph } });
        }
      }
      if (s.dueAt !== null && s.slaStartedAt !== null && s.warnedAt === null && s.slaStartedAt + (s.dueAt - s.slaStartedAt) * WARN_AT <= at) {
        s.warnedAt = at;
        step(at, actor, { kind: 'warn', from: null, to: null, note: null, data: { phase: phase() } }, null);
      }
      continue;
    }

    if (s.status === 'open' && plan.cancelAfter !== undefined) {
      s.status = 'cancelled';
      s.closedAt = at;
      s.slaStartedAt = s.dueAt = s.warnedAt = null;
      step(at, reporter, { kind: 'cancel', from: 'open', to: 'cancelled', note: null, data: null }, { action: 'ticket.cancel', data: { reason: null } });
    } else if (s.status === 'open') {
      s.status = 'taken';
      s.takerId = plan.takerAt[level]!;
      s.takenAt = at;
      s.slaStartedAt = at;
      s.dueAt = at + plan.resolveMinutes * MINUTE;
      s.warnedAt = null;
      step(at, { kind: 'member', id: s.takerId }, { kind: 'take', from: 'open', to: 'taken', note: null, data: null }, { action: 'ticket.take', data: {} });
    } else if (s.status === 'taken') {
      const note = plan.resolveNote ?? null;
      s.status = 'resolved';
      s.resolvedAt = at;
      s.slaStartedAt = s.dueAt = s.warnedAt = null;
      step(
        at,
        { kind: 'member', id: s.takerId! },
        { kind: 'resolve', from: 'taken', to: 'resolved', note, data: null },
        { action: 'ticket.resolve', data: { note } },
      );
    } else if (plan.rateAfter !== undefined) {
      s.status = 'closed';
      s.rating = plan.rating!;
      s.closedAt = at;
      step(
        at,
        reporter,
        { kind: 'rate', from: 'resolved', to: 'closed', note: null, data: { rating: s.rating } },
        { action: 'ticket.rate', data: { rating: s.rating } },
      );
    } else {
      s.status = 'closed';
      s.closedAt = at;
      step(
        at,
        { kind: 'system', job: 'ticket-autoclose' },
        { kind: 'close', from: 'resolved', to: 'closed', note: null, data: { unrated: true } },
        { action: 'ticket.autoclose', data: {} },
      );
    }
  }
  return { state: s, steps };
}
