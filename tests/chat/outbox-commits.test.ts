import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutboxDispatcher, type Transport } from '../../src/chat/outbox.js';
import { SimulatedClock } from '../../src/clock.js';
import { type Db, openDatabase } from '../../src/db/client.js';
import { outbox } from '../../src/db/schema/index.js';
import { silentLogger } from '../../src/log.js';
import { countCommits } from '../helpers/commits.js';
import { START } from '../helpers/services.js';

function fileDb(): Db {
  return openDatabase(join(mkdtempSync(join(tmpdir(), 'linli-outbox-commits-')), 'linli.db'));
}

function put(db: Db, clock: SimulatedClock, roomId: string, text: string) {
  db.insert(outbox).values({ platform: 'test', roomId, text, nextAttemptAt: clock.now(), createdAt: clock.now() }).run();
}

/** A transport whose each send takes a second (a lease renewed at the same instant would write nothing). */
const recorder = (clock: SimulatedClock) => {
  const sent: string[] = [];
  const transport: Transport = {
    platform: 'test',
    send: async (_room, m) => {
      clock.advance(1000);
      sent.push(m.text);
    },
  };
  return { sent, transport };
};

describe('outbox bookkeeping', () => {
  it('claims a batch in one commit, renews no fresh claim, and marks the rooms sending together in one commit', async () => {
    const db = fileDb();
    const clock = new SimulatedClock(START);
    // Four rooms of three rows each: a broadcast's rooms, and a room with a few notices in a row.
    for (const room of ['a', 'b', 'c', 'd']) for (const n of [1, 2, 3]) put(db, clock, room, `${room}${n}`);
    const commits = countCommits(db);
    const { sent, transport } = recorder(clock);
    const dispatcher = new OutboxDispatcher({ db, clock, log: silentLogger });
    dispatcher.register(transport);
    expect(await dispatcher.drain()).toBe(12);
    expect(sent).toHaveLength(12);
    // One claim, then one mark for each round of the rooms' sends: three rows a room, three marks.
    // (Renewing and marking each row on its own took 24 here: the first renewals, at the claim's instant, write nothing.)
    expect(commits.total).toBe(4);
    // Leases and marks do not wait for the disk.
    expect(commits.synced).toBe(0);
    expect(
      db
        .select()
        .from(outbox)
        .all()
        .every((r) => r.status === 'sent' && r.attempts === 1 && r.lockedUntil === null && r.sentAt !== null),
    ).toBe(true);
    db.$client.close();
  });

  it('after a crash in the middle of a room, sends again only the row that was on its way and those after it', async () => {
    const db = fileDb();
    const clock = new SimulatedClock(START);
    for (const n of [1, 2, 3, 4]) put(db, clock, 'r', `r${n}`);
    put(db, clock, 'other', 'o1');
    const printed: string[] = [];
    // The process dies while r3 is on its way (it may have got there): nothing after that is written.
    const dying = new OutboxDispatcher({ db, clock, log: silentLogger });
    dying.register({
      platform: 'test',
      send: (_room, m) => {
        printed.push(m.text);
        return m.text === 'r3' ? new Promise<void>(() => {}) : Promise.resolve();
      },
    });
    void dying.tick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(printed).toEqual(['r1', 'o1', 'r2', 'r3']);
    const status = () =>
      Object.fromEntries(
        db
          .select()
          .from(outbox)
          .all()
          .map((r) => [r.text, r.status]),
      );
    expect(status()).toEqual({ r1: 'sent', r2: 'sent', o1: 'sent', r3: 'pending', r4: 'pending' });

    clock.advance(60_000); // its leases run out
    const next = recorder(clock);
    const after = new OutboxDispatcher({ db, clock, log: silentLogger });
    after.register(next.transport);
    expect(await after.drain()).toBe(2);
    expect(next.sent).toEqual(['r3', 'r4']);
    db.$client.close();
  });
});
