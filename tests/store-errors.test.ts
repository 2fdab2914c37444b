import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { StoreError } from '../src/errors.js';
import { ROOT, type Ran } from './helpers/spawn.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'linli-store-'));

/** A database this release made, with the root page of its units table overwritten. */
function damagedDatabase(): string {
  const file = join(tmp(), 'linli.db');
  const db = openDatabase(file);
  const root = db.$client.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'units'").pluck().get() as number;
  const pageSize = db.$client.pragma('page_size', { simple: true }) as number;
  db.$client.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (root - 1) * pageSize);
  closeSync(fd);
  return file;
}

/** A database a later release has migrated: two migrations recorded that this release does not have. */
function newerDatabase(): string {
  const file = join(tmp(), 'linli.db');
  const db = openDatabase(file);
  const last = Number(db.$client.prepare('SELECT max(created_at) FROM __drizzle_migrations').pluck().get());
  const record = db.$client.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)');
  record.run('from-a-later-release-1', last + 1000);
  record.run('from-a-later-release-2', last + 2000);
  db.$client.close();
  return file;
}

const locks: Database.Database[] = [];
afterAll(() => {
  for (const lock of locks) lock.close();
});

/** A database whose write lock another connection holds, as a sqlite3 shell in a transaction would. */
function lockedDatabase(): string {
  const file = join(tmp(), 'linli.db');
  openDatabase(file).$client.close();
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  locks.push(other);
  return file;
}

function randomBytesFile(): string {
  const file = join(tmp(), 'linli.db');
  writeFileSync(file, randomBytes(64 * 1024));
  return file;
}

function directory(): string {
  const dir = join(tmp(), 'data');
  mkdirSync(dir);
  return dir;
}

/** A path whose parent is a regular file: no folder can be made for it, even by root. */
function underAFile(): string {
  const file = join(tmp(), 'not-a-folder');
  writeFileSync(file, 'x');
  return join(file, 'linli.db');
}

/**
 * Runs an entry point as `npm start` / `npm run chat` do. An entry point that starts despite the bad
 * database is stopped after a while, so the test fails on its exit status instead of hanging.
 */
function run(script: string, args: string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, LINLI_LOG_LEVEL: 'warn', PORT: '0', LINLI_SEED: 'off', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const stop = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(stop);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end('');
  });
}

const cases: [string, () => string, RegExp][] = [
  ['a directory', directory, /is a directory, not a file: set LINLI_DB .* to a file path such as .*linli\.db$/],
  [
    'a path under a read-only file system',
    () => '/proc/linli-test.db',
    /cannot be opened or created .*: set LINLI_DB .* to a file in a folder this user may write to$/,
  ],
  ['a path whose parent is a file', underAFile, /cannot be created: its folder .* cannot be made \(part of the path is a file, not a folder\): set LINLI_DB/],
  ['a file of random bytes', randomBytesFile, /is not a SQLite database .*: set LINLI_DB .* to Linli's database file, or move this file aside/],
  ['a database with a damaged page', damagedDatabase, /is damaged \(quick_check: .*page.*\): stop Linli and restore the latest backup/],
  [
    'a database from a newer release',
    newerDatabase,
    /was migrated by a newer release of Linli \(2 migrations this release does not know\): run that release or a later one, or restore/,
  ],
  [
    'a database locked by another process',
    lockedDatabase,
    /is locked by another process .*: stop the other Linli or sqlite3 shell that holds it, then start again$/,
  ],
];

describe('openDatabase given a file it cannot use', () => {
  it.each(cases)('given %s, throws a StoreError naming the file and what to do', (_, make, says) => {
    const file = make();
    const thrown = (() => {
      try {
        // A short busy timeout: the locked database would make it wait 5 s.
        openDatabase(file, { busyTimeoutMs: 50 }).$client.close();
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as StoreError).file).toBe(file);
    expect((thrown as StoreError).message).toMatch(says);
    expect((thrown as StoreError).message).not.toContain('\n');
  });
});

// Each entry point is spawned as `npm start` / `npm run chat` spawn it, one at a time: a few seconds each.
describe.each([
  ['npm start', 'src/main.ts', [] as string[], cases],
  // The shell chat maps the same error: one case of each kind (the path, the file, the schema) is enough.
  [
    'npm run chat',
    'bots/shell/cli.ts',
    ['--jsonl'],
    cases.filter(([what]) => ['a directory', 'a file of random bytes', 'a database from a newer release'].includes(what)),
  ],
])('%s with a database it cannot use', (_, script, args, table) => {
  it.each(table)(
    'given %s, says in one line which file and what to do, and exits 1',
    async (_, make, says) => {
      const file = make();
      const ran = await run(script, args, { LINLI_DB: file });
      expect(ran.code).toBe(1);
      const lines = ran.stderr.trim().split('\n');
      expect(lines, ran.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`The database ${file} `);
      expect(lines[0]).toMatch(says);
      expect(ran.stdout).toBe('');
    },
    60_000,
  );
});
