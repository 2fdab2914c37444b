import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface OpenOptions {
  /** FULL by default: a confirmed point or voucher must survive a power cut. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

/** Opens (creating if needed) the database file, sets the pragmas and brings the schema up to date. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return wrap(new Database(file), options);
}

/** Opens an in-memory database from a serialized image (used by tests to skip re-running migrations). */
export function openDatabaseImage(image: Buffer, options: OpenOptions = {}): Db {
  return wrap(new Database(image), { ...options, migrate: false });
}

function wrap(sqlite: Database.Database, options: OpenOptions): Db {
  reusePreparedStatements(sqlite);
  if (sqlite.name !== ':memory:' && !sqlite.memory) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  const db = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return db;
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

export function schemaVersion(db: Db): { applied: number; latest: string | null } {
  const rows = db.$client.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at DESC').all() as { hash: string; created_at: number }[];
  return { applied: rows.length, latest: rows[0]?.hash ?? null };
}
