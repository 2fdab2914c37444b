import { inArray, type SQL, sql } from 'drizzle-orm';
import { DAY, HOUR } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { TICKET_STATUSES, ticketCategories, type TicketStatus, type UnitKind } from '../../db/schema/index.js';
import { inSubtree } from '../org/subtree.js';
import { getUnit } from '../org/units.js';

export interface Durations {
  /** How many tickets the figures are over. */
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export const AGE_BUCKETS = ['under1h', 'under1d', 'under3d', 'under7d', 'older'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export interface TicketNumbers {
  unitId: number;
  from: Date;
  to: Date;
  total: number;
  byStatus: Record<TicketStatus, number>;
  byCategory: { categoryId: number; name: string; count: number }[];
  /** From report to the first 接单, and to the first 办结. */
  timeToTake: Durations;
  timeToResolve: Durations;
  /**
   * Resolved before any SLA breach (an escalation for time, or overdue at the top), out of the tickets
   * resolved and those `overdue`: unresolved, with a deadline passed before `to`. A ticket left to go
   * overdue counts against the share like one resolved late.
   */
  withinSla: { resolved: number; within: number; overdue: number; share: number | null };
  /** Escalations for time, counted by the kind of unit they went to; `tickets` escalated at least once. */
  escalations: { total: number; tickets: number; byLevel: Partial<Record<UnitKind, number>> };
  ratings: { rated: number; average: number | null; distribution: Record<1 | 2 | 3 | 4 | 5, number>; unrated: number };
  /** Tickets still open or taken, by their age at `to`. */
  openByAge: Record<AgeBucket, number>;
}

/** An escalation the SLA caused, not a deliberate 上报. */
const FOR_TIME = sql`json_extract(e.data, '$.manual') IS NULL`;

/** The first event of these kinds of the ticket `s`: a seek on ticket_events(ticket_id, kind, at) per kind. */
const firstOf = (kinds: string[], also?: SQL) =>
  sql`(SELECT min(e.at) FROM ticket_events e WHERE e.ticket_id = s.id AND e.kind IN (${sql.join(
    kinds.map((k) => sql`${k}`),
    sql`, `,
  )})${also ? sql` AND ${also}` : sql``})`;

interface ScopeRow {
  status: TicketStatus;
  categoryId: number;
  rating: number | null;
  createdAt: number;
  dueAt: number | null;
  take: number | null;
  resolve: number | null;
  breach: number | null;
  escalations: number;
}

/**
 * The figures for a unit's subtree over tickets reported in [from, to): what reports, the API and monthly
 * reports show. Percentiles interpolate between the closest ranks (the median of 10 and 20 is 15).
 *
 * One pass: the subtree's units, each unit's tickets of the period by tickets_origin, and for each ticket
 * its first take, resolve and breach and its escalations for time, each a seek on
 * ticket_events(ticket_id, kind, at); the counts are tallied here from that one row per ticket.
 */
export function ticketNumbers(db: Db, unitId: number, from: Date, to: Date): TicketNumbers {
  const root = getUnit(db, unitId);
  // A 派单 counts as the take; a deliberate 上报 (data.manual) is not a missed deadline.
  const rows = db.all<ScopeRow>(sql`
    SELECT s.status AS status, s.category_id AS categoryId, s.rating AS rating, s.created_at AS createdAt, s.due_at AS dueAt,
      ${firstOf(['take', 'assign'])} AS take, ${firstOf(['resolve'])} AS resolve,
      ${firstOf(['escalate', 'overdue'], FOR_TIME)} AS breach,
      (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = s.id AND e.kind = 'escalate' AND ${FOR_TIME}) AS escalations
    FROM units u JOIN tickets s ON s.origin_unit_id = u.id
    WHERE ${inSubtree(sql`u.path`, root.path)} AND s.created_at >= ${from.getTime()} AND s.created_at < ${to.getTime()}`);
  const escalationRows = rows.some((r) => r.escalations > 0)
    ? db.all<{ kind: UnitKind; n: number }>(sql`
        SELECT eu.kind AS kind, count(*) AS n
        FROM units u JOIN tickets s ON s.origin_unit_id = u.id
          JOIN ticket_events e ON e.ticket_id = s.id AND e.kind = 'escalate' JOIN units eu ON eu.id = e.unit_id
        WHERE ${inSubtree(sql`u.path`, root.path)} AND s.created_at >= ${from.getTime()} AND s.created_at < ${to.getTime()} AND ${FOR_TIME}
        GROUP BY eu.kind`)
    : [];

  const byStatus = Object.fromEntries(TICKET_STATUSES.map((s) => [s, 0])) as Record<TicketStatus, number>;
  const perCategory = new Map<number, number>();
  const distribution = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  const openByAge = Object.fromEntries(AGE_BUCKETS.map((b) => [b, 0])) as Record<AgeBucket, number>;
  let unrated = 0;
  let resolved = 0;
  let within = 0;
  let overdue = 0;
  let escalatedTickets = 0;
  for (const row of rows) {
    byStatus[row.status]++;
    perCategory.set(row.categoryId, (perCategory.get(row.categoryId) ?? 0) + 1);
    if (row.rating !== null) distribution[row.rating as 1 | 2 | 3 | 4 | 5]++;
    else if (row.status === 'closed') unrated++;
    const active = row.status === 'open' || row.status === 'taken';
    if (active) openByAge[ageBucket(to.getTime() - row.createdAt)]++;
    if (row.escalations > 0) escalatedTickets++;
    if (row.resolve !== null) {
      resolved++;
      // Breached when a breach came at or before the first 办结.
      if (row.breach === null || row.breach > row.resolve) within++;
      // Overdue by `to`: a breach recorded before it, or a deadline past it the sweep has yet to act on.
    } else if ((row.breach !== null && row.breach < to.getTime()) || (active && row.dueAt !== null && row.dueAt < to.getTime())) {
      overdue++;
    }
  }
  const total = rows.length;
  const names = new Map(
    perCategory.size
      ? db
          .select({ id: ticketCategories.id, name: ticketCategories.name })
          .from(ticketCategories)
          .where(inArray(ticketCategories.id, [...perCategory.keys()]))
          .all()
          .map((c) => [c.id, c.name])
      : [],
  );
  const byCategory = [...perCategory]
    .map(([categoryId, count]) => ({ categoryId, name: names.get(categoryId)!, count }))
    .sort((a, b) => b.count - a.count || a.categoryId - b.categoryId);
  const rated = Object.values(distribution).reduce((a, b) => a + b, 0);
  const ratingSum = Object.entries(distribution).reduce((sum, [stars, n]) => sum + Number(stars) * n, 0);
  const decided = resolved + overdue;

  return {
    unitId,
    from,
    to,
    total,
    byStatus,
    byCategory,
    timeToTake: durations(rows.map((s) => (s.take === null ? null : s.take - s.createdAt))),
    timeToResolve: durations(rows.map((s) => (s.resolve === null ? null : s.resolve - s.createdAt))),
    withinSla: { resolved, within, overdue, share: decided ? within / decided : null },
    escalations: {
      total: escalationRows.reduce((a, r) => a + r.n, 0),
      tickets: escalatedTickets,
      byLevel: Object.fromEntries(escalationRows.map((r) => [r.kind, r.n])),
    },
    ratings: { rated, average: rated ? ratingSum / rated : null, distribution, unrated },
    openByAge,
  };
}

export function ageBucket(ms: number): AgeBucket {
  if (ms < HOUR) return 'under1h';
  if (ms < DAY) return 'under1d';
  if (ms < 3 * DAY) return 'under3d';
  if (ms < 7 * DAY) return 'under7d';
  return 'older';
}

function durations(values: (number | null)[]): Durations {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  return { count: sorted.length, medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9) };
}

/** The p-quantile of sorted values, interpolating linearly between the closest ranks; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}
