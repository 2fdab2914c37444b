import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import { type Db, inLightTransaction } from '../db/client.js';
import { outbox } from '../db/schema/index.js';
import type { Logger } from '../log.js';
import type { OutMessage } from './types.js';

export type OutboxRow = typeof outbox.$inferSelect;

/** What an adapter offers the dispatcher: a way to send to one of its rooms. */
export interface Transport {
  platform: string;
  send(roomId: string, message: OutMessage): Promise<void>;
}

export interface DispatcherOptions {
  /** How often to look for due rows when running on a timer. */
  intervalMs?: number;
  /** Attempts before a row is given up as failed. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, up to an hour. */
  backoffMs?: number;
  /**
   * How long a claim lasts unless renewed. Short, so rows claimed by a dispatcher that died (or failed to
   * write) go to another one soon; a send under way renews its row's claim every `renewMs` however long
   * it is paced, and a row whose claim is older than `renewMs` when its turn comes is renewed first.
   */
  lockMs?: number;
  /** How often a row being sent has its claim renewed (default: a third of `lockMs`). */
  renewMs?: number;
  batchSize?: number;
}

const MAX_BACKOFF_MS = 60 * 60_000;

const roomKey = (row: { platform: string; roomId: string }) => `${row.platform}\u0000${row.roomId}`;

/** The row still holds the lease this dispatcher gave it. */
const ours = (row: OutboxRow) => (row.lockedUntil ? eq(outbox.lockedUntil, row.lockedUntil) : isNull(outbox.lockedUntil));

/**
 * Delivers outbox rows through the transport of their platform. Rows of one room go out in order, one at
 * a time; rooms go in parallel and independently, so a slow room delays only itself. A failure is retried with backoff and recorded; a delivered row is marked
 * sent and never picked again, across restarts. Claims are leased, so two processes never send one row.
 */
export class OutboxDispatcher {
  readonly #transports = new Map<string, Transport>();
  readonly #options: Required<DispatcherOptions>;
  #timer: NodeJS.Timeout | undefined;
  /** Each room's deliveries under way, by platform and room. */
  readonly #busy = new Map<string, Promise<number>>();
  #stopped = false;
  /** Rows sent and waiting to be marked, with the rooms waiting on that. */
  readonly #sent: { id: number; marked: () => void; failed: (error: unknown) => void }[] = [];

