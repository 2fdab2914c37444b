import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../../bots/telegram/adapter.js';
import { SECRET_HEADER, WEBHOOK_PATH } from '../../../bots/telegram/webhook.js';
import { members } from '../../../src/db/schema/index.js';
import type { Ctx } from '../../../src/domain/context.js';
import { notifyRooms } from '../../../src/domain/notify.js';
import { createBindingCode } from '../../../src/domain/org/binding-codes.js';
import { findRoom } from '../../../src/domain/org/rooms.js';
import { findUnitByName } from '../../../src/domain/org/units.js';
import { seedDemo } from '../../../src/domain/seed/demo.js';
import { createLogger, silentLogger } from '../../../src/log.js';
import { type Running, startLinli } from '../../../src/main.js';
import { FakeBotApi } from '../../helpers/fake-bot-api.js';
import { probeCommands } from '../../helpers/probe-commands.js';
import { testServices, ownLinkCode } from '../../helpers/services.js';
import { ROOT } from '../../helpers/spawn.js';
import { freePort, TelegramDriver, withCommands } from '../../helpers/telegram.js';
import { TEST_TOKEN } from '../../helpers/telegram-updates.js';
import { jpeg } from '../../helpers/images.js';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'linli-telegram-')), 'linli.db');
const JPEG = jpeg(7);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeTelegram() {
  const api = new FakeBotApi();
  await api.start();
  cleanups.push(() => api.stop());
  return { api, driver: new TelegramDriver(api) };
}

async function start(env: Record<string, string>, options: { port?: number | false; db?: string; log?: string[] } = {}): Promise<Running> {
  const log = options.log ? createLogger('info', (line) => options.log!.push(line)) : silentLogger;
  const running = await startLinli({ db: options.db ?? tmpDb(), port: options.port ?? false, seed: true, env, log });
  cleanups.push(() => running.stop());
  await running.connected;
  return running;
}

const systemCtx = (running: Running): Ctx => ({ ...running.services.deps, actor: { kind: 'system', job: 'test' } });

/** A staff member links their Telegram account, makes a binding code in private, and binds a new group with it. */
async function bindGroupThroughChat(driver: TelegramDriver, running: Running) {
  const u = driver.updates;
  const li = u.user(7002, '小李');
  const zhang = u.user(7001, '张大爷', { language_code: 'zh-hans' });
  const group = u.supergroup(-1007000, '3号楼居民群');
  const memberId = running.services.db.select().from(members).where(eq(members.name, '网格员小李')).get()!.id;
  const link = ownLinkCode(systemCtx(running), memberId);
  const [linked] = await driver.say(li, u.privateChat(li), `/start ${link}`);
  expect(linked!.text).toContain('网格员小李');
  const [made] = await driver.say(li, u.privateChat(li), '/bindcode 3号楼');
  const code = /([A-Z0-9]{8})/.exec(made!.text!)![1]!;
  const [bound] = await driver.say(zhang, group, `/bind@linli_test_bot ${code}`);
  expect(bound!.text).toContain('3号楼');
  return { li, zhang, group };
}

