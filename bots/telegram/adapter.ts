import { autoRetry } from '@grammyjs/auto-retry';
import { run, type RunnerHandle, sequentialize } from '@grammyjs/runner';
import { Bot, BotError } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { ChatAdapter } from '../../src/chat/adapter.js';
import type { Transport } from '../../src/chat/outbox.js';
import type { Mount } from '../../src/http/app.js';
import type { Services } from '../../src/services.js';
import { AlbumCollector } from './albums.js';
import { buttonsComposer } from './buttons.js';
import { registerCommands } from './commands.js';
import { messagesComposer } from './messages.js';
import { migrationComposer } from './migration.js';
import { ChatPacers, type PacingClock } from './pacing.js';
import type { FileSource } from './photos.js';
import { commandShortener, slashCommands, TelegramSender } from './send.js';
import { type BotAccount, chatKey, isGroupId, RecentUpdates, TELEGRAM } from './updates.js';
import { webhookMount } from './webhook.js';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

/** The updates Linli acts on; Telegram sends nothing else. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface TelegramOptions {
  token: string;
  /** A self-hosted Bot API server; Telegram's by default. */
  apiRoot?: string | undefined;
  /** Webhook mode: Telegram posts updates to `url` (our POST /telegram/webhook) with the secret. */
  webhook?: { url: string; secret: string } | undefined;
  /** The bot's own account, when already known; otherwise start() asks getMe. */
  botInfo?: UserFromGetMe;
  /** The HTTP client for the Bot API and file downloads. */
  fetch?: typeof fetch;
  /** The clock the per-chat pacing waits on. */
  pacing?: PacingClock;
  /** How long an album waits after its latest photo for another (ALBUM_WINDOW_MS). */
  albumWindowMs?: number;
}

export interface TelegramAdapter extends ChatAdapter {
  readonly platform: typeof TELEGRAM;
  bot: Bot;
  /** Delivers outbox rows of platform 'telegram'; registered with the dispatcher while running. */
  transport: Transport;
  mode: 'polling' | 'webhook';
  /** The webhook route for the HTTP app, in webhook mode. */
  mount: Mount | undefined;
  /** Connects (getMe), registers the command menus, then polls or sets the webhook. */
  start(): Promise<BotAccount>;
  /** Stops taking updates and waits for those under way. */
  stop(): Promise<void>;
  /** Settles when the updates taken so far have been handled. */
  idle(): Promise<void>;
  /** The bot's username and mode, once started. */
  describe(): { username: string; mode: 'polling' | 'webhook' };
}

/**
 * The Telegram adapter: updates become chat-core messages, replies and outbox rows become Bot API calls.
 * One chat's updates are handled in order, chats in parallel, in both long-polling and webhook mode.
 */
