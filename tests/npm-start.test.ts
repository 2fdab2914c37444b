import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ROOT } from './helpers/spawn.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start', () => {
  it('stops Linli when npm is sent SIGTERM (as systemd or docker stop does), leaving no process serving', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-npm-'));
    const npm = spawn('npm', ['start', '--', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, LINLI_DB: join(dir, 'linli.db'), LINLI_ADMIN_TOKEN: 'x'.repeat(40), LINLI_LOG_LEVEL: 'info', LINLI_SEED: 'off' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const listening = new Promise<{ pid: number; url: string }>((resolve, reject) => {
      npm.stderr.on('data', (d) => {
        stderr += d;
        const line = stderr.split('\n').find((l) => l.includes('http server listening'));
        if (line) resolve(JSON.parse(line) as { pid: number; url: string });
      });
      npm.on('close', () => reject(new Error(`npm start ended before listening:\n${stderr}`)));
    });
    const { pid, url } = await listening;
    try {
      expect(pid).not.toBe(npm.pid);
      await expect(fetch(`${url}/healthz`)).resolves.toBeInstanceOf(Response);
      npm.kill('SIGTERM');
      await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 20_000, interval: 100 });
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
