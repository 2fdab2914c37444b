import { type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { units } from '../../db/schema/index.js';

/**
 * The one rule for "at or below a unit": a unit's materialised path ("/1/2/5/") starts with the path of
 * every unit above it. The rule is said here once, in SQL and in code, for the API's scope, the lists and
 * the numbers of reports alike.
 */

/** A path as a subtree prefix: it ends with '/', so "/1/2" cannot reach "/1/23/". */
const asPrefix = (path: string): string => (path.endsWith('/') ? path : `${path}/`);

/**
 * SQL: the path column is `rootPath` or lies below it. Written as the range [prefix, prefix with its final
 * '/' raised to '0') and not as LIKE 'prefix%': SQLite's LIKE folds case, so it cannot search the path's
 * (binary) index and scans every unit; the range is the same set of paths, found by the index.
 */
export function inSubtree(pathColumn: SQLiteColumn | SQL, rootPath: string): SQL {
  const prefix = asPrefix(rootPath);
  const end = `${prefix.slice(0, -1)}0`;
  return sql`(${pathColumn} >= ${prefix} AND ${pathColumn} < ${end})`;
}

/** SQL: the unit-id column names a unit at or below `rootPath`. */
export function unitInSubtree(unitIdColumn: SQLiteColumn | SQL, rootPath: string): SQL {
  return sql`${unitIdColumn} IN (SELECT ${units.id} FROM ${units} WHERE ${inSubtree(units.path, rootPath)})`;
}

/** The same rule in code, for units already loaded: `path` is `rootPath` or lies below it. */
export function isInSubtree(path: string, rootPath: string): boolean {
  return asPrefix(path).startsWith(asPrefix(rootPath));
}
