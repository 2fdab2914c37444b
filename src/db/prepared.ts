import { type Column, Param, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { Db } from './client.js';

/**
 * A query drizzle builds once per database, then runs with new values: on the hot paths building a
 * query's SQL from its builder cost more than running it. `build` returns drizzle's prepared query
 * (`.prepare()` over `sql.placeholder()`s), which the SQLite and the PostgreSQL drivers both offer; it is
 * made on first use, for each database (tests open many).
 */
export function preparedPerDb<T>(build: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let query = made.get(db);
    if (query === undefined) {
      query = build(db);
      made.set(db, query);
    }
    return query;
  };
}

/**
 * A placeholder that stores its value the way `column` does (a Date in a timestamp column, an object in a
 * JSON one), and null as NULL. In a where clause a bare `sql.placeholder()` passes the value to the driver
 * as it is; in an insert's values drizzle encodes it, but null too, which a JSON column would store as the
 * text 'null' and a timestamp column cannot take.
 */
export const placeholderFor = (name: string, column: Column): SQL =>
  sql`${new Param(sql.placeholder(name), { mapToDriverValue: (value: unknown) => (value === null ? null : column.mapToDriverValue(value)) })}`;

/**
 * Like preparedPerDb, for a query whose SQL depends on a small key: an IN list of n placeholders is one
 * query for each n. The keys must be few (the depth of the tree, say), as each keeps its statement.
 */
export function preparedPerShape<K, T>(build: (db: Db, key: K) => T): (db: Db, key: K) => T {
  const made = preparedPerDb(() => new Map<K, T>());
  return (db, key) => {
    const forDb = made(db);
    let query = forDb.get(key);
    if (query === undefined) {
      query = build(db, key);
      forDb.set(key, query);
    }
    return query;
  };
}

/** Placeholders `${name}0` … for an IN list of n values, and the values to fill them with. */
export const listPlaceholders = (name: string, n: number) => Array.from({ length: n }, (_, i) => sql.placeholder(`${name}${i}`));
export const listValues = (name: string, values: readonly unknown[]) => Object.fromEntries(values.map((v, i) => [`${name}${i}`, v]));

// SQLite (as better-sqlite3 builds it, with STAT4) plans some statements around the values bound to them: a
// statement whose LIMIT or LIKE pattern is a bare placeholder is prepared again each time it runs with a
// new binding, which costs more than the query. So a fixed LIMIT is written into the SQL and a varying
// one is an expression of its placeholder, which SQLite does not look into; both mean the same in PostgreSQL.

/** LIMIT n written into the statement (drizzle's `.limit(n)` binds n as a parameter). */
export const fixedLimit = (n: number): number => sql.raw(String(Math.trunc(n))) as unknown as number;

/** LIMIT from a placeholder, as an expression SQLite does not re-plan for. */
export const limitPlaceholder = (name: string): Placeholder => sql`(${sql.placeholder(name)} + 0)` as unknown as Placeholder;
