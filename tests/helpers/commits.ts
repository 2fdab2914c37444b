import { readFileSync } from 'node:fs';
import type { Db } from '../../src/db/client.js';

/** Commits counted in a database file's WAL, by whether they waited for the disk. */
export interface Commits {
  /** Commits made at synchronous=FULL (or EXTRA): each one an fsync of the WAL. */
  readonly synced: number;
  /** Commits made at synchronous=NORMAL or lower: written to the WAL, not synced. */
  readonly unsynced: number;
  readonly total: number;
  /** Starts counting from here. */
  reset(): void;
}

/**
 * Counts the commits a file database's connection makes, by reading the commit frames SQLite appends to
 * the WAL, and attributes each to the synchronous level in effect when it was made. The level changes only
 * through `pragma('synchronous = …')`, so the frames are counted at each such change. Checkpoints are
 * turned off, so the WAL only grows while counting.
 */
export function countCommits(db: Db): Commits {
  const sqlite = db.$client;
  const wal = `${sqlite.name}-wal`;
  const pragma = sqlite.pragma.bind(sqlite);
  pragma('wal_autocheckpoint = 0');
  const counted = { synced: 0, unsynced: 0 };
  let seen = commitFrames(wal);
  const settle = () => {
    const now = commitFrames(wal);
    const level = pragma('synchronous', { simple: true }) as number;
    counted[level >= 2 ? 'synced' : 'unsynced'] += now - seen;
    seen = now;
  };
  sqlite.pragma = ((source: string, options?: { simple?: boolean }) => {
    if (/^\s*synchronous\s*=/i.test(source)) settle();
    return pragma(source, options);
  }) as typeof sqlite.pragma;
  return {
    get synced() {
      settle();
      return counted.synced;
    },
    get unsynced() {
      settle();
      return counted.unsynced;
    },
    get total() {
      settle();
      return counted.synced + counted.unsynced;
    },
    reset() {
      settle();
      counted.synced = 0;
      counted.unsynced = 0;
    },
  };
}

/** Commit frames of the WAL's current generation (frames whose salt matches the header's). */
export function commitFrames(wal: string): number {
  let bytes: Buffer;
  try {
    bytes = readFileSync(wal);
  } catch {
    return 0;
  }
  if (bytes.length < 32) return 0;
  const pageSize = bytes.readUInt32BE(8);
  const salt = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= bytes.length; at += 24 + pageSize) {
    if (bytes.readUInt32BE(at + 8) !== salt[0] || bytes.readUInt32BE(at + 12) !== salt[1]) break;
    if (bytes.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}
