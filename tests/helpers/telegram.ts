import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Transformer } from 'grammy';
import type { Message, Update, User } from 'grammy/types';
import { createTelegramAdapter, type TelegramOptions } from '../../bots/telegram/adapter.js';
import { SimulatedClock } from '../../src/clock.js';
import type { AttachmentConsumer, CommandDef } from '../../src/chat/command.js';
import { attachmentConsumers, commands as defaultCommands } from '../../src/chat/commands/index.js';
import { ChatCore } from '../../src/chat/core.js';
import type { Ctx } from '../../src/domain/context.js';
import { createBindingCode } from '../../src/domain/org/binding-codes.js';
import { type DemoIds, seedDemo } from '../../src/domain/seed/demo.js';
import { createLogger } from '../../src/log.js';
import type { Services } from '../../src/services.js';
import type { ApiFailure, FakeBotApi } from './fake-bot-api.js';
import { START, testServices, ownLinkCode } from './services.js';
import { TEST_BOT, TEST_TOKEN, TelegramUpdates } from './telegram-updates.js';

export interface RecordedCall {
  method: string;
  payload: Record<string, any>;
}

/** A core with the real command table plus the test's own commands and image consumers. */
export function withCommands(services: Services, commands: readonly CommandDef[], consumers: readonly AttachmentConsumer<any>[] = []): Services {
  const core = new ChatCore(services.deps, { commands: [...defaultCommands, ...commands], consumers });
  return { ...services, core };
}

export interface HarnessOptions {
  commands?: CommandDef[];
  consumers?: AttachmentConsumer<any>[];
  /** Bytes served for file downloads, by file_id. */
  files?: Record<string, Uint8Array>;
  adapter?: Partial<TelegramOptions>;
}

/**
 * The adapter over the demo neighbourhood with no network: updates go in through bot.handleUpdate, and an
 * API transformer records every Bot API call and answers it as Telegram would. Pacing waits are recorded,
 * not slept, and log lines are kept.
 */
