import { describe, expect, it, vi } from 'vitest';
import type { Update } from 'grammy/types';
import { SECRET_HEADER, WEBHOOK_PATH } from '../../../bots/telegram/webhook.js';
import type { IncomingMessage } from '../../../src/chat/types.js';
import { outbox } from '../../../src/db/schema/index.js';
import { createHttpApp } from '../../../src/http/app.js';
import { notifyRooms } from '../../../src/domain/notify.js';
import { findRoom } from '../../../src/domain/org/rooms.js';
import { telegramHarness } from '../../helpers/telegram.js';

const WEBHOOK = { url: 'https://linli.example.org/telegram/webhook', secret: 'webhook-secret-0123' };

describe('Telegram adapter start and stop', () => {
  it('in polling mode registers the menus, clears any webhook, polls, and delivers outbox rows while running', async () => {
    const h = telegramHarness();
    const account = await h.adapter.start();
    expect(account).toEqual({ id: 123456789, username: 'linli_test_bot', privacyMode: false });
    expect(h.adapter.mode).toBe('polling');
    expect(h.adapter.mount).toBeUndefined();
    expect(h.callsOf('setMyCommands')).toHaveLength(6);
    expect(h.callsOf('setMyCommands')[1]!.payload).toMatchObject({ scope: { type: 'all_private_chats' }, language_code: 'zh' });
    expect(h.callsOf('deleteWebhook')).toHaveLength(1);
    await vi.waitFor(() => expect(h.callsOf('getUpdates')[0]?.payload.allowed_updates).toEqual(['message', 'callback_query']));
    expect(h.services.dispatcher.platforms).toContain('telegram');
    await h.adapter.stop();
    expect(h.services.dispatcher.platforms).not.toContain('telegram');
  });

  it('does not poll when stopped while a start still waits on Telegram', async () => {
    const h = telegramHarness();
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    h.bot.api.config.use(async (prev, method, payload, signal) => {
      if (method === 'deleteWebhook') await held;
      return prev(method, payload, signal);
    });
    const starting = h.adapter.start();
    await vi.waitFor(() => expect(h.callsOf('setMyCommands').length).toBeGreaterThan(0));
    await h.adapter.stop();
    answer();
    await expect(starting).rejects.toThrow('stopped while starting');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.callsOf('getUpdates')).toEqual([]);
    expect(h.services.dispatcher.platforms).not.toContain('telegram');
  });

  it('starts without the menu when Telegram refuses it', async () => {
    const h = telegramHarness();
    h.failNext('setMyCommands', { error_code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' });
    await h.adapter.start();
    expect(h.logged.join('\n')).toContain('could not register the command menu');
    await h.adapter.stop();
  });

  it('in webhook mode sets the webhook with its secret and the updates it wants', async () => {
    const h = telegramHarness({ adapter: { webhook: WEBHOOK } });
    await h.adapter.start();
    expect(h.adapter.mode).toBe('webhook');
    expect(h.callsOf('setWebhook')[0]!.payload).toEqual({
      url: WEBHOOK.url,
      secret_token: WEBHOOK.secret,
      allowed_updates: ['message', 'callback_query'],
    });
    expect(h.callsOf('getUpdates')).toEqual([]);
    await h.adapter.stop();
    expect(h.callsOf('deleteWebhook')).toEqual([]); // Telegram keeps updates for the next start
  });
});

describe('Telegram webhook route', () => {
  const setup = async () => {
    const h = telegramHarness({ adapter: { webhook: WEBHOOK } });
    const app = createHttpApp(h.services, [h.adapter.mount!]);
    await h.adapter.start();
    const post = (update: unknown, secret: string | null = WEBHOOK.secret) =>
      app.request(WEBHOOK_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret !== null ? { [SECRET_HEADER]: secret } : {}) },
        body: typeof update === 'string' ? update : JSON.stringify(update),
      });
    const zhang = h.updates.user(4001, '张大爷');
    const group = h.updates.supergroup(-100800, '5号楼');
    const sentTexts = () => h.callsOf('sendMessage').map((c) => c.payload.text as string);
    return { h, post, zhang, group, sentTexts };
  };

  it.each([
    ['no secret', null],
    ['a wrong secret', 'webhook-secret-9999'],
    ['a secret of another length', 'x'],
  ])('refuses a request with %s and handles nothing', async (_, secret) => {
    const { h, post, zhang, group } = await setup();
    const response = await post(h.updates.message(zhang, group, '/me'), secret);
    expect(response.status).toBe(401);
    await h.adapter.idle();
    expect(h.callsOf('sendMessage')).toEqual([]);
    await h.adapter.stop();
  });

  it.each([
    ['not JSON', '{oops'],
    ['not an update', { hello: 'world' }],
  ])('answers 400 to a body that is %s', async (_, body) => {
    const { h, post } = await setup();
    expect((await post(body)).status).toBe(400);
    await h.adapter.stop();
  });

  it('handles an update with the secret, once however often it comes', async () => {
    const { h, post, zhang, group, sentTexts } = await setup();
    const update = h.updates.message(zhang, group, '/me');
    expect((await post(update)).status).toBe(200);
    expect((await post(update)).status).toBe(200);
    await h.adapter.idle();
    expect(sentTexts()).toHaveLength(1);
    expect(sentTexts()[0]).toContain('张大爷');
    await h.adapter.stop();
  });

  it('answers at once while a slow handler works, keeps one chat in order, and lets other chats pass', async () => {
    const { h, post, zhang, group, sentTexts } = await setup();
    const other = h.updates.supergroup(-100801, '6号楼');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handle = h.services.core.handle.bind(h.services.core);
    h.services.core.handle = async (message: IncomingMessage) => {
      if (message.text === '/lang en') await gate;
      return handle(message);
    };

    expect((await post(h.updates.message(zhang, group, '/lang en'))).status).toBe(200);
    expect((await post(h.updates.message(zhang, group, '/me'))).status).toBe(200);
    expect((await post(h.updates.message(zhang, other, '/help'))).status).toBe(200);
    await vi.waitFor(() => expect(sentTexts()).toHaveLength(1));
    expect(sentTexts()[0]).toContain('可用命令'); // the other chat was not held up

    release();
    await h.adapter.idle();
    // In the slow chat, /me ran after /lang en had switched the language.
    expect(sentTexts().slice(1)).toEqual([expect.stringContaining('English'), expect.stringContaining('Roles')]);
    await h.adapter.stop();
  });

  it('answers 503 while stopping, so Telegram delivers the update again later', async () => {
    const { h, post, zhang, group } = await setup();
    await h.adapter.stop();
    expect((await post(h.updates.message(zhang, group, '/me'))).status).toBe(503);
    expect(h.callsOf('sendMessage')).toEqual([]);
  });
});

