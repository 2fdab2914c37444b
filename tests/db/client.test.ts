import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inTransaction, openDatabase, schemaVersion } from '../../src/db/client.js';
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

  it('upgrades an existing database in place and keeps its data', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'linli-db-')), 'linli.db');
    const first = openDatabase(file);
    first.insert(units).values({ kind: 'street', name: '沈家门街道', path: '/1/', depth: 0, createdAt: new Date() }).run();
    const applied = schemaVersion(first).applied;
    first.$client.close();
    const second = openDatabase(file);
    expect(schemaVersion(second).applied).toBe(applied);
    expect(second.select().from(units).all()).toHaveLength(1);
    second.$client.close();
  });

  it('keeps the audit log append-only', () => {
    const db = freshDb();
    db.insert(auditLog).values({ at: new Date(), actorKind: 'system', actorId: 'test', action: 'x', targetType: 't', targetId: '1' }).run();
    expect(() => db.update(auditLog).set({ action: 'rewritten' }).run()).toThrow(/append-only/);
    expect(() => db.delete(auditLog).run()).toThrow(/append-only/);
  });

  it('rolls a failed transaction back whole, and nested ones to their savepoint', () => {
    const db = freshDb();
    const add = (name: string) =>
      db.insert(units).values({ kind: 'street', name, path: '/', depth: 0, createdAt: new Date() }).run();
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
    expect(db.select().from(units).all().map((u) => u.name)).toEqual(['b']);
  });
});
