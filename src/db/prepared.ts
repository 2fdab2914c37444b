import { type Column, Param, sql } from 'drizzle-orm';
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
 * A placeholder that stores its value the way `column` does: a Date in a timestamp column, a boolean in a
 * flag. A bare `sql.placeholder()` passes the value to the driver as it is.
 */
export const placeholderFor = (name: string, column: Column) => new Param(sql.placeholder(name), column);
