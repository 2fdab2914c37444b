import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { StoreError } from '../errors.js';
import * as schema from './schema/index.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface OpenOptions {
  /** FULL by default: a confirmed point or voucher must survive a power cut. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** How long a write waits for another connection's lock before it fails with SQLITE_BUSY (default 5 s). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the database file, sets the pragmas, checks it (quick_check, and that no newer
 * release has migrated it) and brings the schema up to date. A file that cannot be used is a StoreError
 * saying which and what to do.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file === ':memory:') return migrated(wrap(new Database(file), options), options);
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      throw new StoreError(file, `The database ${file} is a directory, not a file: set LINLI_DB (or --db) to a file path such as ${join(file, 'linli.db')}`);
    }
    mkdirSync(dirname(file), { recursive: true });
    const sqlite = new Database(file);
    try {
      const db = wrap(sqlite, options);
      const check = quickCheck(sqlite);
      if (check !== 'ok') throw new StoreError(file, damaged(file, `quick_check: ${check}`));
      refuseNewerSchema(sqlite, file);
      migrated(db, options);
      // A lock held by another process would otherwise first show as a failed write once Linli is up.
      probeWrite(sqlite);
      optimizeIfWritable(sqlite);
      return db;
    } catch (error) {
      sqlite.close();
      throw error;
    }
  } catch (error) {
    throw asStoreError(file, error);
  }
}

/** Opens an in-memory database from a serialized image (used by tests to skip re-running migrations). */
export function openDatabaseImage(image: Buffer, options: OpenOptions = {}): Db {
  return wrap(new Database(image), options);
}

function wrap(sqlite: Database.Database, options: OpenOptions): Db {
  reusePreparedStatements(sqlite);
  // First: switching a new file to WAL while another process opens it too must wait, not fail.
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  if (sqlite.name !== ':memory:' && !sqlite.memory) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  return drizzle({ client: sqlite, schema, casing: 'snake_case' });
}

function migrated(db: Db, options: OpenOptions): Db {
  if (options.migrate !== false) migrate(db.$client);
  return db;
}

/** Rows ANALYZE reads per index when statistics are refreshed: bounds the work on a store of any size. */
export const ANALYSIS_LIMIT = 1000;

/**
 * Refreshes the query planner's statistics (sqlite_stat1) where they are missing or a table has grown or
 * shrunk a lot since: SQLite's PRAGMA optimize, checking every table (0x10000) and running ANALYZE where
 * due (0x2), each ANALYZE sampling at most ANALYSIS_LIMIT rows per index, so it stays fast on a large
 * store. Run when the store opens and daily by the housekeeping job. Without statistics the planner
 * guessed, and picked ticket_events(kind, at) for a ticket's first take: a walk over every take.
 */
export function optimizeStore(sqlite: Database.Database): void {
  sqlite.pragma(`analysis_limit = ${ANALYSIS_LIMIT}`);
  sqlite.pragma('optimize = 0x10002');
}

/**
 * Statistics at open are an optimisation: a store on a full disk (or locked by a long writer) still opens
 * and answers reads and 503s; the housekeeping job refreshes them later.
 */
function optimizeIfWritable(sqlite: Database.Database): void {
  try {
    optimizeStore(sqlite);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(FULL|BUSY|LOCKED)/.test(code)) return;
    throw error;
  }
}

/**
 * SQLite's quick_check, stopping at the first fault: "ok", or what is wrong. It reads every page but skips
 * integrity_check's index-to-table cross-check, so it stays fast: about 0.15 s on a 50 MB database.
 */
export function quickCheck(sqlite: Database.Database): string {
  const found = String(sqlite.pragma('quick_check(1)', { simple: true }));
  // One line, for a start-up error or a health check: "Tree 18 page 18: btreeInitPage() returns error code 11".
  return found
    .replace(/\*\*\* in database \w+ \*\*\*/g, '')
    .trim()
    .replace(/\s*\n\s*/g, '; ');
}

/**
 * drizzle applies the migrations newer than the last one recorded, so on a database a newer release has
 * migrated it would apply nothing and run on a schema it does not know. Refused instead.
 */
