import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScanStatus } from 'wechaty';
import { createWechatAdapter } from '../../../bots/wechat/adapter.js';
import { reasonOf } from '../../../bots/wechat/lifecycle.js';
import { WECHAT } from '../../../bots/wechat/messages.js';
import { outbox } from '../../../src/db/schema/index.js';
import { notifyRooms } from '../../../src/domain/notify.js';
import { findRoom } from '../../../src/domain/org/rooms.js';
import { SHELL } from '../../../src/domain/seed/demo.js';
import { createLogger } from '../../../src/log.js';
import { MockWechat, until, type WechatWorld, wechatWorld } from '../../helpers/wechat.js';

let world: WechatWorld;
afterEach(async () => {
  await world?.stop();
});

function recorder(level: 'debug' | 'info' = 'debug') {
  const lines: string[] = [];
  return { lines, log: createLogger(level, (line) => lines.push(line)) };
}

/** What the admin room (the street's staff group, on the shell platform in the demo) was told. */
const adminRoomTold = (w: WechatWorld) =>
  w.services.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.platform, SHELL), eq(outbox.roomId, 'street')))
    .all()
    .map((row) => row.text);

const FAST_BACKOFF = { backoffMs: 20, maxBackoffMs: 1000, errorGraceMs: 30, printQr: () => {} };

