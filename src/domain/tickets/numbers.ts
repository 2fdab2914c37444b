import { sql } from 'drizzle-orm';
import { DAY, HOUR } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { TICKET_STATUSES, type TicketStatus, type UnitKind } from '../../db/schema/index.js';
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

/**
 * The figures for a unit's subtree over tickets reported in [from, to): what reports, the API and monthly
 * reports show. Percentiles interpolate between the closest ranks (the median of 10 and 20 is 15).
 */
export function ticketNumbers(db: Db, unitId: number, from: Date, to: Date): TicketNumbers {
  const root = getUnit(db, unitId);
  // The tickets in scope, as a CTE every query below starts from.
  const scope = sql`WITH scope AS (
    SELECT t.* FROM tickets t JOIN units u ON u.id = t.origin_unit_id
    WHERE ${inSubtree(sql`u.path`, root.path)} AND t.created_at >= ${from.getTime()} AND t.created_at < ${to.getTime()}
  )`;

  const byStatus = Object.fromEntries(TICKET_STATUSES.map((s) => [s, 0])) as Record<TicketStatus, number>;
  for (const row of db.all<{ status: TicketStatus; n: number }>(sql`${scope} SELECT status, count(*) AS n FROM scope GROUP BY status`)) {
    byStatus[row.status] = row.n;
  }
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);

  const byCategory = db.all<{ categoryId: number; name: string; count: number }>(sql`${scope}
    SELECT c.id AS categoryId, c.name AS name, count(*) AS count FROM scope s JOIN ticket_categories c ON c.id = s.category_id
    GROUP BY c.id ORDER BY count DESC, c.id`);

  const firstOf = (...kinds: string[]) =>
    sql`(SELECT min(e.at) FROM ticket_events e WHERE e.ticket_id = s.id AND e.kind IN (${sql.join(
      kinds.map((k) => sql`${k}`),
      sql`, `,
    )}))`;
  // A 派单 counts as the take; a deliberate 上报 (data.manual) is not a missed deadline.
  // Overdue by `to`: a breach recorded before it, or a deadline past it the sweep has yet to act on.
  const spans = db.all<{ take: number | null; resolve: number | null; breached: number; overdue: number }>(sql`${scope}
    SELECT ${firstOf('take', 'assign')} - s.created_at AS take, ${firstOf('resolve')} - s.created_at AS resolve,
      EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = s.id AND e.kind IN ('escalate', 'overdue')
        AND ${FOR_TIME} AND e.at <= coalesce(${firstOf('resolve')}, e.at)) AS breached,
      (EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = s.id AND e.kind IN ('escalate', 'overdue')
        AND ${FOR_TIME} AND e.at < ${to.getTime()})
        OR (s.status IN ('open', 'taken') AND s.due_at < ${to.getTime()})) AS overdue
    FROM scope s`);
  const resolved = spans.filter((s) => s.resolve !== null);
  const within = resolved.filter((s) => !s.breached).length;
  const overdue = spans.filter((s) => s.resolve === null && s.overdue).length;
  const decided = resolved.length + overdue;

  const escalationRows = db.all<{ kind: UnitKind; n: number; tickets: number }>(sql`${scope}
    SELECT u.kind AS kind, count(*) AS n, count(DISTINCT e.ticket_id) AS tickets
    FROM ticket_events e JOIN scope s ON s.id = e.ticket_id JOIN units u ON u.id = e.unit_id
    WHERE e.kind = 'escalate' AND ${FOR_TIME} GROUP BY u.kind`);
  const escalatedTickets = db.get<{ n: number }>(sql`${scope}
    SELECT count(DISTINCT e.ticket_id) AS n FROM ticket_events e JOIN scope s ON s.id = e.ticket_id WHERE e.kind = 'escalate' AND ${FOR_TIME}`);

  const distribution = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  for (const row of db.all<{ rating: 1 | 2 | 3 | 4 | 5; n: number }>(sql`${scope}
    SELECT rating, count(*) AS n FROM scope WHERE rating IS NOT NULL GROUP BY rating`)) {
    distribution[row.rating] = row.n;
  }
  const rated = Object.values(distribution).reduce((a, b) => a + b, 0);
  const ratingSum = Object.entries(distribution).reduce((sum, [stars, n]) => sum + Number(stars) * n, 0);
  const unrated = db.get<{ n: number }>(sql`${scope} SELECT count(*) AS n FROM scope WHERE status = 'closed' AND rating IS NULL`)?.n ?? 0;

  const openByAge = Object.fromEntries(AGE_BUCKETS.map((b) => [b, 0])) as Record<AgeBucket, number>;
  for (const row of db.all<{ createdAt: number }>(sql`${scope}
    SELECT created_at AS createdAt FROM scope WHERE status IN ('open', 'taken')`)) {
    openByAge[ageBucket(to.getTime() - row.createdAt)]++;
  }

  return {
    unitId,
    from,
    to,
    total,
    byStatus,
    byCategory,
    timeToTake: durations(spans.map((s) => s.take)),
    timeToResolve: durations(spans.map((s) => s.resolve)),
    withinSla: { resolved: resolved.length, within, overdue, share: decided ? within / decided : null },
    escalations: {
      total: escalationRows.reduce((a, r) => a + r.n, 0),
      tickets: escalatedTickets?.n ?? 0,
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
