import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import { startLinli } from '../src/main.js';
import { ROOT, runScript } from './helpers/spawn.js';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'linli-main-')), 'linli.db');

describe('startLinli', () => {
  it('serves /healthz with the version and database status, then stops', async () => {
    const running = await startLinli({ db: tmpDb(), port: 0, seed: true, env: {}, log: silentLogger });
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

  it('runs without an HTTP server when port is false', async () => {
    const running = await startLinli({ db: tmpDb(), port: false, env: {}, log: silentLogger });
    expect(running.url).toBeNull();
    await running.stop();
  });

  it('stops start-up on a bad variable, naming it', async () => {
    await expect(startLinli({ env: { PORT: 'abc' }, log: silentLogger })).rejects.toThrow(/PORT: expected a port number/);
  });
});

describe('npm start', () => {
  it('exits 2 with a clear message on a bad environment variable', async () => {
    const ran = await runScript('src/main.ts', [], { env: { LINLI_TZ: 'Nowhere/Land', LINLI_DB: tmpDb() } });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('LINLI_TZ: expected an IANA time zone');
  });

  it('logs each component and stops cleanly on SIGTERM', async () => {
    const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, ['src/main.ts'], { cwd: ROOT, env: { ...process.env, PORT: '0', LINLI_DB: tmpDb(), LINLI_LOG_LEVEL: 'info' } });
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
    expect(stderr).toContain('database ready');
    expect(stderr).toContain('http server listening');
    expect(stderr).toContain('npm run chat');
    expect(stderr).toContain('stopped');
  });
});
