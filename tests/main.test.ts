import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../src/log.js';
import { TEST_TOKEN } from './helpers/telegram-updates.js';
import { startLinli, startOptionsFromArgs } from '../src/main.js';
import { ROOT, runScript } from './helpers/spawn.js';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'linli-main-')), 'linli.db');

describe('startLinli', () => {
  it('serves /healthz with the version and database status, then stops', async () => {
    const running = await startLinli({ db: tmpDb(), port: 0, seed: true, env: {}, log: silentLogger, announce: () => {} });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${running.url}/healthz`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { database: { migrations: number } };
      expect(body).toMatchObject({ status: 'ok', version: '0.1.0', database: { status: 'ok' } });
      expect(body.database.migrations).toBeGreaterThan(0);
    } finally {
      await running.stop();
    }
  });

  it('creates a first admin token and shows it once, when none is set or stored', async () => {
    const db = tmpDb();
    const shown: string[] = [];
    const first = await startLinli({ db, port: 0, seed: true, env: {}, log: silentLogger, announce: (t) => void shown.push(t) });
    try {
      expect(first.firstToken).toMatch(/^linli_/);
      expect(shown).toHaveLength(1);
      expect(shown[0]).toContain('ADMIN API TOKEN (shown once)');
      expect(shown[0]).toContain(first.firstToken);
      const units = await fetch(`${first.url}/api/v1/units`, { headers: { authorization: `Bearer ${first.firstToken}` } });
      expect(units.status).toBe(200);
    } finally {
      await first.stop();
    }
    const again = await startLinli({ db, port: 0, env: {}, log: silentLogger, announce: (t) => void shown.push(t) });
    await again.stop();
    expect(again.firstToken).toBeUndefined();
    expect(shown).toHaveLength(1);
  });

  it('creates no token when LINLI_ADMIN_TOKEN is set', async () => {
    const shown: string[] = [];
    const adminToken = 'a-root-token-of-at-least-32-characters!';
    const running = await startLinli({ db: tmpDb(), port: 0, env: { LINLI_ADMIN_TOKEN: adminToken }, log: silentLogger, announce: (t) => void shown.push(t) });
    try {
      expect(running.firstToken).toBeUndefined();
      expect(shown).toEqual([]);
      const jobs = await fetch(`${running.url}/api/v1/jobs`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(jobs.status).toBe(200);
    } finally {
      await running.stop();
    }
  });

  it.each([
    ['this machine only by default', {}, false],
    ['every address when HOST is 0.0.0.0', { HOST: '0.0.0.0' }, true],
  ])('listens on %s', async (_, env, reachable) => {
    const running = await startLinli({ db: tmpDb(), port: 0, env, log: silentLogger, announce: () => {} });
    try {
      const port = new URL(running.url!).port;
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      // another loopback address: reached only through a server listening on every address
      const other = await fetch(`http://127.0.0.2:${port}/healthz`).then(
        (r) => r.status,
        () => 'refused',
      );
      expect(other).toBe(reachable ? 200 : 'refused');
    } finally {
      await running.stop();
    }
  });

  it('runs without an HTTP server when port is false', async () => {
    const running = await startLinli({ db: tmpDb(), port: false, env: {}, log: silentLogger });
    expect(running.url).toBeNull();
    await running.stop();
  });

  it('keeps the data directory next to the database it is given, unless LINLI_DATA_DIR is set', async () => {
    const db = tmpDb();
    const beside = await startLinli({ db, port: false, env: {}, log: silentLogger });
    await beside.stop();
    expect(beside.services.config).toMatchObject({ dbFile: db, dataDir: dirname(db) });
    const elsewhere = await startLinli({ db: tmpDb(), port: false, env: { LINLI_DATA_DIR: '/srv/linli-files' }, log: silentLogger });
    await elsewhere.stop();
    expect(elsewhere.services.config.dataDir).toBe('/srv/linli-files');
  });

  it('stops start-up on a bad variable, naming it', async () => {
    await expect(startLinli({ env: { PORT: 'abc' }, log: silentLogger })).rejects.toThrow(/PORT: expected a port number/);
  });

  it('says which port is taken, and keeps no admin token it could not show', async () => {
    const first = await startLinli({ db: tmpDb(), port: 0, env: {}, log: silentLogger, announce: () => {} });
    try {
      const port = Number(new URL(first.url!).port);
      const shown: string[] = [];
      const db = tmpDb();
      await expect(startLinli({ db, port, env: {}, log: silentLogger, announce: (t) => void shown.push(t) })).rejects.toThrow(
        new RegExp(`PORT: ${port} is already in use`),
      );
      const again = await startLinli({ db, port: 0, env: {}, log: silentLogger, announce: (t) => void shown.push(t) });
      await again.stop();
      expect(again.firstToken).toBeDefined();
      expect(shown).toHaveLength(1);
    } finally {
      await first.stop();
    }
  });

  it('runs on while Telegram cannot be reached, and stops without waiting for it', async () => {
    const lines: string[] = [];
    // Nothing listens on port 9: every getMe fails, and grammY would retry it for ever.
    const env = { TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:9', LINLI_ADMIN_TOKEN: 'a-root-token-of-at-least-32-characters!' };
    const running = await startLinli({ db: tmpDb(), port: 0, env, log: createLogger('info', (l) => void lines.push(l)) });
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect(lines.join('\n')).toMatch(/job scheduler started/);
    expect(lines.join('\n')).not.toMatch(/telegram bot started/);
    await running.stop();
    await running.connected;
    expect(lines.join('\n')).toMatch(/telegram start abandoned: stopping/);
    expect(lines.join('\n')).not.toMatch(/ERROR/);
  });

  it('checks an admin token given as an option like the variable it stands for', async () => {
    await expect(startLinli({ db: tmpDb(), port: false, env: {}, adminToken: 'short', log: silentLogger })).rejects.toThrow(/LINLI_ADMIN_TOKEN/);
  });
});

