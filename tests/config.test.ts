import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { ROOT } from './helpers/spawn.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      dbFile: './data/linli.db',
      dataDir: './data',
      port: 8787,
      timeZone: 'Asia/Shanghai',
      lang: 'zh',
      synchronous: 'FULL',
      telegram: undefined,
    });
    expect(config.wechat.enabled).toBe(false);
  });

  it('listens on this machine only unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(() => loadConfig({ HOST: 'http://x' })).toThrow(/HOST: expected an address to listen on/);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '  ', LINLI_LANG: '' }).port).toBe(8787);
  });

  it('derives the data directory from the database file', () => {
    expect(loadConfig({ LINLI_DB: '/srv/linli/db.sqlite' }).dataDir).toBe('/srv/linli');
  });

  describe.each([
    ['PORT', 'eighty', /PORT: expected a port number \(got "eighty"\)/],
    ['PORT', '70000', /PORT: expected a port between 0 and 65535/],
    ['LINLI_TZ', 'Mars/Olympus', /LINLI_TZ: expected an IANA time zone/],
    ['LINLI_LANG', 'fr', /LINLI_LANG: expected zh or en/],
    ['LINLI_ADMIN_TOKEN', 'short', /LINLI_ADMIN_TOKEN: expected at least 32 characters/],
    ['LINLI_WECHAT', 'maybe', /LINLI_WECHAT: expected on or off/],
    ['TELEGRAM_BOT_TOKEN', 'nope', /TELEGRAM_BOT_TOKEN: expected a token from @BotFather/],
  ])('%s=%s', (name, value, message) => {
    it('stops with a message naming the variable', () => {
      expect(() => loadConfig({ [name]: value })).toThrowError(message);
    });
  });

  it.each([
    ['LINLI_ADMIN_TOKEN', 'short-but-secret'],
    ['TELEGRAM_BOT_TOKEN', 'leaked-token-value'],
    ['TELEGRAM_WEBHOOK_SECRET', 'bad secret!'],
  ])('never shows the value of the secret %s', (name, value) => {
    const env = { TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', TELEGRAM_WEBHOOK_URL: 'https://linli.example/hook', [name]: value };
    expect(() => loadConfig(env)).toThrowError(new RegExp(`${name}: `));
    expect(() => loadConfig(env)).not.toThrowError(value);
  });

  it('requires a webhook secret in webhook mode', () => {
    const attempt = () =>
      loadConfig({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', TELEGRAM_WEBHOOK_URL: 'https://linli.example/telegram/webhook' });
    expect(attempt).toThrowError(ConfigError);
    expect(attempt).toThrowError(/TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set/);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', LINLI_LANG: 'fr' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});

// `--db linli.db` in a checkout makes the checkout the data directory: what Linli writes there is not
// the project's and must never be committed.
describe.runIf(spawnSync('git', ['rev-parse', '--git-dir'], { cwd: ROOT }).status === 0)('the data a database in the checkout brings', () => {
  it.each(['linli.db', 'tmp/demo.db'])('is ignored by git (LINLI_DB=%s)', (dbFile) => {
    const { dataDir } = loadConfig({ LINLI_DB: dbFile });
    const written = [dbFile, `${dbFile}-wal`, join(dataDir, 'files', 'ab', `ab${'0'.repeat(62)}.jpg`), join(dataDir, 'wechat.memory-card.json')];
    const check = spawnSync('git', ['check-ignore', '--no-index', ...written], { cwd: ROOT, encoding: 'utf8' });
    expect(check.stdout.split('\n').filter(Boolean).sort()).toEqual([...written].sort());
  });
});