export function telegramHarness(options: HarnessOptions = {}) {
  const clock = new SimulatedClock(START);
  const base = testServices({ clock });
  const ids: DemoIds = seedDemo(base.deps);
  const logged: string[] = [];
  const log = createLogger('debug', (line) => logged.push(line));
  const deps = { ...base.deps, log };
  const services: Services = {
    ...base,
    deps,
    log,
    core: new ChatCore(deps, {
      commands: [...defaultCommands, ...(options.commands ?? [])],
      consumers: options.consumers ?? attachmentConsumers,
    }),
  };
  const calls: RecordedCall[] = [];
  const sleeps: number[] = [];
  const failures = new Map<string, ApiFailure[]>();
  const messageIds = new Map<number, number>();
  /** What the bot sent, as Telegram shows it: with its keyboard, edits applied. */
  const sent: Message[] = [];
  const files = options.files ?? {};

  const download: typeof fetch = async (input) => {
    const path = String(input).split('/').pop()!;
    const bytes = files[path.replace(/\.jpg$/, '')];
    return bytes ? new Response(bytes) : new Response('not found', { status: 404 });
  };
  const adapter = createTelegramAdapter(services, {
    token: TEST_TOKEN,
    botInfo: TEST_BOT,
    fetch: download,
    pacing: { now: () => clock.now().getTime(), sleep: async (ms) => void sleeps.push(ms) },
    // An album's photos are handed in together (handleAll): they have all joined before a 0 ms timer fires.
    albumWindowMs: 0,
    ...options.adapter,
  });

  const recorder: Transformer = async (_prev, method, payload, signal) => {
    calls.push({ method, payload: payload as Record<string, any> });
    const failure = failures.get(method)?.shift();
    if (failure) return { ok: false, ...failure } as any;
    return { ok: true, result: answer(method, payload as Record<string, any>, signal) } as any;
  };
  const answer = (method: string, p: Record<string, any>, signal?: { addEventListener(type: 'abort', f: () => void): void }): unknown => {
    switch (method) {
      case 'sendMessage': {
        const chatId = Number(p.chat_id);
        const id = (messageIds.get(chatId) ?? 1000) + 1;
        messageIds.set(chatId, id);
        const message = {
          message_id: id,
          date: Math.floor(clock.now().getTime() / 1000),
          chat: chatId < 0 ? { id: chatId, type: 'supergroup', title: 'g' } : { id: chatId, type: 'private', first_name: 'u' },
          from: TEST_BOT,
          text: p.text,
          ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
        } as Message;
        sent.push(message);
        return message;
      }
      case 'editMessageText': {
        const message = sent.find((m) => m.chat.id === Number(p.chat_id) && m.message_id === Number(p.message_id));
        if (message) {
          message.text = p.text;
          if (p.reply_markup?.inline_keyboard?.length) message.reply_markup = p.reply_markup;
          else delete message.reply_markup;
        }
        return { message_id: p.message_id, date: 0, chat: { id: Number(p.chat_id), type: 'supergroup', title: 'g' }, text: p.text };
      }
      case 'getFile':
        return { file_id: p.file_id, file_unique_id: `u-${p.file_id}`, file_path: `photos/${p.file_id}.jpg` };
      case 'getUpdates':
        // Long polling that never brings anything: resolves when the runner stops.
        return new Promise((resolve) => signal?.addEventListener('abort', () => resolve([])));
      default:
        return true;
    }
  };
  adapter.bot.api.config.use(recorder);

  const updates = new TelegramUpdates(TEST_BOT);
  const system: Ctx = { ...services.deps, actor: { kind: 'system', job: 'test' } };
  return {
    services,
    ids,
    clock,
    adapter,
    bot: adapter.bot,
    calls,
    sleeps,
    /** Log lines of the adapter and the chat core. */
    logged,
    updates,
    system,
    /** Handles one update as the runner or webhook would, errors going to the bot's error handler. */
    async handle(update: Update): Promise<void> {
      await adapter.bot.handleUpdate(update).catch((error) => adapter.bot.errorHandler(error));
    },
    /** Handles updates that arrive together (an album's photos), as the runner would: side by side. */
    async handleAll(updates: readonly Update[]): Promise<void> {
      await Promise.all(updates.map((update) => this.handle(update)));
    },
    /** Says `text` as `from` in `chat`; returns the texts the bot sent because of it. */
    async say(from: User, chat: Parameters<TelegramUpdates['message']>[1], text: string): Promise<string[]> {
      const before = calls.length;
      await this.handle(updates.message(from, chat, text));
      return calls
        .slice(before)
        .filter((c) => c.method === 'sendMessage')
        .map((c) => c.payload.text as string);
    },
    callsOf(method: string, from = 0): RecordedCall[] {
      return calls.slice(from).filter((c) => c.method === method);
    },
    /** Messages the bot sent, as they look now (edits applied, keyboards kept). */
    sent,
    /** The messages the bot sent to `chatId`, as they look now. */
    messagesIn(chatId: number): Message[] {
      return sent.filter((m) => m.chat.id === chatId);
    },
    /**
     * Presses the button labelled `label` (or the first whose label starts so) on a message the bot sent: the
     * notice the presser saw, the message as it is now, and the texts posted because of the press.
     */
    async press(from: User, message: Message, label: string) {
      const button =
        message.reply_markup?.inline_keyboard.flat().find((b) => b.text === label) ??
        message.reply_markup?.inline_keyboard.flat().find((b) => b.text.startsWith(label));
      if (!button || !('callback_data' in button)) throw new Error(`no button "${label}" on "${message.text?.slice(0, 40)}"`);
      const before = calls.length;
      await this.handle(updates.press(from, message, button.callback_data));
      const answers = calls.slice(before).filter((c) => c.method === 'answerCallbackQuery');
      return {
        answer: answers[0]?.payload.text as string | undefined,
        answers: answers.length,
        message: sent.find((m) => m.chat.id === message.chat.id && m.message_id === message.message_id) ?? message,
        edited: calls.slice(before).some((c) => c.method === 'editMessageText'),
        posted: calls
          .slice(before)
          .filter((c) => c.method === 'sendMessage')
          .map((c) => c.payload.text as string),
      };
    },
    /** Delivers what the outbox holds through the adapter, as the dispatcher of a running Linli would. */
    async deliver(): Promise<Message[]> {
      const before = sent.length;
      services.dispatcher.register(adapter.transport);
      await services.dispatcher.drain();
      return sent.slice(before);
    },
    /** The next call of `method` fails with this error. */
    failNext(method: string, failure: ApiFailure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
  };
}

export type TelegramHarness = ReturnType<typeof telegramHarness>;

/**
 * Drives a running adapter through the fake Bot API server, as people in Telegram chats would: say
 * something and wait for the bot's answer, send a photo, press a button of a message the bot sent.
 */
export class TelegramDriver {
  readonly updates: TelegramUpdates;

  constructor(readonly api: FakeBotApi) {
    this.updates = new TelegramUpdates(api.bot);
  }

  /** Says `text`; resolves with the next `replies` messages the bot sends to that chat. */
  async say(from: User, chat: Parameters<TelegramUpdates['message']>[1], text: string, replies = 1): Promise<Message[]> {
    return this.#expect(chat.id, replies, () => this.api.push(this.updates.message(from, chat, text)), `a reply to "${text}"`);
  }

  /** Sends a photo the fake serves for download, with an optional caption. */
  async photo(from: User, chat: Parameters<TelegramUpdates['message']>[1], bytes: Uint8Array, caption?: string, replies = 1): Promise<Message[]> {
    const fileId = this.api.addFile(`photo-${this.api.calls.length}-${Date.now()}`, bytes);
    return this.#expect(chat.id, replies, () => this.api.push(this.updates.photo(from, chat, fileId, caption)), 'a reply to a photo');
  }

  /** Sends an album of photos the fake serves for download, the caption on the photo at `captionAt`. */
  async album(
    from: User,
    chat: Parameters<TelegramUpdates['message']>[1],
    photos: readonly Uint8Array[],
    caption?: string,
    captionAt = 0,
    replies = 1,
  ): Promise<Message[]> {
    const fileIds = photos.map((bytes, i) => this.api.addFile(`album-${this.api.calls.length}-${i}-${Date.now()}`, bytes));
    const updates = this.updates.album(from, chat, fileIds, caption, captionAt);
    return this.#expect(
      chat.id,
      replies,
      () => {
        for (const update of updates) this.api.push(update);
      },
      'a reply to an album',
    );
  }

  /**
   * Presses the button labelled `label` (or the first whose label starts so) on a message the bot sent. Resolves once the press is answered
   * (the pressed message already edited) and `replies` further messages have come to the chat, with the
   * notice the presser saw, the message as it is now, and those messages.
   */
  async press(
    from: User,
    message: Message,
    label: string,
    replies = 0,
  ): Promise<{ answer: string | undefined; message: Message; replies: Message[]; update: Update }> {
    const buttons = message.reply_markup?.inline_keyboard.flat() ?? [];
    const button = buttons.find((b) => b.text === label) ?? buttons.find((b) => b.text.startsWith(label));
    if (!button || !('callback_data' in button)) throw new Error(`no button "${label}" on message ${message.message_id}: ${message.text?.slice(0, 60)}`);
    const data = button.callback_data;
    const update = this.updates.press(from, message, data);
    const id = update.callback_query!.id;
    const posted = await this.#expect(message.chat.id, replies, () => this.api.push(update), `${replies} replies to "${label}"`);
    const answer = await this.api.waitFor(() => this.api.answers.find((a) => a.callback_query_id === id), `the answer to "${label}"`);
    const now = this.api.messagesIn(message.chat.id).find((m) => m.message_id === message.message_id) ?? message;
    return { answer: answer.text, message: now, replies: posted, update };
  }

  /** Resolves once `chatId` has `count` more text messages than before `act` ran (photos are not replies). */
  async #expect(chatId: number, count: number, act: () => void, what: string): Promise<Message[]> {
    const texts = () => this.api.messagesIn(chatId).filter((m) => m.text !== undefined);
    const before = texts().length;
    act();
    return this.api.waitFor(() => {
      const now = texts();
      return now.length >= before + count ? now.slice(before, before + count) : undefined;
    }, what);
  }
}