describe('Telegram end to end: long polling', () => {
  it('serves a group through npm start’s composition: menus, binding, linking, replies through a 429, and outbox deliveries', async () => {
    const { api, driver } = await fakeTelegram();
    const log: string[] = [];
    const running = await start({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: api.url, LINLI_OUTBOX_INTERVAL_MS: '50' }, { log });
    expect(log.join('\n')).toMatch(/telegram bot started username="linli_test_bot" mode="polling"/);
    expect(log.join('\n')).toMatch(/telegram bot started/);
    expect(api.callsOf('getMe')).toHaveLength(1);
    expect([...api.menus.keys()].sort()).toEqual([
      'all_group_chats/',
      'all_group_chats/en',
      'all_group_chats/zh',
      'all_private_chats/',
      'all_private_chats/en',
      'all_private_chats/zh',
    ]);
    expect(api.menus.get('all_private_chats/en')!.find((c) => c.command === 'me')?.description).toBe('your profile and roles');

    const { zhang, group } = await bindGroupThroughChat(driver, running);
    const room = findRoom(running.services.db, 'telegram', String(group.id))!;
    expect(room.unitId).toBe(findUnitByName(running.services.db, '3号楼')!.id);

    // Telegram says "too many requests" once; grammY's auto-retry waits it out and the reply arrives.
    api.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const [me] = await driver.say(zhang, group, '我的');
    expect(me!.text).toContain('张大爷');
    expect(api.callsOf('sendMessage').filter((c) => c.params.text === me!.text)).toHaveLength(2);

    notifyRooms(running.services.deps, [room], () => ({ text: '明天上午停水', buttons: [[{ label: '知道了', command: '/help' }]] }), 'test');
    const notice = await api.waitFor(() => api.messagesIn(group.id).find((m) => m.text === '明天上午停水'), 'the outbox delivery');
    expect(notice.reply_markup!.inline_keyboard[0]![0]).toEqual({ text: '知道了', callback_data: '/help' });
  });

  it('handles a message redelivered after a restart once', async () => {
    const { api, driver } = await fakeTelegram();
    const db = tmpDb();
    const env = { TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: api.url };
    const first = await start(env, { db });
    const u = driver.updates;
    const zhang = u.user(7101, '张大爷');
    const group = u.supergroup(-1007100, '2号楼');
    const update = u.message(zhang, group, '/me');
    api.push(update);
    await api.waitFor(() => api.messagesIn(group.id).length === 1, 'the first answer');
    await first.stop();

    await start(env, { db });
    // The old update comes again under a new update id, then something new.
    api.push({ ...update, update_id: u.nextUpdateId() });
    const [next] = await driver.say(zhang, group, '/help');
    expect(next!.text).toContain('可用命令');
    expect(api.messagesIn(group.id)).toHaveLength(2);
  });
});

