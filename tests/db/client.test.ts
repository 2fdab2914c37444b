import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { type Db, inTransaction, MIGRATIONS_DIR, openDatabase, schemaVersion } from '../../src/db/client.js';
import { auditLog, units } from '../../src/db/schema/index.js';
import { freshDb } from '../helpers/db.js';

describe('database', () => {
  it('creates the directory, uses WAL, foreign keys, a busy timeout and synchronous=FULL', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'linli-db-')), 'nested', 'linli.db');
    const db = openDatabase(file);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(2);
    db.$client.close();
  });

  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
  const all = journal.entries.length;

  const schemaOf = (db: Db) => db.$client.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();

  /** A database as an older release left it: only the first `count` migrations, from a trimmed copy of the folder. */
  function olderDatabase(file: string, count: number): void {
    const folder = mkdtempSync(join(tmpdir(), 'linli-migrations-'));
    cpSync(MIGRATIONS_DIR, folder, { recursive: true });
    writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }));
    const sqlite = new Database(file);
    migrate(drizzle({ client: sqlite }), { migrationsFolder: folder });
    // Data the later migrations must carry over.
    sqlite.prepare("INSERT INTO units (kind, name, path, depth, created_at) VALUES ('street', '沈家门街道', '/1/', 0, ?)").run(Date.now());
    sqlite.close();
  }

  it.each([1, Math.ceil(all / 2), all - 1])('upgrades in place a database left with %i migrations applied, keeping its data', (count) => {
    const file = join(mkdtempSync(join(tmpdir(), 'linli-db-')), 'linli.db');
    olderDatabase(file, count);
    const db = openDatabase(file);
    try {
      expect(schemaVersion(db).applied).toBe(all);
      const applied = db.$client.prepare('SELECT created_at AS at FROM __drizzle_migrations ORDER BY id').all() as { at: number }[];
      expect(applied.map((m) => Number(m.at))).toEqual(journal.entries.map((e) => e.when));
      expect(db.select().from(units).all()).toMatchObject([{ name: '沈家门街道', path: '/1/' }]);
      // and its schema is a fresh database's, to the last index and trigger
      expect(schemaOf(db)).toEqual(schemaOf(freshDb()));
    } finally {
      db.$client.close();
    }
  });

  it('keeps the audit log append-only', () => {
    const db = freshDb();
    db.insert(auditLog).values({ at: new Date(), actorKind: 'system', actorId: 'test', action: 'x', targetType: 't', targetId: '1' }).run();
    expect(() => db.update(auditLog).set({ action: 'rewritten' }).run()).toThrow(/append-only/);
    expect(() => db.delete(auditLog).run()).toThrow(/append-only/);
  });

  it('rolls a failed transaction back whole, and nested ones to their savepoint', () => {
    const db = freshDb();
    const add = (name: string) => db.insert(units).values({ kind: 'street', name, path: '/', depth: 0, createdAt: new Date() }).run();
    expect(() =>
      inTransaction(db, () => {
        add('a');
        throw new Error('no');
      }),
    ).toThrow('no');
    inTransaction(db, () => {
      add('b');
      try {
        inTransaction(db, () => {
          add('c');
          throw new Error('inner');
        });
      } catch {
        /* the outer transaction goes on */
      }
    });
    expect(
      db
        .select()
        .from(units)
        .all()
        .map((u) => u.name),
    ).toEqual(['b']);
  });
});