export function createTelegramAdapter(services: Services, options: TelegramOptions): TelegramAdapter {
  const log = services.log.child('telegram');
  const apiRoot = (options.apiRoot ?? DEFAULT_API_ROOT).replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const bot = new Bot(options.token, {
    client: { apiRoot, ...(options.fetch ? { fetch: options.fetch } : {}) },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  // A 429 waits out retry_after, a 5xx backs off; network errors surface, and the outbox retries its rows.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 300, rethrowHttpErrors: true }));

  const account = (): BotAccount => ({
    id: bot.botInfo.id,
    username: bot.botInfo.username,
    privacyMode: !bot.botInfo.can_read_all_group_messages,
  });
  const slash = slashCommands(services.core.commands);
  const sender = new TelegramSender(bot.api, {
    core: services.core,
    dataDir: services.deps.settings.dataDir,
    log,
    pacers: new ChatPacers(options.pacing),
    shorten: commandShortener(services.core.commands),
    wording: (chatId, text) => (isGroupId(chatId) && account().privacyMode ? slash(text) : text),
  });
  const files: FileSource = { api: bot.api, apiRoot, token: options.token, fetch: fetchImpl };

  const recent = new RecentUpdates();
  const underway = new Set<Promise<unknown>>();
  bot.use((ctx, next) => {
    if (!recent.fresh(ctx.update.update_id)) return;
    const handling = next();
    underway.add(handling);
    return handling.finally(() => underway.delete(handling));
  });
  // An album's photos after the first join it here rather than queue behind it, which waits for them.
  const albums = new AlbumCollector(options.albumWindowMs);
  bot.use(albums.middleware);
  bot.use(sequentialize((ctx) => chatKey(ctx.update)));
  bot.use(migrationComposer(services.core, log));
  bot.use(buttonsComposer({ core: services.core, sender, log, account }));
  bot.use(messagesComposer({ core: services.core, sender, files, account, albums }));
  bot.catch((error) => {
    log.error('update handling failed', {
      update: error.ctx.update.update_id,
      chat: chatKey(error.ctx.update),
      error: error.error,
      stack: error.error instanceof Error ? error.error.stack?.split('\n').slice(0, 4).join(' | ') : undefined,
    });
  });

  const transport: Transport = {
    platform: TELEGRAM,
    async send(roomId, message) {
      await sender.send(roomId, message);
    },
  };

  let runner: RunnerHandle | undefined;
  let accepting = false;
  /** Aborts a start still waiting for Telegram (grammY retries getMe for as long as the network is down). */
  let starting: AbortController | undefined;
  let stopped = false;
  const idle = async () => {
    while (underway.size) await Promise.allSettled([...underway]);
  };

  const webhook = options.webhook;
  const mount = webhook
    ? webhookMount({
        secret: webhook.secret,
        accept(update: Update) {
          if (!accepting) return false;
          // Errors reach bot.catch's handler; the request is already answered. handleUpdate wraps what the
          // middleware throws in a BotError; anything else failed before the update reached it.
          void bot
            .handleUpdate(update)
            .catch((error) =>
              error instanceof BotError ? bot.errorHandler(error) : log.error('webhook update not handled', { update: update.update_id, error }),
            );
          return true;
        },
      })
    : undefined;

  const mode = webhook ? 'webhook' : 'polling';
  return {
    platform: TELEGRAM,
    bot,
    transport,
    mode,
    mount,
    describe: () => ({ username: bot.botInfo.username, mode }),
    async start() {
      stopped = false;
      // A stop while a step below is still waiting on Telegram must not be followed by polling.
      const unlessStopped = () => {
        if (!stopped) return;
        accepting = false;
        throw new Error('stopped while starting');
      };
      starting = new AbortController();
      try {
        // grammY types its signal with a polyfill's AbortSignal; the platform one is what it uses at run time.
        await bot.init(starting.signal as Parameters<typeof bot.init>[0]);
      } finally {
        starting = undefined;
      }
      try {
        await registerCommands(bot.api, services.core.commands, services.deps.settings.lang);
      } catch (error) {
        // The menu is a convenience: without it every command still works.
        log.warn('could not register the command menu', { error });
      }
      unlessStopped();
      if (account().privacyMode) {
        log.info('privacy mode is on: in groups the bot hears only /commands, and its hints there say those');
      }
      accepting = true;
      if (webhook) {
        await bot.api.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
      } else {
        // getUpdates is refused while a webhook is set (say, from an earlier run in webhook mode).
        await bot.api.deleteWebhook();
        unlessStopped();
        runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
        runner.task()?.catch((error) => log.error('polling stopped', { error }));
      }
      unlessStopped();
      services.dispatcher.register(transport);
      return account();
    },
    async stop() {
      stopped = true;
      starting?.abort();
      accepting = false;
      // The webhook stays set: Telegram keeps the updates for the next start.
      await runner?.stop();
      runner = undefined;
      await idle();
      services.dispatcher.unregister(TELEGRAM);
    },
    idle,
  };
}
