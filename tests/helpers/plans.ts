import type Database from 'better-sqlite3';
import type { Db } from '../../src/db/client.js';

/** A statement as the code ran it: its SQL and the values bound to it. */
export interface Ran {
  sql: string;
  params: unknown[];
}

const patched = new WeakSet<Database.Statement>();
let recording: Ran[] | null = null;

/**
 * Records every statement run on `db` until `stop()`, read off the connection's prepare (so what is checked
 * is the SQL the code builds, not a copy of it that could drift).
 */
export function recordStatements(db: Db): { ran: Ran[]; stop(): void } {
  const sqlite = db.$client;
  const prepare = sqlite.prepare;
  const ran: Ran[] = [];
  sqlite.prepare = ((source: string) => {
    const statement = prepare.call(sqlite, source) as Database.Statement;
    if (!patched.has(statement)) {
      patched.add(statement);
      for (const method of ['run', 'get', 'all', 'iterate'] as const) {
        const original = statement[method] as (...args: unknown[]) => unknown;
        (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
          recording?.push({ sql: source, params: args });
          return original.apply(statement, args);
        };
      }
    }
    return statement;
  }) as typeof sqlite.prepare;
  recording = ran;
  return {
    ran,
    stop() {
      recording = null;
      sqlite.prepare = prepare;
    },
  };
}

/** Runs `fn` (awaited) and returns every statement it ran on `db`. */
export async function statementsRun(db: Db, fn: () => unknown): Promise<Ran[]> {
  const recorder = recordStatements(db);
  try {
    await fn();
  } finally {
    recorder.stop();
  }
  return recorder.ran;
}

export interface PlanLine {
  id: number;
  parent: number;
  detail: string;
}

/** SQLite's EXPLAIN QUERY PLAN of a statement with its values bound. */
export function queryPlan(db: Db, ran: Ran): PlanLine[] {
  return db.$client.prepare(`EXPLAIN QUERY PLAN ${ran.sql}`).all(...(ran.params as unknown[])) as PlanLine[];
}

/** The plan as an indented outline, for messages and the performance record. */
export function outline(plan: PlanLine[]): string {
  const depth = new Map<number, number>([[0, 0]]);
  return plan
    .map((line) => {
      const d = (depth.get(line.parent) ?? 0) + 1;
      depth.set(line.id, d);
      return `${'  '.repeat(d - 1)}${line.detail}`;
    })
    .join('\n');
}

/** The tables a report, list or sweep must never read whole: they grow with every ticket, point and change. */
export const GROWING_TABLES = ['tickets', 'ticket_events', 'ledger_legs', 'audit_log'] as const;

/** Table names by the aliases the SQL gives them (`FROM tickets t`, `JOIN "ticket_events" e`). */
export function aliases(sqlText: string): Map<string, string> {
  const found = new Map<string, string>();
  const keyword = /^(where|on|join|left|inner|cross|outer|group|order|limit|using|natural|union|select|as|and|or)$/i;
  for (const m of sqlText.matchAll(/\b(?:from|join)\s+"?(\w+)"?(?:\s+(?:as\s+)?"?(\w+)"?)?/gi)) {
    const table = m[1]!;
    found.set(table, table);
    if (m[2] && !keyword.test(m[2])) found.set(m[2], table);
  }
  return found;
}

export interface Fault {
  detail: string;
  why: 'scan' | 'sort';
}

/**
 * What is wrong with a plan: a SCAN of a growing table (read whole, or walked row by row), and, for a query
 * over a subtree, a temp B-tree for ORDER BY (the whole subtree sorted to give one page).
 */
export function planFaults(ran: Ran, plan: PlanLine[], subtree: boolean): Fault[] {
  const names = aliases(ran.sql);
  const growing = (alias: string) => (GROWING_TABLES as readonly string[]).includes(names.get(alias) ?? alias);
  const faults: Fault[] = [];
  const readsGrowing = plan.some(({ detail }) => growing(/^(?:SCAN|SEARCH) (\S+)/.exec(detail)?.[1] ?? ''));
  // A page or a top-N (LIMIT) of a subtree must come off an index in order: a temp B-tree there sorts the
  // whole subtree to keep a few rows. (A list that returns all it sorts, like the backlog of 工单, and the
  // few rows a GROUP BY leaves, sort only what they return.)
  const rowsSorted = subtree && readsGrowing && /\blimit\b/i.test(ran.sql) && !/\bgroup\s+by\b/i.test(ran.sql);
  // Outside a subtree, a plain rowid walk ("SCAN audit_log", no index) under ORDER BY id DESC LIMIT with no
  // sort reads the newest rows and stops at the page: the whole-tree lists' first page.
  const newestFirst =
    !subtree && /order by\s+"?\w+"?\."?id"?\s+desc\s+limit\s+\?\s*$/i.test(ran.sql) && !plan.some((l) => l.detail.startsWith('USE TEMP B-TREE'));
  for (const { detail } of plan) {
    const scan = /^SCAN (\S+)/.exec(detail);
    if (scan && newestFirst && detail === scan[0]) continue;
    // A seek on ticket_events by kind alone walks every event of that kind: a scan in all but name.
    const byKindOnly = /^SEARCH (\S+) USING (?:COVERING )?INDEX \S+ \(kind=\?(?: AND at[<>=]+\?)*\)$/.exec(detail);
    if (byKindOnly && growing(byKindOnly[1]!)) faults.push({ detail, why: 'scan' });
    if (scan && growing(scan[1]!)) faults.push({ detail: `${detail} (${names.get(scan[1]!) ?? scan[1]})`, why: 'scan' });
    if (rowsSorted && /USE TEMP B-TREE FOR (?:LAST TERM OF |RIGHT-MOST TERM OF )?ORDER BY/.test(detail)) faults.push({ detail, why: 'sort' });
  }
  return faults;
}
