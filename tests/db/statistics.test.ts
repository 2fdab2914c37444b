import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/clock.js';
import { type Db, openDatabase } from '../../src/db/client.js';
import { freshDb } from '../helpers/db.js';
import { testServices } from '../helpers/services.js';
import { SMALL_STREET, seedStreet } from '../helpers/street.js';

const few = { ...SMALL_STREET, tickets: 100, transactions: 10, audit: 10, patrols: 10, members: 50 };

/** The rows sqlite_stat1 holds for the tickets table's indexes ("rows, rows per key…"); none before ANALYZE. */
function ticketStats(db: Db): Record<string, string> {
  const table = db.$client.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").get();
  if (!table) return {};
  const rows = db.$client.prepare("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'tickets'").all() as { idx: string; stat: string }[];
  return Object.fromEntries(rows.map((r) => [r.idx, r.stat]));
}

describe("the query planner's statistics", () => {
  it('are gathered when a store with data opens', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'linli-stats-')), 'linli.db');
    const first = openDatabase(file);
    seedStreet(first, few);
    expect(ticketStats(first)).toEqual({});
    first.$client.close();
    const again = openDatabase(file);
    expect(ticketStats(again).tickets_origin_id).toMatch(/^100 /);
    again.$client.close();
  });

  it('are gathered, and refreshed once a table has grown, by the housekeeping job', () => {
    const clock = new SimulatedClock(SMALL_STREET.end);
    const services = testServices({ clock, db: freshDb() });
    seedStreet(services.db, few);
    expect(ticketStats(services.db)).toEqual({});
    const housekeeping = () => {
      clock.advance(24 * 3_600_000);
      const outcome = services.jobs.run('housekeeping', clock.now(), 'manual');
      expect(outcome.status === 'ok' && outcome.run.outcome).toBe('ok');
    };
    housekeeping();
    expect(ticketStats(services.db).tickets_origin_id).toMatch(/^100 /);
    seedStreet(services.db, { ...few, tickets: 3000, seed: 15 });
    housekeeping();
    expect(ticketStats(services.db).tickets_origin_id).toMatch(/^3100 /);
    services.db.$client.close();
  });
});
