import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  type Contact,
  type Friendship,
  type Message,
  type PuppetModuleName,
  type Room,
  type Wechaty,
  WechatyBuilder,
  type WechatyOptions,
} from 'wechaty';
import { FileBox } from 'file-box';
import type { ChatCore } from '../../src/chat/core.js';
import { t, type Translate } from '../../src/i18n/index.js';
import type { Transport } from '../../src/chat/outbox.js';
import type { IncomingMessage, OutMessage } from '../../src/chat/types.js';
import { inTransaction } from '../../src/db/client.js';
import { queueReply } from '../../src/domain/notify.js';
import { findRoom, seeRoom } from '../../src/domain/org/rooms.js';
import type { Services } from '../../src/services.js';
import { decideFriendRequest, isIncomingRequest } from './friendship.js';
import { type LifecycleOptions, reasonOf, WechatLifecycle } from './lifecycle.js';
import { conversationIdOf, toIncoming, WECHAT } from './messages.js';
import { DEFAULT_MAX_LENGTH, PacedSender, PartlySent, SenderClosedError, SendTimeoutError, serialPerKey, splitText } from './send.js';

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

export interface WechatAdapter {
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
 * logged in. Every send is paced, because WeChat bans accounts that burst.
 */
export function createWechatAdapter(services: Services, options: WechatAdapterOptions = {}): WechatAdapter {
  const { config, deps } = services;
  const log = services.log.child('wechat');
  const core = options.core ?? services.core;
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
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
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const settled = work.catch(() => {});
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  };
  /** One conversation's messages are handled in the order they came (an image after its command), and answered in order. */
  const inbox = serialPerKey();
  const outgoing = serialPerKey();

  type Conversation = { kind: 'group'; room: Room } | { kind: 'private'; contact: Contact };

  async function conversation(roomId: string): Promise<Conversation> {
    const known = findRoom(deps.db, WECHAT, roomId);
    if (known?.kind !== 'private') {
      const room = await bot.Room.find({ id: roomId });
      if (room) return { kind: 'group', room };
    }
    if (known?.kind !== 'group') {
      const contact = await bot.Contact.find({ id: roomId });
      if (contact) return { kind: 'private', contact };
    }
    throw new Error(`no WeChat group or contact ${roomId}`);
  }

  /**
   * Sends one message, split if long; in a group the first part @mentions `mentionUserId`. WeChat shows no
   * buttons. A failure after some of it went out is a PartlySent carrying what is left, so that a retry
   * never repeats what the room already has.
   */
  function deliver(roomId: string, message: OutMessage): Promise<void> {
    return outgoing(roomId, async () => {
      if (!bot.isLoggedIn) throw new Error('WeChat is not logged in');
      const target = await conversation(roomId);
      const mention =
        target.kind === 'group' && message.mentionUserId ? await bot.Contact.find({ id: message.mentionUserId }) : undefined;
      const parts = splitText(message.text, maxLength);
      for (const [i, part] of parts.entries()) {
        try {
          await sender.run(roomId, async () => {
            if (target.kind === 'private') await target.contact.say(part);
            else if (mention && i === 0) await target.room.say(part, mention);
            else await target.room.say(part);
          });
        } catch (error) {
          // A part WeChat did not confirm may have gone out: it is not sent again.
          const next = error instanceof SendTimeoutError ? i + 1 : i;
          if (next === 0) throw error;
          throw new PartlySent({ text: parts.slice(next).join('\n'), ...(message.images ? { images: message.images } : {}) }, error);
        }
      }
      for (const [i, path] of (message.images ?? []).entries()) {
        const file = join(services.config.dataDir, path);
        if (!existsSync(file)) {
          log.warn('photo missing from the data directory; not sent', { room: roomId, path });
          continue;
        }
        // Base64 rather than a file path: puppet services serialise what they send, and only some box kinds can be.
        const photo = FileBox.fromBase64((await readFile(file)).toString('base64'), basename(file));
        // The text went out: a photo that fails is logged, not retried with the text again.
        await sender
          .run(roomId, async () => {
            if (target.kind === 'private') await target.contact.say(photo);
            else await target.room.say(photo);
          })
          .catch((error) => {
            if (error instanceof SenderClosedError) throw new PartlySent({ text: '', images: message.images!.slice(i) }, error);
            log.warn('photo not sent', { room: roomId, path, error: reasonOf(error) });
          });
      }
    });
  }