function refuseNewerSchema(sqlite: Database.Database, file: string): void {
  const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return;
  const known = new Set(readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR }).map((m) => m.folderMillis));
  const applied = sqlite.prepare('SELECT created_at AS at FROM __drizzle_migrations').all() as { at: number | string }[];
  const unknown = applied.filter((m) => !known.has(Number(m.at))).length;
  if (unknown) {
    throw new StoreError(
      file,
      `The database ${file} was migrated by a newer release of Linli (${unknown} migration${unknown === 1 ? '' : 's'} this release does not know): run that release or a later one, or restore the backup taken before the upgrade`,
    );
  }
}

/**
 * Takes the write lock (waiting the busy timeout, as a real write would) and allocates a page, in a
 * transaction rolled back: nothing is written, but a lock held elsewhere is SQLITE_BUSY and a database at
 * its page limit SQLITE_FULL. A disk that fills up shows only when a commit reaches it.
 */
export function probeWrite(sqlite: Database.Database): void {
  if (sqlite.inTransaction) return;
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    sqlite.exec('CREATE TABLE linli_write_probe (x)');
  } finally {
    sqlite.exec('ROLLBACK');
  }
}

const damaged = (file: string, why: string) =>
  `The database ${file} is damaged (${why}): stop Linli and restore the latest backup (docs/operations.md, "Backup", then "Restore")`;

const WRITABLE = 'set LINLI_DB (or --db) to a file in a folder this user may write to';

/** What SQLite's refusal to open or write `file` means for whoever started Linli, and what to do about it. */
const SQLITE_ADVICE: Record<string, (file: string, why: string) => string> = {
  SQLITE_CANTOPEN: (file, why) => `The database ${file} cannot be opened or created (${why}): ${WRITABLE}`,
  SQLITE_READONLY: (file, why) =>
    `The database ${file} is read-only to this process (${why}): let this user write to it and its folder (SQLite adds -wal and -shm files beside it), or ${WRITABLE}`,
  SQLITE_PERM: (file, why) => `The database ${file} may not be written (${why}): ${WRITABLE}`,
  SQLITE_NOTADB: (file, why) =>
    `The database ${file} is not a SQLite database (${why}): set LINLI_DB (or --db) to Linli's database file, or move this file aside to start an empty one`,
  SQLITE_CORRUPT: damaged,
  SQLITE_FULL: (file, why) => `The database ${file} cannot be written: its disk is full (${why}); free space on that disk, then start again`,
  SQLITE_BUSY: (file, why) =>
    `The database ${file} is locked by another process (${why}): stop the other Linli or sqlite3 shell that holds it, then start again`,
  SQLITE_IOERR: (file, why) =>
    `The database ${file} could not be read or written (${why}): check its disk (free space, errors, a network mount gone away), then start again`,
};

/** Why a folder could not be made, for the codes a wrong path gives. */
const FOLDER_FAULT: Record<string, string> = {
  EEXIST: 'part of the path is a file, not a folder',
  ENOTDIR: 'part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'the disk is full',
};

/** A failure to open `file` as a StoreError with its one-line advice; an error of another kind, unchanged. */
function asStoreError(file: string, error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const sqlite = sqliteError(error);
  if (sqlite) {
    const primary = /^SQLITE_[A-Z]+/.exec(sqlite.code)?.[0] ?? sqlite.code;
    const advice = SQLITE_ADVICE[primary];
    return advice ? new StoreError(file, advice(file, sqlite.message), { cause: error }) : error;
  }
  const code = (error as NodeJS.ErrnoException).code;
  const fault = code && FOLDER_FAULT[code];
  if (fault)
    return new StoreError(file, `The database ${file} cannot be created: its folder ${dirname(file)} cannot be made (${fault}): ${WRITABLE}`, { cause: error });
  return error;
}

/** The SQLite error behind `error`, which drizzle wraps in its own query error. */
function sqliteError(error: unknown): InstanceType<typeof Database.SqliteError> | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof Database.SqliteError) return e;
  }
  return undefined;
}