/** A port nothing listens on right now, for a server whose URL must be known before it starts (the webhook). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The demo people, each with a Telegram account: ids 4001… in the order of the demo's members. */
const PEOPLE = ['jin', 'wang', 'li', 'chen', 'zhao', 'yang', 'barber', 'spa', 'admin'] as const;
export type Person = (typeof PEOPLE)[number];

/**
 * The demo neighbourhood on Telegram: grid 1's residents and staff groups bound through /bind, and every
 * demo member linked to a Telegram account through /start CODE in a private chat, as the deep link does.
 */
export async function telegramNeighbourhood(options: HarnessOptions = {}) {
  const h = telegramHarness(options);
  const u = h.updates;
  const users = Object.fromEntries(PEOPLE.map((who, i) => [who, u.user(4001 + i, h.ids.members[who].name)])) as Record<Person, User>;
  const residents = u.supergroup(-1004001, '荷东第一网格居民群');
  const staff = u.supergroup(-1004002, '荷东第一网格工作群');
  const dm = (who: Person) => u.privateChat(users[who]);
  for (const who of PEOPLE) {
    await h.say(users[who], dm(who), '/start ' + ownLinkCode(h.system, h.ids.members[who].id));
  }
  const bind = (unitId: number, purpose: 'residents' | 'staff') => createBindingCode(h.system, { unitId, purpose }).code;
  await h.say(users.li, residents, '/bind ' + bind(h.ids.units.grid1.id, 'residents'));
  await h.say(users.li, staff, '/bind ' + bind(h.ids.units.grid1.id, 'staff'));
  const from = h.calls.length;
  return {
    ...h,
    users,
    residents,
    staff,
    dm,
    /** The Bot API calls made during setup, to leave out of what a test looks at. */
    setupCalls: from,
  };
}
