import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
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
  /** How long a claimed row stays claimed; longer than any paced send can wait. */
  lockMs?: number;
  batchSize?: number;
}

const MAX_BACKOFF_MS = 60 * 60_000;

/**
 * Delivers outbox rows through the transport of their platform. Rows of one room go out in order, one at
 * a time; rooms go in parallel. A failure is retried with backoff and recorded; a delivered row is marked
 * sent and never picked again, across restarts. Claims are leased, so two processes never send one row.
 */
export class OutboxDispatcher {
  readonly #transports = new Map<string, Transport>();
  readonly #options: Required<DispatcherOptions>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;

  constructor(
    private readonly deps: { db: Db; clock: Clock; log: Logger },
    options: DispatcherOptions = {},
  ) {
    this.#options = {
      intervalMs: options.intervalMs ?? 1000,
      maxAttempts: options.maxAttempts ?? 8,
      backoffMs: options.backoffMs ?? 5000,
      lockMs: options.lockMs ?? 10 * 60_000,
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
    const loop = async () => {
      if (this.#stopped) return;
      await this.tick();
      if (!this.#stopped) this.#timer = setTimeout(loop, this.#options.intervalMs);
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** Stops the timer and waits for sends under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  /** Delivers the rows due now; resolves with how many were sent. Never runs twice at once. */
  tick(): Promise<number> {
    if (this.#running) return this.#running;
    // A failure here (the database busy past its timeout, say) is logged and tried again next tick: it must
    // never stop the timer loop or surface as an unhandled rejection.
    this.#running = this.#deliverDue()
      .catch((error) => {
        this.deps.log.error('outbox dispatch failed; will try again', { error });
        return 0;
      })
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  /** Delivers until nothing is due (the shell chat and tests use it after each step). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      await this.#running;
      const sent = await this.tick();
      total += sent;
      if (sent === 0) return total;
    }
  }

  async #deliverDue(): Promise<number> {
    const rows = this.#claim();
    if (!rows.length) return 0;
    const byRoom = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key = `${row.platform}\u0000${row.roomId}`;
      byRoom.set(key, [...(byRoom.get(key) ?? []), row]);
    }
    let sent = 0;
    await Promise.all(
      [...byRoom.values()].map(async (queue) => {
        for (const [i, row] of queue.entries()) {
          const ok = await this.#deliver(row);
          if (ok) sent++;
          else {
            // Keep the room's order: what follows a failure waits for it.
            this.#release(queue.slice(i + 1));
            return;
          }
        }
      }),
    );
    return sent;
  }

  /** Leases the due rows of registered platforms, skipping rooms whose earlier rows are still waiting. */
  #claim(): OutboxRow[] {
    const platforms = this.platforms;
    if (!platforms.length) return [];
    const now = this.deps.clock.now();
    const lockUntil = new Date(now.getTime() + this.#options.lockMs);
    const { db } = this.deps;
    return db.$client.transaction(() => {
      const due = db
        .select({ id: outbox.id })
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
        .map((r) => r.id);
      if (!due.length) return [];
      return db
        .update(outbox)
        .set({ lockedUntil: lockUntil })
        .where(inArray(outbox.id, due))
        .returning()
        .all()
        .sort((a, b) => a.id - b.id);
    }).immediate();
  }

  #release(rows: OutboxRow[]) {
    if (!rows.length) return;
    this.deps.db
      .update(outbox)
      .set({ lockedUntil: null })
      .where(inArray(outbox.id, rows.map((r) => r.id)))
      .run();
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
      await transport.send(row.roomId, message);
      this.deps.db
        .update(outbox)
        .set({ status: 'sent', sentAt: this.deps.clock.now(), attempts: row.attempts + 1, lockedUntil: null, lastError: null })
        .where(eq(outbox.id, row.id))
        .run();
      return true;
    } catch (error) {
      const attempts = row.attempts + 1;
      const failed = attempts >= this.#options.maxAttempts;
      const delay = Math.min(this.#options.backoffMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.db
        .update(outbox)
        .set({
          attempts,
          lastError: reason.slice(0, 500),
          lockedUntil: null,
          status: failed ? 'failed' : 'pending',
          nextAttemptAt: new Date(this.deps.clock.now().getTime() + delay),
        })
        .where(eq(outbox.id, row.id))
        .run();
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