/** The two ways a store refuses a write that waiting can cure: its lock held elsewhere, or no room. */
export type StoreTrouble = 'busy' | 'full';

/** Whether `error` is SQLite refusing a write for want of its lock (after the busy timeout) or of room. */
export function storeTrouble(error: unknown): StoreTrouble | undefined {
  const code = sqliteError(error)?.code;
  if (code?.startsWith('SQLITE_BUSY')) return 'busy';
  if (code === 'SQLITE_FULL') return 'full';
  return undefined;
}

/**
 * Applies the migrations not applied yet, as drizzle's migrator does (same journal, same table), but
 * decides which under the write lock: drizzle reads the last one applied before it takes the lock, so of
 * several processes starting on one new file, all but the first failed on tables that now existed.
 */
function migrate(sqlite: Database.Database): void {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR });
  sqlite
    .transaction(() => {
      // Word for word drizzle's, so a database keeps one schema whichever of the two created the table.
      sqlite.exec(
        'CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (\n\t\t\t\tid SERIAL PRIMARY KEY,\n\t\t\t\thash text NOT NULL,\n\t\t\t\tcreated_at numeric\n\t\t\t)',
      );
      const last = sqlite.prepare('SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at DESC LIMIT 1').get() as { created_at: number } | undefined;
      for (const migration of migrations) {
        if (last && Number(last.created_at) >= migration.folderMillis) continue;
        for (const statement of migration.sql) sqlite.exec(statement);
        sqlite.prepare('INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, ?)').run(migration.hash, migration.folderMillis);
      }
    })
    .immediate();
}

/**
 * drizzle prepares a statement for every query it runs; compiling SQL dominated a chat command's cost.
 * Statements are reused by their SQL text (a bounded cache), with their result mode reset on reuse since
 * drizzle switches statements into raw mode for some reads.
 */
function reusePreparedStatements(sqlite: Database.Database, limit = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      if (cached.reader) cached.raw(false).pluck(false).expand(false);
      return cached;
    }
    const statement = prepare(source);
    if (!cached) {
      if (cache.size >= limit) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}

/**
 * Runs `fn` in one write transaction (BEGIN IMMEDIATE, so two processes racing for the same row queue on
 * the write lock instead of failing half-way). Nested calls become savepoints. `fn` must be synchronous:
 * better-sqlite3 cannot keep a transaction open across an await.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  const run = db.$client.transaction(fn);
  return db.$client.inTransaction ? run() : run.immediate();
}

/**
 * Runs `fn` as inTransaction does, but its commit does not wait for the disk: for writes that may be lost
 * to a power cut, never to the process dying (a read's dedupe mark and answer, outbox bookkeeping). In WAL
 * mode at synchronous=NORMAL a commit is in the WAL file, in the operating system's hands, when it
 * returns, so it survives a crash or kill -9 of the process; only a power cut or kernel crash before the
 * next synced commit or checkpoint can lose it. (PostgreSQL: `SET LOCAL synchronous_commit = off`.)
 * Inside another transaction it is part of that one, and commits as that one does.
 */
export function inLightTransaction<T>(db: Db, fn: () => T): T {
  const sqlite = db.$client;
  if (sqlite.inTransaction) return inTransaction(db, fn);
  // SQLite refuses to change the level inside a transaction, so it is lowered around this one.
  const level = sqlite.pragma('synchronous', { simple: true }) as number;
  if (level <= SYNCHRONOUS_NORMAL) return inTransaction(db, fn);
  sqlite.pragma(`synchronous = ${SYNCHRONOUS_NORMAL}`);
  try {
    return inTransaction(db, fn);
  } finally {
    sqlite.pragma(`synchronous = ${level}`);
  }
}

const SYNCHRONOUS_NORMAL = 1;

export function schemaVersion(db: Db): { applied: number; latest: string | null } {
  const rows = db.$client.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at DESC').all() as { hash: string; created_at: number }[];
  return { applied: rows.length, latest: rows[0]?.hash ?? null };
}
