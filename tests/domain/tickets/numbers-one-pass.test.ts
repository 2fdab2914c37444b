import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DAY } from '../../../src/clock.js';
import type { Db } from '../../../src/db/client.js';
import { TICKET_STATUSES, type TicketStatus, type UnitKind } from '../../../src/db/schema/index.js';
import { inSubtree } from '../../../src/domain/org/subtree.js';
import { getUnit } from '../../../src/domain/org/units.js';
import { AGE_BUCKETS, type AgeBucket, ageBucket, percentile, type TicketNumbers, ticketNumbers } from '../../../src/domain/tickets/numbers.js';
import { freshDb } from '../../helpers/db.js';
import { SMALL_STREET, seedStreet } from '../../helpers/street.js';

/*
 * ticketNumbers as it was before it became one pass over the scope (correlated min(at) subqueries and a
 * query per figure), kept word for word: the new one must give the same figures on a varied street.
 */
/** An escalation the SLA caused, not a deliberate 上报. */
const FOR_TIME = sql`json_extract(e.data, '$.manual') IS NULL`;

/**
 * The figures for a unit's subtree over tickets reported in [from, to): what reports, the API and monthly
 * reports show. Percentiles interpolate between the closest ranks (the median of 10 and 20 is 15).
 */
function ticketNumbersBefore(db: Db, unitId: number, from: Date, to: Date): TicketNumbers {
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

function durations(values: (number | null)[]) {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  return { count: sorted.length, medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9) };
}

describe('ticket numbers in one pass', () => {
  const db = freshDb();
  const street = seedStreet(db, { ...SMALL_STREET, tickets: 1500, transactions: 10, audit: 10, patrols: 10 });
  const end = SMALL_STREET.end.getTime();
  const periods = [
    ['the whole time', new Date(end - 200 * DAY), new Date(end + DAY)],
    ['a month', new Date(end - 45 * DAY), new Date(end - 15 * DAY)],
    ['the last two days', new Date(end - 2 * DAY), new Date(end)],
    ['a day with nothing', new Date(end + 10 * DAY), new Date(end + 11 * DAY)],
  ] as const;
  const units = [
    ['the street', street.streetId],
    ...street.communityIds.map((id, i) => [`community ${i + 1}`, id] as const),
    ...street.gridIds.slice(0, 4).map((id, i) => [`grid ${i + 1}`, id] as const),
  ] as const;

  it.each(periods)('give the figures they gave before, over %s', (_, from, to) => {
    let tickets = 0;
    for (const [, unitId] of units) {
      const now = ticketNumbers(db, unitId, from, to);
      expect(now).toEqual(ticketNumbersBefore(db, unitId, from, to));
      tickets += now.total;
    }
    // The data set reaches every branch: escalations, breaches, ratings, open tickets.
    if (tickets > 0) {
      const all = ticketNumbers(db, street.streetId, from, to);
      if (all.total > 500) {
        expect(all.escalations.total).toBeGreaterThan(0);
        expect(all.withinSla.overdue).toBeGreaterThan(0);
        expect(all.withinSla.within).toBeLessThan(all.withinSla.resolved);
        expect(all.ratings.unrated).toBeGreaterThan(0);
        expect(Object.keys(all.escalations.byLevel).length).toBeGreaterThan(1);
      }
    }
  });
});