describe('Telegram outbox transport', () => {
  it('delivers notifications to Telegram rooms with buttons and a mention, paced per chat', async () => {
    const h = telegramHarness();
    const zhang = h.updates.user(5001, '张大爷');
    const group = h.updates.supergroup(-100900, '工作群');
    await h.say(zhang, group, '/me');
    const room = findRoom(h.services.db, 'telegram', '-100900')!;
    h.services.dispatcher.register(h.adapter.transport);
    h.sleeps.length = 0;
    const from = h.calls.length;
    notifyRooms(h.services.deps, [room], () => ({ text: '新工单 T1', buttons: [[{ label: '接单', command: '/take T1' }]] }), 'test');
    notifyRooms(h.services.deps, [room], () => ({ text: '请处理', mentionUserId: '5001' }), 'test');
    notifyRooms(h.services.deps, [room], () => ({ text: '第三条' }), 'test');
    expect(await h.services.dispatcher.drain()).toBe(3);
    const sent = h.callsOf('sendMessage', from);
    expect(sent.map((c) => c.payload.text)).toEqual(['新工单 T1', '张大爷 请处理', '第三条']);
    expect(sent[0]!.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: '接单', callback_data: '/take T1' }]] });
    expect(sent[1]!.payload.entities[0]).toMatchObject({ type: 'text_mention', offset: 0, length: 3, user: { id: 5001 } });
    // A second apart, after the reply to /me, on a clock that does not move.
    expect(h.sleeps).toEqual([1000, 2000, 3000]);
  });

  it('records a refused delivery for the outbox to retry', async () => {
    const h = telegramHarness();
    h.services.dispatcher.register(h.adapter.transport);
    h.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    const update: Update = h.updates.message(h.updates.user(1, 'a'), h.updates.supergroup(-100901, 'x'), '今天天气好');
    await h.handle(update);
    const room = findRoom(h.services.db, 'telegram', '-100901')!;
    notifyRooms(h.services.deps, [room], () => ({ text: '通知' }), 'test');
    expect(await h.services.dispatcher.tick()).toBe(0);
    const [row] = h.services.db.select().from(outbox).all();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('bot was kicked') });
  });
});
