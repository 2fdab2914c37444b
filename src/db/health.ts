import type { Clock } from '../clock.js';
import { type Db, probeWrite, quickCheck, schemaVersion, type StoreTrouble, storeTrouble } from './client.js';

export interface StoreHealth {
  /** ok; busy or full when a write would be refused that way; error for anything else (a failed quick_check). */
  status: 'ok' | StoreTrouble | 'error';
  /** Migrations applied. */
  migrations?: number;
  /** PRAGMA quick_check: "ok", or its first fault. */
  quickCheck?: string;
  /** What SQLite said, when a query failed. */
  detail?: string;
}

/**
 * The database's health as /healthz reports it: it answers a read, its pages pass quick_check, and it
 * would take a write. quick_check reads every page (about 0.15 s on 50 MB, blocking the process), so a
 * public endpoint polled every few seconds runs it at most once per `quickCheckEveryMs` and reports the
 * last result in between.
 */
export function storeHealthCheck(db: Db, clock: Clock, quickCheckEveryMs = 60_000): () => StoreHealth {
  let checked: { at: number; result: string } | undefined;
  return () => {
    const health: StoreHealth = { status: 'ok' };
    try {
      health.migrations = schemaVersion(db).applied;
      const now = clock.now().getTime();
      if (!checked || now - checked.at >= quickCheckEveryMs) checked = { at: now, result: quickCheck(db.$client) };
      health.quickCheck = checked.result;
      if (checked.result !== 'ok') return { ...health, status: 'error' };
      probeWrite(db.$client);
      return health;
    } catch (error) {
      return { ...health, status: storeTrouble(error) ?? 'error', detail: (error as Error).message };
    }
  };
}