  /** An answer to what someone just did: it goes ahead of outbox rows waiting for the minute's budget. */
  const reply = (roomId: string, message: OutMessage) =>
    track(
      sender.reply(roomId, () => deliver(roomId, message)).catch((error) => {
        const rest = error instanceof PartlySent ? error.rest : message;
        const queued = queueReply(deps, WECHAT, roomId, rest, 'wechat:reply');
        log.warn('reply not sent; queued in the outbox', { room: roomId, queued, partly: error instanceof PartlySent, error: reasonOf(error) });
      }),
    );

  /** WeChat needs a friend request before a private chat; said in the member's language, which the core knows. */
  const privateChatHint = (translate: Translate) =>
    translate('wechat.privateChatHint', { name: botName, keyword: config.wechat.friendKeyword });

  async function onMessage(message: Message) {
    const incoming = await toIncoming(bot, message, privateChatHint);
    if (!incoming) return;
    await handle(incoming);
  }

  async function handle(incoming: IncomingMessage) {
    const result = await core.handle(incoming);
    for (const out of result.replies) {
      reply(incoming.roomId, { ...out, mentionUserId: out.mentionUserId ?? (incoming.isPrivate ? undefined : incoming.senderId) });
    }
  }

  async function onFriendship(friendship: Friendship) {
    if (!isIncomingRequest(friendship)) return;
    const contact = friendship.contact();
    const decision = decideFriendRequest(deps, friendship.hello(), config.wechat.friendKeyword);
    if (!decision.accept) {
      log.info('friend request left unanswered', { contact: contact.id, hello: friendship.hello().slice(0, 40) });
      return;
    }
    await friendship.accept();
    log.info('friend request accepted', { contact: contact.id, because: decision.because });
    reply(contact.id, { text: t(config.lang, 'wechat.welcome') });
    if (decision.memberCode) {
      // The link code in the greeting is used as if sent in the new chat: one step less for the resident.
      const code = decision.memberCode.code;
      await inbox(contact.id, () =>
        handle({
          platform: WECHAT,
          roomId: contact.id,
          roomName: contact.name(),
          isPrivate: true,
          senderId: contact.id,
          senderName: contact.name(),
          messageId: `friendship:${friendship.id}`,
          text: `/bind ${code}`,
        }),
      );
    }
  }

  let stopping = false;
  const transport: Transport = {
    platform: WECHAT,
    async send(roomId, message) {
      try {
        await deliver(roomId, message);
      } catch (error) {
        if (!(error instanceof PartlySent)) throw error;
        // The row went out in part: it counts as sent, and what is left is queued to follow it.
        queueReply(deps, WECHAT, roomId, error.rest, 'wechat:rest');
        log.warn('notification sent in part; the rest is queued', { room: roomId, error: reasonOf(error.cause) });
      }
    },
  };
  const lifecycle = new WechatLifecycle(
    bot,
    { ...deps, log },
    {
      online(name) {
        botName = name;
        status = 'online';
        services.dispatcher.register(transport);
      },
      offline() {
        if (status !== 'stopped') status = 'offline';
        services.dispatcher.unregister(WECHAT);
      },
    },
    options.lifecycle,
  );

  bot.on('message', (message) => {
    if (stopping) return;
    let key: string;
    try {
      key = conversationIdOf(message);
    } catch (error) {
      log.warn('message without a conversation', { id: message.id, error: reasonOf(error) });
      return;
    }
    track(
      inbox(key, () => onMessage(message)).catch((error) =>
        log.error('message handling failed', { conversation: key, error: reasonOf(error) }),
      ),
    );
  });

  bot.on('friendship', (friendship) => {
    if (stopping) return;
    track(
      onFriendship(friendship).catch((error) => log.error('friend request failed', { error: reasonOf(error) })),
    );
  });

  bot.on('room-topic', (room, topic) => {
    if (stopping) return;
    try {
      inTransaction(deps.db, () => seeRoom(deps, { platform: WECHAT, platformRoomId: room.id, name: topic, isPrivate: false }));
      log.info('group renamed', { room: room.id, topic });
    } catch (error) {
      log.error('could not record a group rename', { room: room.id, error: reasonOf(error) });
    }
  });

  bot.on('room-join', (room, invitees) => {
    if (stopping || !bot.isLoggedIn) return;
    if (!invitees.some((c) => c.id === bot.currentUser.id)) return;
    track(
      (async () => {
        const name = await room.topic();
        inTransaction(deps.db, () => seeRoom(deps, { platform: WECHAT, platformRoomId: room.id, name, isPrivate: false }));
        log.info('added to a group', { room: room.id });
        reply(room.id, { text: t(config.lang, 'wechat.joined') });
      })().catch((error) => log.error('could not greet a new group', { error: reasonOf(error) })),
    );
  });

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
    bot,
    transport,
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
