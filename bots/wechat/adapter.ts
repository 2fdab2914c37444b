import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type PuppetModuleName, type Wechaty, WechatyBuilder, type WechatyOptions } from 'wechaty';
import type { ChatAdapter } from '../../src/chat/adapter.js';
import type { ChatCore } from '../../src/chat/core.js';
import type { Transport } from '../../src/chat/outbox.js';
import type { Services } from '../../src/services.js';
import type { WechatContext } from './context.js';
import { WechatDelivery } from './delivery.js';
import { onFriendship } from './friendship.js';
import { type LifecycleOptions, WechatLifecycle } from './lifecycle.js';
import { onMessage, WECHAT } from './messages.js';
import { onRoomJoin, onRoomTopic } from './rooms.js';
import { DEFAULT_MAX_LENGTH, PacedSender, serialPerKey } from './send.js';

/** A wechaty puppet instance (wechaty-puppet-service, -wechat4u, -xp, -mock, ...). */
export type WechatPuppet = Exclude<NonNullable<WechatyOptions['puppet']>, string>;

export interface WechatAdapterOptions {
  /** A puppet instance, or the npm name of one; default WECHATY_PUPPET, else wechaty's own default. */
  puppet?: WechatPuppet | string;
  /** The core messages go to (default: the services' one). */
  core?: ChatCore;
  /** Where the login session is kept; wechaty adds `.memory-card.json` (default `<dataDir>/wechat`). */
  session?: string;
  /** Longer texts go out in several messages. */
  maxLength?: number;
  /** The clock pacing runs on (default: the system clock). */
  pacing?: { now?: () => number; sleep?: (ms: number) => Promise<void> };
  lifecycle?: LifecycleOptions;
}

export type WechatStatus = 'stopped' | 'starting' | 'online' | 'offline';

export interface WechatAdapter extends ChatAdapter {
  readonly platform: typeof WECHAT;
  readonly bot: Wechaty;
  readonly transport: Transport;
  readonly status: WechatStatus;
  /** Starts the bot; WeChat failures are logged and retried, never thrown. */
  start(): Promise<void>;
  /** Stops for good: waits for the messages under way, abandons paced sends still waiting (the outbox retries them). */
  stop(): Promise<void>;
  /** Resolves when no message is being handled or sent. */
  idle(): Promise<void>;
}

/**
 * The WeChat adapter: group messages and one-to-one chats go to the chat core, its replies come back
 * @mentioning the sender, and outbox rows for 'wechat' go out through the transport it registers while
 * logged in. Every send is paced, because WeChat bans accounts that burst. The listeners live by what
 * they listen to: messages.ts, friendship.ts, rooms.ts, and lifecycle.ts for login, logout and errors.
 */
export function createWechatAdapter(services: Services, options: WechatAdapterOptions = {}): WechatAdapter {
  const { config } = services;
  const log = services.log.child('wechat');
  const core = options.core ?? services.core;
  const puppet = options.puppet ?? config.wechat.puppet;

  const session = options.session ?? join(resolve(config.dataDir), 'wechat');
  mkdirSync(resolve(session, '..'), { recursive: true });
  const bot = WechatyBuilder.build({
    name: session,
    ...(puppet === undefined ? {} : typeof puppet === 'string' ? { puppet: puppet as PuppetModuleName } : { puppet }),
  });

  const sender = new PacedSender({
    roomIntervalMs: config.wechat.roomIntervalMs,
    perMinute: config.wechat.perMinute,
    ...options.pacing,
  });

  let status: WechatStatus = 'stopped';
  let botName = '';
  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const settled = work.catch(() => {});
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  };

  const delivery = new WechatDelivery({
    bot,
    core,
    sender,
    log,
    dataDir: config.dataDir,
    maxLength: options.maxLength ?? DEFAULT_MAX_LENGTH,
    track,
  });
  const context: WechatContext = {
    bot,
    core,
    log,
    lang: config.lang,
    friendKeyword: config.wechat.friendKeyword,
    botName: () => botName,
    stopping: () => stopping,
    reply: (roomId, message) => delivery.reply(roomId, message),
    track,
    inbox: serialPerKey(),
  };

  const lifecycle = new WechatLifecycle(
    bot,
    { core, log },
    {
      online(name) {
        botName = name;
        status = 'online';
        services.dispatcher.register(delivery.transport);
      },
      offline() {
        if (status !== 'stopped') status = 'offline';
        services.dispatcher.unregister(WECHAT);
      },
    },
    options.lifecycle,
  );
  bot.on('message', onMessage(context));
  bot.on('friendship', onFriendship(context));
  bot.on('room-topic', onRoomTopic(context));
  bot.on('room-join', onRoomJoin(context));

  /** The puppet wechaty actually runs (it picks its default when none is named). */
  function puppetName(): string {
    try {
      return bot.puppet.name();
    } catch {
      return typeof puppet === 'string' ? puppet : 'not loaded';
    }
  }

  async function idle() {
    while (inFlight.size) await Promise.all([...inFlight]);
  }

  return {
    platform: WECHAT,
    bot,
    transport: delivery.transport,
    get status() {
      return status;
    },
    async start() {
      stopping = false;
      status = 'starting';
      await lifecycle.start();
      log.info('wechat adapter started', { puppet: puppetName(), session: `${session}.memory-card.json` });
    },
    async stop() {
      stopping = true;
      status = 'stopped';
      services.dispatcher.unregister(WECHAT);
      sender.close();
      await idle();
      await lifecycle.stop();
    },
    idle,
  };
}
