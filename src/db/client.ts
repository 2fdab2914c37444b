import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
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
  // First: switching a new file to WAL while another process opens it too must wait, not fail.
  sqlite.pragma('busy_timeout = 5000');
  if (sqlite.name !== ':memory:' && !sqlite.memory) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  const db = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  if (options.migrate !== false) migrate(sqlite);
  return db;
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

export function schemaVersion(db: Db): { applied: number; latest: string | null } {
  const rows = db.$client.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at DESC').all() as { hash: string; created_at: number }[];
  return { applied: rows.length, latest: rows[0]?.hash ?? null };
}
