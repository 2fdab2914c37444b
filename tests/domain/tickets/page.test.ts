import { and, desc, eq, gte, inArray, lt } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DAY } from '../../../src/clock.js';
import { tickets, units } from '../../../src/db/schema/index.js';
import { inSubtree } from '../../../src/domain/org/subtree.js';
import { getUnit } from '../../../src/domain/org/units.js';
import { type TicketPageQuery, ticketPageIds } from '../../../src/domain/tickets/listing.js';
import { freshDb } from '../../helpers/db.js';
import { SMALL_STREET, seedStreet } from '../../helpers/street.js';

describe('a page of tickets in a subtree', () => {
  // 150 grids: more units than one statement asks about.
  const db = freshDb();
  const street = seedStreet(db, { ...SMALL_STREET, communities: 5, gridsPerCommunity: 30, tickets: 2500, transactions: 10, audit: 10, patrols: 10 });
  const end = SMALL_STREET.end;

  /** The page as one plain query would give it: the subtree's tickets, filtered, newest first. */
  function plainly(q: TicketPageQuery): number[] {
    const scope = q.rootPath === null ? undefined : db.select({ id: units.id }).from(units).where(inSubtree(units.path, q.rootPath));
    return db
      .select({ id: tickets.id })
      .from(tickets)
      .where(
        and(
          scope ? inArray(tickets.originUnitId, scope) : undefined,
          q.status !== undefined ? eq(tickets.status, q.status) : undefined,
          q.categoryId !== undefined ? eq(tickets.categoryId, q.categoryId) : undefined,
          q.from !== undefined ? gte(tickets.createdAt, q.from) : undefined,
          q.to !== undefined ? lt(tickets.createdAt, q.to) : undefined,
          q.beforeId !== undefined ? lt(tickets.id, q.beforeId) : undefined,
        ),
      )
      .orderBy(desc(tickets.id))
      .limit(q.limit)
      .all()
      .map((r) => r.id);
  }

  const path = (id: number) => getUnit(db, id).path;
  it.each([
    ['the whole tree', () => ({ rootPath: null, limit: 30 })],
    ['the street', () => ({ rootPath: path(street.streetId), limit: 50 })],
    ['the street, open only, deep', () => ({ rootPath: path(street.streetId), status: 'open' as const, beforeId: 1200, limit: 20 })],
    [
      'a community, one category, a month',
      () => ({
        rootPath: path(street.communityIds[1]!),
        categoryId: 2,
        from: new Date(end.getTime() - 60 * DAY),
        to: new Date(end.getTime() - 30 * DAY),
        limit: 10,
      }),
    ],
    ['a grid', () => ({ rootPath: path(street.gridIds[7]!), limit: 5 })],
    ['a grid, past its last page', () => ({ rootPath: path(street.gridIds[7]!), beforeId: 3, limit: 5 })],
  ] as const)('%s: the same ids as one plain query', (_, query) => {
    const q: TicketPageQuery = query();
    const ids = ticketPageIds(db, q);
    expect(ids).toEqual(plainly(q));
    if (!q.beforeId || q.beforeId > 10) expect(ids.length).toBeGreaterThan(0);
  });

  it('pages through a community with no repeat and no gap', () => {
    const rootPath = path(street.communityIds[0]!);
    const seen: number[] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = ticketPageIds(db, { rootPath, limit: 40, ...(beforeId !== undefined ? { beforeId } : {}) });
      seen.push(...page);
      if (page.length < 40) break;
      beforeId = page[page.length - 1];
    }
    expect(seen).toEqual(plainly({ rootPath, limit: 100_000 }));
  });
});