describe('wechat login and reconnection', () => {
  it('draws the login QR code and logs its link', async () => {
    const { lines, log } = recorder();
    const drawn: string[] = [];
    world = await wechatWorld({ log, adapter: { lifecycle: { printQr: (art) => drawn.push(art) } }, login: false });
    world.wechat.mocker.scan('https://login.weixin.qq.com/l/Ab3dE', ScanStatus.Waiting);
    await until(() => drawn.length === 1, 'the QR code');
    expect(drawn[0]).toMatch(/[▀▄█]/);
    expect(lines.join('\n')).toContain('https://wechaty.js.org/qrcode/https%3A%2F%2Flogin.weixin.qq.com%2Fl%2FAb3dE');
    expect(world.adapter.status).toBe('starting');
  });

  it('keeps the login session in the data directory, for the next start to find', async () => {
    world = await wechatWorld();
    // What a puppet does with its session after a login (wechat4u: its login data, then save): wechaty gives
    // it a part of the bot's memory card. The mock puppet stores nothing by itself, so the test stores for it.
    await world.wechat.puppet.memory.set('session', { token: 'probe' });
    await world.wechat.puppet.memory.save();
    const file = join(world.services.config.dataDir, 'wechat.memory-card.json');
    expect(readFileSync(file, 'utf8')).toContain('probe');
    await world.adapter.stop();

    // A new process: a new adapter and puppet on the same data directory find the session where they look.
    const next = new MockWechat();
    const adapter = createWechatAdapter(world.services, { puppet: next.puppet, lifecycle: { printQr: () => {} } });
    await adapter.start();
    try {
      expect(await next.puppet.memory.get('session')).toEqual({ token: 'probe' });
    } finally {
      await adapter.stop();
    }
  });

  it('after a puppet error that leaves the bot logged out: logs it, waits the grace period, tells the admin room, restarts, and works again once logged in', async () => {
    const { lines, log } = recorder();
    world = await wechatWorld({ log, adapter: { lifecycle: FAST_BACKOFF } });
    const mary = world.wechat.person('王阿姨');
    const group = world.wechat.group('3号楼居民群', [mary]);
    await world.say(mary, group, '帮助');
    const restarted = vi.spyOn(world.wechat.puppet, 'start');

    world.wechat.puppet.emit('error', { gerror: JSON.stringify({ code: 14, message: 'grpc stream closed' }) });
    world.wechat.dropLogin();
    expect(lines.some((l) => l.includes('wechat puppet error') && l.includes('grpc stream closed'))).toBe(true);
    // still within the grace period: the puppet may yet come back by itself
    expect(world.adapter.status).toBe('online');
    expect(adminRoomTold(world)).toEqual([]);

    await until(() => world.adapter.status === 'offline', 'the grace period to end');
    expect(world.services.dispatcher.platforms).not.toContain(WECHAT);
    expect(adminRoomTold(world)).toEqual([expect.stringMatching(/微信机器人断开了（grpc stream closed），1 秒后自动重连/)]);

    // a notification written while WeChat is down waits for it
    const room = findRoom(world.services.db, WECHAT, group.id)!;
    notifyRooms(world.services.deps, [room], () => ({ text: '停水通知' }), 'test');
    expect(await world.deliver()).toEqual([]);

    await until(() => restarted.mock.calls.length === 1, 'the restart');
    world.wechat.login();
    await until(() => world.adapter.status === 'online', 'the login');
    expect(adminRoomTold(world)).toEqual([expect.stringContaining('断开'), '✅ 微信机器人已重新上线（邻里）。']);
    expect(world.wechat.textsIn(group, await world.deliver())).toEqual(['停水通知']);
    expect(world.wechat.textsIn(group, await world.say(mary, group, '我的'))).toHaveLength(1);
  });

  it('does not restart after a puppet error the bot comes through logged in, nor tell the admin room', async () => {
    const { lines, log } = recorder();
    world = await wechatWorld({ log, adapter: { lifecycle: FAST_BACKOFF } });
    const mary = world.wechat.person('王阿姨');
    const group = world.wechat.group('3号楼居民群', [mary]);
    const restarted = vi.spyOn(world.wechat.puppet, 'start');
    const stopped = vi.spyOn(world.wechat.puppet, 'stop');

    // wechat4u reports each failed sync and retries it itself; the connection may drop for a moment
    for (let n = 0; n < 5; n++) world.wechat.puppet.emit('error', { data: '同步失败' });
    const loggedIn = vi.spyOn(world.wechat.puppet, 'isLoggedIn', 'get').mockReturnValue(false);
    await new Promise((resolve) => setImmediate(resolve));
    loggedIn.mockRestore();
    await until(() => lines.some((l) => l.includes('still logged in after a puppet error')), 'the grace period to end');

    expect(lines.filter((l) => l.includes('wechat puppet error'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('wechat puppet error'))).toContain(' WARN ');
    expect(restarted).not.toHaveBeenCalled();
    expect(stopped).not.toHaveBeenCalled();
    expect(adminRoomTold(world)).toEqual([]);
    expect(world.adapter.status).toBe('online');
    expect(world.services.dispatcher.platforms).toContain(WECHAT);
    expect(world.wechat.textsIn(group, await world.say(mary, group, '我的'))).toHaveLength(1);
  });

  it('doubles the wait after each failure in a row and tells the admin room once', async () => {
    const { lines, log } = recorder();
    world = await wechatWorld({ log, adapter: { lifecycle: FAST_BACKOFF } });
    const restarted = vi.spyOn(world.wechat.puppet, 'start');
    // the first leaves the bot logged out; the rest come while it is (failed starts)
    world.wechat.dropLogin();
    for (let n = 1; n <= 3; n++) {
      world.wechat.puppet.emit('error', { data: `failure ${n}` });
      await until(() => restarted.mock.calls.length === n, `restart ${n}`);
    }
    const delays = lines.filter((l) => l.includes('wechat restarting')).map((l) => Number(/delayMs=(\d+)/.exec(l)?.[1]));
    expect(delays).toEqual([20, 40, 80]);
    expect(adminRoomTold(world)).toHaveLength(1);
  });

  it('starts the backoff afresh after a login that lasted', async () => {
    const { lines, log } = recorder();
    world = await wechatWorld({ log, adapter: { lifecycle: { ...FAST_BACKOFF, stableMs: 50 } } });
    const restarted = vi.spyOn(world.wechat.puppet, 'start');
    world.wechat.dropLogin();
    world.wechat.puppet.emit('error', { data: 'first' });
    await until(() => restarted.mock.calls.length === 1, 'the first restart');
    world.wechat.login();
    await until(() => world.adapter.status === 'online', 'the login');
    await new Promise((resolve) => setTimeout(resolve, 60));
    world.wechat.dropLogin();
    world.wechat.puppet.emit('error', { data: 'second' });
    const delays = lines.filter((l) => l.includes('wechat restarting')).map((l) => Number(/delayMs=(\d+)/.exec(l)?.[1]));
    expect(delays).toEqual([20, 20]);
  });

  it('after a logout: restarts, shows a new QR code, tells the admin room a scan is needed, and recovers', async () => {
    const drawn: string[] = [];
    world = await wechatWorld({ adapter: { lifecycle: { ...FAST_BACKOFF, printQr: (art) => drawn.push(art) } } });
    const restarted = vi.spyOn(world.wechat.puppet, 'start');
    await world.wechat.puppet.logout('kicked out by the phone');
    expect(world.adapter.status).toBe('offline');
    await until(() => restarted.mock.calls.length === 1, 'the restart');
    world.wechat.mocker.scan('https://login.weixin.qq.com/l/next', ScanStatus.Waiting);
    await until(() => drawn.length === 1, 'the QR code');
    expect(adminRoomTold(world)).toEqual([expect.stringContaining('kicked out by the phone'), expect.stringContaining('需要重新扫码登录')]);
    world.wechat.login();
    await until(() => world.adapter.status === 'online', 'the login');
    expect(adminRoomTold(world).at(-1)).toContain('重新上线');
  });

  it('retries a start that fails, without throwing', async () => {
    const { lines, log } = recorder();
    const wechat = new MockWechat();
    vi.spyOn(wechat.puppet, 'start').mockRejectedValueOnce(new Error('token expired'));
    world = await wechatWorld({ wechat, log, login: false, adapter: { lifecycle: FAST_BACKOFF } });
    await until(() => wechat.puppet.state.active() === true, 'the second start');
    expect(lines.some((l) => l.includes('wechaty error') && l.includes('token expired'))).toBe(true);
    expect(lines.some((l) => l.includes('wechat restarting') && l.includes('the puppet did not start'))).toBe(true);
    wechat.login();
    await until(() => world.adapter.status === 'online', 'the login');
  });

  it.each([
    ['a restart is pending', false],
    ['the grace period after an error runs', true],
  ])('stays stopped when stopped while %s', async (_when, loggedIn) => {
    world = await wechatWorld({ adapter: { lifecycle: { ...FAST_BACKOFF, backoffMs: 50, errorGraceMs: 50 } } });
    const restarted = vi.spyOn(world.wechat.puppet, 'start');
    if (!loggedIn) world.wechat.dropLogin();
    world.wechat.puppet.emit('error', { data: 'boom' });
    await world.adapter.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(restarted).not.toHaveBeenCalled();
    expect(world.adapter.status).toBe('stopped');
  });
});

describe('reasonOf', () => {
  it.each([
    [new Error('plain'), 'plain'],
    [{ gerror: JSON.stringify({ code: 2, message: 'from gerror' }) }, 'from gerror'],
    [{ data: 'from data' }, 'from data'],
    ['text', 'text'],
    [42, '42'],
  ])('reads %j', (value, expected) => {
    expect(reasonOf(value)).toBe(expected);
  });
});
