import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from '../../src/clock.js';
import { OutboxDispatcher, type Transport } from '../../src/chat/outbox.js';
import { openDatabase } from '../../src/db/client.js';
import { outbox } from '../../src/db/schema/index.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { freshDb } from '../helpers/db.js';
import { START } from '../helpers/services.js';

function put(db: ReturnType<typeof freshDb>, clock: SimulatedClock, roomId: string, text: string) {
  db.insert(outbox).values({ platform: 'test', roomId, text, nextAttemptAt: clock.now(), createdAt: clock.now() }).run();
}

function recorder(fail: (room: string, text: string) => boolean = () => false) {
  const sent: [string, string][] = [];
  const transport: Transport = {
    platform: 'test',
    async send(room, message) {
      if (fail(room, message.text)) throw new Error(`cannot reach ${room}`);
      sent.push([room, message.text]);
    },
  };
  return { sent, transport };
}

describe('outbox dispatcher', () => {
  it('delivers pending rows in order per room and marks them sent', async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    for (const t of ['a1', 'a2', 'a3']) put(db, clock, 'a', t);
    put(db, clock, 'b', 'b1');
    const { sent, transport } = recorder();
    const dispatcher = new OutboxDispatcher({ db, clock, log: silentLogger });
    dispatcher.register(transport);
    expect(await dispatcher.drain()).toBe(4);
    expect(sent.filter(([r]) => r === 'a').map(([, t]) => t)).toEqual(['a1', 'a2', 'a3']);
    expect(
      db
        .select()
        .from(outbox)
        .all()
        .every((r) => r.status === 'sent' && r.sentAt !== null),
    ).toBe(true);
    expect(await dispatcher.drain()).toBe(0);
    expect(sent).toHaveLength(4);
  });

  it('retries a failure with growing backoff, holds later rows of that room, and gives up after the limit', async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    put(db, clock, 'down', 'first');
    put(db, clock, 'down', 'second');
    put(db, clock, 'up', 'other room');
    let failing = true;
    const { sent, transport } = recorder((room) => room === 'down' && failing);
    const dispatcher = new OutboxDispatcher({ db, clock, log: silentLogger }, { backoffMs: 1000, maxAttempts: 3 });
    dispatcher.register(transport);
    await dispatcher.drain();
    expect(sent).toEqual([['up', 'other room']]);
    const [first] = db.select().from(outbox).all();
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastError: 'cannot reach down' });
    expect(first!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(1000);

    await dispatcher.drain(); // not due yet
    expect(sent).toHaveLength(1);
    clock.advance(1000);
    await dispatcher.drain();
    expect(db.select().from(outbox).all()[0]).toMatchObject({ attempts: 2 });
    expect(db.select().from(outbox).all()[0]!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(2000);

    failing = false;
    clock.advance(2000);
    await dispatcher.drain();
    expect(sent.slice(1)).toEqual([
      ['down', 'first'],
      ['down', 'second'],
    ]);
  });

  it('marks a row failed once the attempts run out', async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    put(db, clock, 'down', 'doomed');
    const { transport } = recorder(() => true);
    const dispatcher = new OutboxDispatcher({ db, clock, log: silentLogger }, { backoffMs: 10, maxAttempts: 2 });
    dispatcher.register(transport);
    await dispatcher.drain();
    clock.advance(10);
    await dispatcher.drain();
    clock.advance(1000);
    await dispatcher.drain();
    expect(db.select().from(outbox).get()).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('never sends a delivered row again after a restart, and sends what was left', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'linli-outbox-')), 'linli.db');
    const clock = new SimulatedClock(START);
    const first = openDatabase(file);
    put(first, clock, 'r', 'before');
    const one = recorder();
    const d1 = new OutboxDispatcher({ db: first, clock, log: silentLogger });
    d1.register(one.transport);
    await d1.drain();
    put(first, clock, 'r', 'queued while down');
    first.$client.close();

    const second = openDatabase(file);
    const two = recorder();
    const d2 = new OutboxDispatcher({ db: second, clock, log: silentLogger });
    d2.register(two.transport);
    await d2.drain();
    expect(one.sent).toEqual([['r', 'before']]);
    expect(two.sent).toEqual([['r', 'queued while down']]);
    second.$client.close();
  });

  it('leaves rows claimed by another dispatcher alone until the lease runs out', async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    put(db, clock, 'r', 'once');
    const crashed = new OutboxDispatcher({ db, clock, log: silentLogger }, { lockMs: 60_000 });
    let release!: () => void;
    crashed.register({ platform: 'test', send: () => new Promise<void>((r) => (release = r)) });
    const stuck = crashed.tick();
    const other = recorder();
    const d2 = new OutboxDispatcher({ db, clock, log: silentLogger });
    d2.register(other.transport);
    await d2.drain();
    expect(other.sent).toEqual([]);
    release();
    await stuck;
    expect(db.select().from(outbox).get()?.status).toBe('sent');
  });

  it('only claims rows of platforms it can send to', async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    db.insert(outbox).values({ platform: 'wechat', roomId: 'x', text: 'hi', nextAttemptAt: clock.now(), createdAt: clock.now() }).run();
    const dispatcher = new OutboxDispatcher({ db, clock, log: silentLogger });
    dispatcher.register(recorder().transport);
    expect(await dispatcher.drain()).toBe(0);
    expect(db.select().from(outbox).get()).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('logs a failing tick and delivers on the next one, without a rejected promise', async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    put(db, clock, 'a', 'after the outage');
    const lines: string[] = [];
    const dispatcher = new OutboxDispatcher({ db, clock, log: createLogger('error', (l) => void lines.push(l)) });
    dispatcher.register(recorder().transport);
    // The outbox table is briefly unreadable (renamed away), as a locked or damaged database would be.
    db.$client.exec('ALTER TABLE outbox RENAME TO outbox_away');
    await expect(dispatcher.tick()).resolves.toBe(0);
    expect(lines.join('\n')).toMatch(/outbox dispatch failed; will try again/);
    db.$client.exec('ALTER TABLE outbox_away RENAME TO outbox');
    await expect(dispatcher.tick()).resolves.toBe(1);
    expect(db.select().from(outbox).get()).toMatchObject({ status: 'sent' });
  });

  it("does not hold one room's rows behind another room that is slow to send", async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sent: string[] = [];
    const dispatcher = new OutboxDispatcher({ db, clock, log: silentLogger });
    dispatcher.register({ platform: 'wechat', send: async (_room, m) => held.then(() => void sent.push(m.text)) });
    dispatcher.register(recorder().transport);
    db.insert(outbox).values({ platform: 'wechat', roomId: 'broadcast', text: '停水通知', nextAttemptAt: clock.now(), createdAt: clock.now() }).run();
    const slow = dispatcher.tick();
    put(db, clock, 'a', '电梯困人，请速到');
    expect(await dispatcher.tick()).toBe(1);
    expect(sent).toEqual([]);
    release();
    expect(await slow).toBe(1);
    expect(sent).toEqual(['停水通知']);
  });

  it('never sends a row twice when a room holds its rows longer than their lease', async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const sent: string[] = [];
    const dispatcher = new OutboxDispatcher({ db, clock, log: silentLogger });
    dispatcher.register({ platform: 'test', send: async (_room, m) => gate.then(() => void sent.push(m.text)) });
    for (const room of ['a', 'b', 'c']) put(db, clock, room, room);
    const first = dispatcher.tick();
    clock.advance(11 * 60_000); // the leases run out while the sends wait
    expect(await dispatcher.tick()).toBe(0);
    open();
    expect(await first).toBe(3);
    expect(await dispatcher.drain()).toBe(0);
    expect(sent.sort()).toEqual(['a', 'b', 'c']);
  });

  it('leaves the rest of a room to the dispatcher that took it over after a lapsed lease', async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const sent: string[] = [];
    const slow = new OutboxDispatcher({ db, clock, log: silentLogger });
    slow.register({ platform: 'test', send: async (_room, m) => gate.then(() => void sent.push(`slow ${m.text}`)) });
    const other = new OutboxDispatcher({ db, clock, log: silentLogger });
    other.register({ platform: 'test', send: async (_room, m) => void sent.push(`other ${m.text}`) });
    put(db, clock, 'a', 'a1');
    put(db, clock, 'a', 'a2');
    const stuck = slow.tick();
    clock.advance(11 * 60_000);
    expect(await other.tick()).toBe(2);
    open();
    await stuck;
    // a1 was already on its way when its lease lapsed; a2 went once, by the dispatcher that held it.
    expect(sent.filter((s) => s.endsWith('a2'))).toEqual(['other a2']);
  });

  it('delivers the rows a dead dispatcher had claimed within one lease, in order', async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    put(db, clock, 'r', 'r1');
    put(db, clock, 'r', 'r2');
    // Claims both rows, then never sends nor renews: the process was killed.
    const dead = new OutboxDispatcher({ db, clock, log: silentLogger }, { renewMs: 3_600_000 });
    dead.register({ platform: 'test', send: () => new Promise<void>(() => {}) });
    void dead.tick();
    expect(
      db
        .select()
        .from(outbox)
        .all()
        .every((r) => r.lockedUntil !== null),
    ).toBe(true);
    const other = recorder();
    const next = new OutboxDispatcher({ db, clock, log: silentLogger });
    next.register(other.transport);
    expect(await next.drain()).toBe(0);
    clock.advance(60_000);
    expect(await next.drain()).toBe(2);
    expect(other.sent).toEqual([
      ['r', 'r1'],
      ['r', 'r2'],
    ]);
  });

  it('renews the lease of a row while its paced send waits, so no one else sends it or the rows behind it', async () => {
    const db = freshDb();
    const clock = new SimulatedClock(START);
    put(db, clock, 'r', 'r1');
    put(db, clock, 'r', 'r2');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const sent: string[] = [];
    const paced = new OutboxDispatcher({ db, clock, log: silentLogger }, { lockMs: 60_000, renewMs: 5 });
    paced.register({ platform: 'test', send: async (_room, m) => gate.then(() => void sent.push(`paced ${m.text}`)) });
    const other = new OutboxDispatcher({ db, clock, log: silentLogger });
    other.register({ platform: 'test', send: async (_room, m) => void sent.push(`other ${m.text}`) });
    const first = paced.tick();
    const leaseOf = () => db.select().from(outbox).all()[0]!.lockedUntil!.getTime();
    for (let i = 0; i < 3; i++) {
      const before = leaseOf();
      clock.advance(50_000);
      await vi.waitFor(() => expect(leaseOf()).toBeGreaterThan(before + 40_000));
      expect(await other.tick()).toBe(0);
    }
    open();
    await first;
    await paced.drain();
    expect(sent).toEqual(['paced r1', 'paced r2']);
  });
});