describe.concurrent('npm start', { timeout: 60_000 }, () => {
  it('exits 2 with a clear message on a bad environment variable', async () => {
    const ran = await runScript('src/main.ts', [], { env: { LINLI_TZ: 'Nowhere/Land', LINLI_DB: tmpDb() } });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('LINLI_TZ: expected an IANA time zone');
  });

  it('logs each component and stops cleanly on SIGTERM', async () => {
    // node with tsx's loader, not the tsx CLI: the CLI relays signals within 30 ms or kills the child,
    // which a busy machine misses.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', '0', '--no-seed'], {
      cwd: ROOT,
      env: { ...process.env, LINLI_DB: tmpDb(), LINLI_LOG_LEVEL: 'info' },
    });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        // The last line of start-up: main() installs its signal handlers right after it, in the same tick.
        if (stderr.includes('job scheduler started')) resolve();
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    // stderr is no terminal here, so the log is JSON lines (the token banner is plain text between them).
    const logged = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.find((l) => l.msg === 'database ready')).toMatchObject({ level: 'info', seeded: false });
    expect(stderr).toContain('http server listening');
    expect(stderr.match(/ADMIN API TOKEN \(shown once\)/g)).toHaveLength(1);
    expect(stderr).toContain('npm run chat');
    expect(stderr).toContain('stopped');
  });
});

describe('npm start flags', () => {
  it.each([
    [[], {}],
    [['--db', '/srv/linli.db', '--no-seed'], { db: '/srv/linli.db', seed: false }],
    [['--port', '0'], { port: 0 }],
    [['--port=8080'], { port: 8080 }],
    [['-h'], 'help'],
  ] as const)('%j', (args, expected) => {
    expect(startOptionsFromArgs([...args])).toEqual(expected);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'.*--help/],
    [['--port', 'http'], /--port: expected a port number/],
    [['--port', '70000'], /--port: expected a port number/],
  ] as const)('refuses %j, saying what is expected', (args, message) => {
    expect(() => startOptionsFromArgs([...args])).toThrow(message);
  });
});