describe('Telegram end to end: npm start', () => {
  it('serves Telegram from the real process, given only the environment, and stops cleanly', async () => {
    const { api, driver } = await fakeTelegram();
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, ['src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', LINLI_DB: tmpDb(), LINLI_LOG_LEVEL: 'info', TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: api.url },
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await api.waitFor(() => stderr.includes('telegram bot started'), 'the start-up log line', 30_000);
    const wang = driver.updates.user(9001, 'Wang', { language_code: 'en' });
    const [help] = await driver.say(wang, driver.updates.privateChat(wang), '/start');
    expect(help!.text).toMatch(/^Linli · commands/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('stopped');
  });
});

describe('Telegram end to end: webhook', () => {
  it('refuses to start in webhook mode without the HTTP server', async () => {
    const env = {
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_WEBHOOK_URL: 'https://linli.example.org/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: 'e2e-webhook-secret',
    };
    await expect(startLinli({ db: tmpDb(), port: false, env, log: silentLogger })).rejects.toThrow(/webhook mode needs the HTTP server/);
  });

  it('takes updates posted with the secret, refuses others, and answers as in polling mode', async () => {
    const { api, driver } = await fakeTelegram();
    const port = await freePort();
    const secret = 'e2e-webhook-secret';
    const running = await start(
      {
        TELEGRAM_BOT_TOKEN: TEST_TOKEN,
        TELEGRAM_API_ROOT: api.url,
        TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
        TELEGRAM_WEBHOOK_SECRET: secret,
      },
      { port },
    );
    expect(api.webhook).toEqual({ url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, secret, allowedUpdates: ['message', 'callback_query'] });
    expect(api.callsOf('getUpdates')).toEqual([]);

    const { zhang, group } = await bindGroupThroughChat(driver, running);
    expect(api.deliveries.every((d) => d.status === 200)).toBe(true);

    // Posted straight to the route without the secret, or with a wrong one: refused and never handled.
    for (const headers of [{}, { [SECRET_HEADER]: 'not-the-secret' }] as Record<string, string>[]) {
      const response = await fetch(`${running.url}${WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(driver.updates.message(zhang, group, '/lang en')),
      });
      expect(response.status).toBe(401);
    }
    // One chat's updates are handled in order, so had either been handled its answer would come first.
    const [me] = await driver.say(zhang, group, '/me');
    expect(me!.text).toContain('角色');
  });
});

describe('Telegram end to end: buttons and photos', () => {
  async function probeBot() {
    const { api, driver } = await fakeTelegram();
    const base = testServices();
    const ids = seedDemo(base.deps);
    const probe = probeCommands();
    const services = withCommands(base, probe.commands, probe.consumers);
    const adapter: TelegramAdapter = createTelegramAdapter(services, {
      token: TEST_TOKEN,
      apiRoot: api.url,
      pacing: { sleep: async () => {} },
    });
    await adapter.start();
    cleanups.push(async () => {
      await adapter.stop();
      await services.close();
    });
    const system: Ctx = { ...services.deps, actor: { kind: 'system', job: 'test' } };
    const u = driver.updates;
    const zhang = u.user(8001, '张大爷');
    const li = u.user(8002, '小李');
    const staff = u.supergroup(-1008000, '第一网格工作群');
    await driver.say(zhang, staff, '/bind ' + createBindingCode(system, { unitId: ids.units.grid1.id, purpose: 'staff' }).code);
    await driver.say(li, u.privateChat(li), '/start ' + ownLinkCode(system, ids.members.li.id));
    return { api, driver, adapter, zhang, li, staff };
  }

  it('answers a press, edits the card, and refuses someone not allowed without changing anything', async () => {
    const { api, driver, adapter, zhang, li, staff } = await probeBot();
    const [poll] = await driver.say(zhang, staff, '投票');
    const voted = await driver.press(zhang, poll!, 'B');
    expect(voted.answer).toBe('你投了 B');
    expect(voted.message.text).toBe('投票结束：B');
    expect(voted.message.reply_markup).toBeUndefined();

    // As the outbox would announce a ticket in the staff group.
    await adapter.transport.send(String(staff.id), { text: '新工单 T9', buttons: [[{ label: '接单', command: '/take T9' }]] });
    const announced = api.messagesIn(staff.id).at(-1);
    const refused = await driver.press(zhang, announced!, '接单');
    expect(refused.answer).toContain('只有本网格的工作人员');
    expect(refused.message.text).toBe('新工单 T9');

    // Three messages in as many seconds: the edit waits its turn, so the press is answered first.
    const taken = await driver.press(li, announced!, '接单');
    expect(taken.answer).toBe('已接：T9');
    const card = await api.waitFor(
      () => api.messagesIn(staff.id).find((m) => m.message_id === announced!.message_id && m.text !== '新工单 T9'),
      'the edited card',
    );
    expect(card.text).toBe('T9 · 处理人：网格员小李');
    expect(card.reply_markup!.inline_keyboard[0]![0]).toMatchObject({ text: '完成' });
  });

  it('keeps what a press says in a private chat as a message', async () => {
    const { driver, li } = await probeBot();
    const dm = driver.updates.privateChat(li);
    const [poll] = await driver.say(li, dm, '/poll');
    const pressed = await driver.press(li, poll!, 'A', 1);
    expect(pressed.answer).toBe('你投了 A');
    expect(pressed.replies.map((m) => m.text)).toEqual(['你投了 A']);
  });

  it('downloads a photo with a command caption, and attaches one sent after it', async () => {
    const { driver, zhang, staff } = await probeBot();
    const [withCaption] = await driver.photo(zhang, staff, JPEG, '/snap 楼道堆物');
    expect(withCaption!.text).toBe('楼道堆物：1 张 image/jpeg');
    const [after] = await driver.photo(zhang, staff, JPEG);
    expect(after!.text).toBe('已添加 1 张照片到「楼道堆物」');
  });

  it('answers an album once, its caption on a later photo, with all its photos', async () => {
    const { api, driver, zhang, staff } = await probeBot();
    const [reply] = await driver.album(zhang, staff, [JPEG, JPEG, JPEG], '/snap 楼道堆物', 1);
    expect(reply!.text).toBe('楼道堆物：3 张 image/jpeg,image/jpeg,image/jpeg');
    // Nothing else came of the album: the next message in the chat answers what was said next.
    const [next] = await driver.say(zhang, staff, '/snap 下一件');
    expect(next!.text).toBe('下一件：0 张');
    expect(
      api
        .messagesIn(staff.id)
        .filter((m) => m.text !== undefined)
        .slice(-2)
        .map((m) => m.text),
    ).toEqual([reply!.text, next!.text]);
  });

  it('splits a long reply into messages Telegram accepts', async () => {
    const { api, driver, zhang, staff } = await probeBot();
    const before = api.messagesIn(staff.id).length;
    driver.api.push(driver.updates.message(zhang, staff, '/long'));
    await api.waitFor(() => api.messagesIn(staff.id).find((m) => m.reply_markup), 'the last part, with the buttons');
    const parts = api.messagesIn(staff.id).slice(before);
    expect(parts.length).toBeGreaterThan(1);
    expect(
      parts
        .map((m) => m.text)
        .join('\n')
        .split('\n'),
    ).toHaveLength(400);
  });
});