  constructor(
    private readonly deps: { db: Db; clock: Clock; log: Logger },
    options: DispatcherOptions = {},
  ) {
    this.#options = {
      intervalMs: options.intervalMs ?? 1000,
      maxAttempts: options.maxAttempts ?? 8,
      backoffMs: options.backoffMs ?? 5000,
      lockMs: options.lockMs ?? 60_000,
      renewMs: options.renewMs ?? (options.lockMs ?? 60_000) / 3,
      batchSize: options.batchSize ?? 100,
    };
  }

  register(transport: Transport): void {
    this.#transports.set(transport.platform, transport);
  }

  unregister(platform: string): void {
    this.#transports.delete(platform);
  }

  get platforms(): string[] {
    return [...this.#transports.keys()];
  }

  start(): void {
    this.#stopped = false;
    // The loop does not wait for deliveries: a room paced for minutes (a WeChat broadcast) must not hold
    // up the rows of other rooms and platforms that fall due meanwhile.
    const loop = () => {
      if (this.#stopped) return;
      void this.tick();
      this.#timer = setTimeout(loop, this.#options.intervalMs);
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** Stops the timer and waits for sends under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#idle();
  }

  /**
   * Starts delivering the rows due now, each room on its own; resolves with how many of them were sent.
   * A room still delivering from an earlier tick is not claimed, so one room has one worker at a time.
   */
  tick(): Promise<number> {
    let rows: OutboxRow[];
    try {
      rows = this.#claim();
    } catch (error) {
      // The database busy past its timeout, say: logged and tried again next tick. It must never stop the
      // timer loop or surface as an unhandled rejection.
      this.deps.log.error('outbox dispatch failed; will try again', { error });
      return Promise.resolve(0);
    }
    const byRoom = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const queue = byRoom.get(roomKey(row));
      if (queue) queue.push(row);
      else byRoom.set(roomKey(row), [row]);
    }
    const work = [...byRoom].map(([key, queue]) => {
      const room = this.#deliverRoom(queue)
        .catch((error) => {
          this.deps.log.error('outbox dispatch failed; will try again', { room: queue[0]!.roomId, error });
          return 0;
        })
        .finally(() => this.#busy.delete(key));
      this.#busy.set(key, room);
      return room;
    });
    return Promise.all(work).then((counts) => counts.reduce((a, b) => a + b, 0));
  }

  /** Delivers until nothing is due (the shell chat and tests use it after each step). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      await this.#idle();
      const sent = await this.tick();
      total += sent;
      if (sent === 0 && !this.#busy.size) return total;
    }
  }

  async #idle(): Promise<void> {
    while (this.#busy.size) await Promise.all(this.#busy.values());
  }

  /**
   * One room's rows, in order, one at a time; what follows a failure waits for it. A row's lease is
   * renewed before it is sent when the claim is no longer fresh (a room's later rows wait behind earlier
   * sends), and while its send waits, as a paced room can hold rows longer than a lease lasts; while it is
   * renewed, no other dispatcher takes the room's later rows either. A row whose lease lapsed and was taken
   * by another dispatcher is theirs, and so is the rest of the room.
   */
  async #deliverRoom(queue: OutboxRow[]): Promise<number> {
    let sent = 0;
    for (const [i, claimed] of queue.entries()) {
      let row: OutboxRow | undefined;
      try {
        row = this.#fresh(claimed) ? claimed : this.#renew(claimed);
      } catch (error) {
        // The database busy past its timeout: what is left goes back, or its short lease runs out.
        this.#releaseQuietly(queue.slice(i));
        throw error;
      }
      if (!row) {
        this.#releaseQuietly(queue.slice(i + 1));
        break;
      }
      if (await this.#deliver(row)) sent++;
      else {
        this.#releaseQuietly(queue.slice(i + 1));
        break;
      }
    }
    return sent;
  }

  /** Keeps renewing a row's lease while `sending` is under way. */
  async #holding<T>(row: OutboxRow, sending: Promise<T>): Promise<T> {
    let held: OutboxRow | undefined = row;
    const renew = setInterval(() => {
      try {
        held = held && this.#renew(held);
      } catch (error) {
        this.deps.log.warn('could not renew an outbox lease; will try again', { id: row.id, error });
      }
    }, this.#options.renewMs);
    renew.unref();
    try {
      return await sending;
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * Claimed or renewed less than `renewMs` ago: the lease has most of its time left, and no other
   * dispatcher can have taken the row, so it goes out without renewing (one commit fewer a row).
   */
  #fresh(row: OutboxRow): boolean {
    const left = (row.lockedUntil?.getTime() ?? 0) - this.deps.clock.now().getTime();
    return left > this.#options.lockMs - this.#options.renewMs;
  }

  /** Extends a row's lease if it is still pending and still ours; undefined when it is not. */
  #renew(row: OutboxRow): OutboxRow | undefined {
    const lockedUntil = new Date(this.deps.clock.now().getTime() + this.#options.lockMs);
    const { db } = this.deps;
    // Leases, marks and failures are committed without waiting for the disk (see docs/architecture.md).
    return inLightTransaction(db, () =>
      db
        .update(outbox)
        .set({ lockedUntil })
        .where(and(eq(outbox.id, row.id), eq(outbox.status, 'pending'), ours(row)))
        .returning()
        .get(),
    );
  }

  /** Leases the due rows of registered platforms, skipping rooms whose earlier rows are still waiting. */
  #claim(): OutboxRow[] {
    const platforms = this.platforms;
    if (!platforms.length) return [];
    const now = this.deps.clock.now();
    const lockUntil = new Date(now.getTime() + this.#options.lockMs);
    const { db } = this.deps;
    return inLightTransaction(db, () => {
      const due = db
        .select({ id: outbox.id, platform: outbox.platform, roomId: outbox.roomId })
        .from(outbox)
        .where(
          and(
            eq(outbox.status, 'pending'),
            inArray(outbox.platform, platforms),
            lte(outbox.nextAttemptAt, now),
            or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, now)),
            sql`NOT EXISTS (SELECT 1 FROM outbox AS earlier WHERE earlier.platform = ${outbox.platform}
              AND earlier.room_id = ${outbox.roomId} AND earlier.status = 'pending' AND earlier.id < ${outbox.id}
              AND (earlier.next_attempt_at > ${now.getTime()} OR earlier.locked_until > ${now.getTime()}))`,
          ),
        )
        .orderBy(asc(outbox.id))
        .limit(this.#options.batchSize)
        .all()
        // A room still delivering here gets its new rows when it is done, behind what it holds.
        .filter((r) => !this.#busy.has(roomKey(r)))
        .map((r) => r.id);
      if (!due.length) return [];
      return db
        .update(outbox)
        .set({ lockedUntil: lockUntil })
        .where(inArray(outbox.id, due))
        .returning()
        .all()
        .sort((a, b) => a.id - b.id);
    });
  }

  /** Gives claimed rows back; one that cannot be given back now is free once its lease runs out. */
  #releaseQuietly(rows: OutboxRow[]) {
    if (!rows.length) return;
    const { db } = this.deps;
    try {
      inLightTransaction(db, () => {
        for (const row of rows) {
          db.update(outbox)
            .set({ lockedUntil: null })
            .where(and(eq(outbox.id, row.id), ours(row)))
            .run();
        }
      });
    } catch (error) {
      this.deps.log.warn('could not release outbox rows; their leases will run out', { error });
    }
  }

  /**
   * Marks a sent row, together with the rows other rooms finish sending meanwhile (one commit for a
   * broadcast's rooms instead of one each); resolves once the mark is committed. The room waits for it
   * before its next send, so a crash leaves at most one sent row a room unmarked, to be sent again.
   */
  #markSent(row: OutboxRow): Promise<void> {
    return new Promise((marked, failed) => {
      this.#sent.push({ id: row.id, marked, failed });
      if (this.#sent.length === 1) setImmediate(() => this.#flushMarks());
    });
  }

  #flushMarks(): void {
    const batch = this.#sent.splice(0);
    const { db } = this.deps;
    try {
      inLightTransaction(db, () =>
        db
          .update(outbox)
          .set({ status: 'sent', sentAt: this.deps.clock.now(), attempts: sql`${outbox.attempts} + 1`, lockedUntil: null, lastError: null })
          .where(
            inArray(
              outbox.id,
              batch.map((b) => b.id),
            ),
          )
          .run(),
      );
    } catch (error) {
      for (const b of batch) b.failed(error);
      return;
    }
    for (const b of batch) b.marked();
  }

  async #deliver(row: OutboxRow): Promise<boolean> {
    const transport = this.#transports.get(row.platform);
    const message: OutMessage = {
      text: row.text,
      ...(row.buttons ? { buttons: row.buttons } : {}),
      ...(row.mentionUserId ? { mentionUserId: row.mentionUserId } : {}),
      ...(row.images?.length ? { images: row.images } : {}),
    };
    try {
      if (!transport) throw new Error(`no transport for ${row.platform}`);
      await this.#holding(row, transport.send(row.roomId, message));
      await this.#markSent(row);
      return true;
    } catch (error) {
      const attempts = row.attempts + 1;
      const failed = attempts >= this.#options.maxAttempts;
      const delay = Math.min(this.#options.backoffMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
      const reason = error instanceof Error ? error.message : String(error);
      const { db } = this.deps;
      inLightTransaction(db, () =>
        db
          .update(outbox)
          .set({
            attempts,
            lastError: reason.slice(0, 500),
            lockedUntil: null,
            status: failed ? 'failed' : 'pending',
            nextAttemptAt: new Date(this.deps.clock.now().getTime() + delay),
          })
          .where(eq(outbox.id, row.id))
          .run(),
      );
      this.deps.log[failed ? 'error' : 'warn']('outbox delivery failed', {
        id: row.id,
        platform: row.platform,
        room: row.roomId,
        attempts,
        gaveUp: failed,
        error: reason,
      });
      return false;
    }
  }
}
