import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { placeholderFor, preparedPerDb, preparedPerShape } from '../../src/db/prepared.js';
import { auditLog, tickets } from '../../src/db/schema/index.js';
import { audit } from '../../src/domain/audit.js';
import { demoServices } from '../helpers/services.js';
import { freshDb } from '../helpers/db.js';

describe('prepared queries', () => {
  it('are made once for each database, on first use', () => {
    let built = 0;
    const query = preparedPerDb((db) => {
      built++;
      return db.select({ n: sql<number>`count(*)` }).from(tickets).prepare();
    });
    const [a, b] = [freshDb(), freshDb()];
    expect(query(a)).toBe(query(a));
    expect(query(b)).not.toBe(query(a));
    expect(built).toBe(2);
    const shaped = preparedPerShape((db, n: number) => ({ db, n }));
    expect(shaped(a, 2)).toBe(shaped(a, 2));
    expect(shaped(a, 3)).not.toBe(shaped(a, 2));
  });

  it('store null as NULL and a value the way its column does', () => {
    const { services } = demoServices();
    const ctx = { ...services.deps, actor: { kind: 'system', job: 'test' } } as const;
    audit(ctx, 'test.none', { type: 'test', id: 1 });
    audit(ctx, 'test.some', { type: 'test', id: 2 }, { a: 1 });
    const rows = services.db.$client.prepare("SELECT action, data, typeof(at) AS at FROM audit_log WHERE action LIKE 'test.%' ORDER BY id").all();
    expect(rows).toEqual([
      { action: 'test.none', data: null, at: 'integer' },
      { action: 'test.some', data: '{"a":1}', at: 'integer' },
    ]);
    const since = preparedPerDb((db) =>
      db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(sql`${auditLog.at} >= ${placeholderFor('since', auditLog.at)} and ${auditLog.action} like 'test.%'`)
        .prepare(),
    );
    expect(since(services.db).all({ since: services.clock.now() })).toHaveLength(2);
    expect(since(services.db).all({ since: new Date(services.clock.now().getTime() + 1) })).toHaveLength(0);
  });
});
