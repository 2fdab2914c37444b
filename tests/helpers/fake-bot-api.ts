import { createServer, type IncomingMessage as HttpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotCommand, Chat, InlineKeyboardMarkup, Message, Update, UserFromGetMe } from 'grammy/types';
import { TEST_BOT, TEST_TOKEN } from './telegram-updates.js';

export interface ApiCall {
  method: string;
  params: Record<string, any>;
}

export interface ApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
}

const WEBHOOK_RETRY_MS = 50;
/** Telegram's limit for one group: twenty messages a minute. */
const GROUP_PER_MINUTE = 20;

/**
 * A small Bot API server for end-to-end tests: the real grammY client talks HTTP to it through
 * `client.apiRoot`. It serves getUpdates with long polling and offsets, or posts updates to a webhook with
 * the secret header and retries what is refused; it keeps the messages the bot sent (edits applied), the
 * callback answers, the command menus and files to download. It checks the limits Telegram enforces, so a
 * message too long or callback_data too big fails here as it would there, and it notes when messages come
 * faster than Telegram allows. `failNext` answers one call with an error, such as 429 with retry_after.
 */
export class FakeBotApi {
  readonly calls: ApiCall[] = [];
  /** Every message the bot sent, in order, kept current with its edits. */
  readonly sent: Message[] = [];
  readonly answers: CallbackAnswer[] = [];
  /** setMyCommands calls, by "scope type/language code". */
  readonly menus = new Map<string, BotCommand[]>();
  /** Webhook posts: the update id and the status the bot's server answered. */
  readonly deliveries: { updateId: number; status: number }[] = [];
  webhook: { url: string; secret?: string; allowedUpdates?: string[] } | undefined;
  /** Old group id → new supergroup id: sending to the old id fails as Telegram's would. */
  readonly migrated = new Map<number, number>();

  readonly #queue: Update[] = [];
  readonly #chats = new Map<number, Chat>();
  readonly #messageIds = new Map<number, number>();
  readonly #failures = new Map<string, (ApiFailure & { when: (params: Record<string, any>) => boolean })[]>();
  readonly #files = new Map<string, { path: string; bytes: Uint8Array }>();
  readonly #answered = new Set<string>();
  /** When each message the bot sent arrived, by chat, to check it keeps to Telegram's pacing. */
  readonly #sentAt = new Map<number, number[]>();
  readonly #listeners = new Set<() => void>();
  #server: Server | undefined;
  #delivering = false;
  #stopped = false;
  url = '';

  constructor(
    readonly token: string = TEST_TOKEN,
    readonly bot: UserFromGetMe = TEST_BOT,
  ) {}

  /** Listens on a free local port; resolves with the apiRoot to give grammY. */
  async start(): Promise<string> {
    this.#server = createServer((req, res) => void this.#route(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#changed();
    await new Promise<void>((resolve) => {
      if (!this.#server) return resolve();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** Queues an update for the bot (getUpdates or the webhook). */
  push(update: Update): Update {
    const chat = update.message?.chat ?? update.callback_query?.message?.chat;
    if (chat) this.#chats.set(chat.id, chat);
    this.#queue.push(update);
    this.#changed();
    void this.#deliver();
    return update;
  }

  /**
   * Answers the next call of `method` with this error (grammY's auto-retry waits out a 429); with `when`, the
   * next call whose parameters it accepts.
   */
  failNext(method: string, failure: ApiFailure, when: (params: Record<string, any>) => boolean = () => true): void {
    this.#failures.set(method, [...(this.#failures.get(method) ?? []), { ...failure, when }]);
  }

  /** Makes bytes downloadable; returns the file_id to put in a photo. */
  addFile(fileId: string, bytes: Uint8Array): string {
    this.#files.set(fileId, { path: `photos/file_${this.#files.size}.jpg`, bytes });
    return fileId;
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  messagesIn(chatId: number): Message[] {
    return this.sent.filter((m) => m.chat.id === chatId);
  }

  /**
   * Where the bot broke Telegram's limits: two messages to one chat less than `minGapMs` apart (about one a
   * second; a little slack for the network), or more than twenty within a minute to a group.
   */
  pacingViolations(minGapMs = 900): string[] {
    const found: string[] = [];
    for (const [chatId, times] of this.#sentAt) {
      for (let i = 1; i < times.length; i++) {
        const gap = times[i]! - times[i - 1]!;
        if (gap < minGapMs) found.push(`chat ${chatId}: messages ${i} and ${i + 1} ${gap} ms apart`);
      }
      if (chatId >= 0) continue;
      for (let i = 0; i + GROUP_PER_MINUTE < times.length; i++) {
        const span = times[i + GROUP_PER_MINUTE]! - times[i]!;
        if (span < 60_000) found.push(`group ${chatId}: ${GROUP_PER_MINUTE + 1} messages within ${span} ms`);
      }
    }
    return found;
  }

  /** Updates not yet confirmed by a getUpdates offset or a webhook answer. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Resolves with what `probe` finds once it finds something; fails after `timeoutMs` naming `what`. */
  waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found === undefined || found === false) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = this.calls.slice(-8).map((c) => `${c.method} ${JSON.stringify(c.params).slice(0, 160)}`);
        reject(new Error(`timed out waiting for ${what}; last calls:\n  ${recent.join('\n  ')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      if (!check()) this.#listeners.add(check);
    });
  }

  #changed() {
    for (const listener of [...this.#listeners]) listener();
  }

  async #route(req: HttpRequest, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file && req.method === 'GET') return this.#download(file[1]!, file[2]!, res);
    const call = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!call) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (call[1] !== this.token) return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = call[2]!;
    const params = await readParams(req);
    this.calls.push({ method, params });
    this.#changed();
    const pending = this.#failures.get(method) ?? [];
    const at = pending.findIndex((f) => f.when(params));
    if (at !== -1) {
      const [{ when: _, ...failure }] = pending.splice(at, 1) as [ApiFailure & { when: unknown }];
      return reply(res, failure.error_code, { ok: false, ...failure });
    }
    try {
      const result = await this.#call(method, params, req);
      if (result === ABORTED) return;
      reply(res, 200, { ok: true, result });
    } catch (error) {
      if (error instanceof BadRequest)
        return reply(res, error.code, {
          ok: false,
          error_code: error.code,
          description: error.message,
          ...(error.parameters ? { parameters: error.parameters } : {}),
        });
      reply(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
    } finally {
      this.#changed();
    }
  }

  async #call(method: string, p: Record<string, any>, req: HttpRequest): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return this.bot;
      case 'getUpdates':
        return this.#getUpdates(p, req);
      case 'setWebhook':
        if (!/^https?:\/\//.test(p.url ?? '')) throw new BadRequest('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        this.webhook = {
          url: p.url,
          ...(p.secret_token ? { secret: p.secret_token } : {}),
          ...(p.allowed_updates ? { allowedUpdates: p.allowed_updates } : {}),
        };
        void this.#deliver();
        return true;
      case 'deleteWebhook':
        this.webhook = undefined;
        if (p.drop_pending_updates) this.#queue.length = 0;
        return true;
      case 'getWebhookInfo':
        return { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.#queue.length };
      case 'setMyCommands':
        return this.#setMyCommands(p);
      case 'sendMessage':
        return this.#sendMessage(p);
      case 'sendPhoto':
        return this.#sendPhoto(p);
      case 'editMessageText':
        return this.#editMessageText(p);
      case 'answerCallbackQuery':
        if (this.#answered.has(p.callback_query_id)) throw new BadRequest('Bad Request: query is too old and response timeout expired or query ID is invalid');
        if ((p.text ?? '').length > 200) throw new BadRequest('Bad Request: MESSAGE_TOO_LONG');
        this.#answered.add(p.callback_query_id);
        this.answers.push({
          callback_query_id: p.callback_query_id,
          ...(p.text !== undefined ? { text: p.text } : {}),
          ...(p.show_alert ? { show_alert: true } : {}),
        });
        return true;
      case 'getFile': {
        const found = this.#files.get(p.file_id);
        if (!found) throw new BadRequest('Bad Request: invalid file_id');
        return { file_id: p.file_id, file_unique_id: `u-${p.file_id}`, file_size: found.bytes.byteLength, file_path: found.path };
      }
      default:
        throw new BadRequest('Not Found: method not found', 404);
    }
  }

  /** Long polling: confirms what is below `offset`, answers at once if anything is left, else waits. */
  async #getUpdates(p: Record<string, any>, req: HttpRequest): Promise<unknown> {
    if (this.webhook) throw new BadRequest("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 409);
    const offset = Number(p.offset ?? 0);
    if (offset > 0) this.#confirm(offset);
    const limit = Math.min(Number(p.limit ?? 100), 100);
    const waitMs = Number(p.timeout ?? 0) * 1000;
    const available = () => this.#queue.filter((u) => u.update_id >= offset).slice(0, limit);
    if (!available().length && waitMs > 0 && !this.#stopped) {
      const aborted = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(false), waitMs);
        const listener = () => {
          if (available().length || this.#stopped) done(false);
        };
        const onClose = () => done(true);
        const done = (closed: boolean) => {
          clearTimeout(timer);
          this.#listeners.delete(listener);
          req.socket.off('close', onClose);
          resolve(closed);
        };
        this.#listeners.add(listener);
        req.socket.once('close', onClose);
      });
      if (aborted) return ABORTED;
    }
    return available();
  }

  #confirm(offset: number) {
    const keep = this.#queue.filter((u) => u.update_id >= offset);
    this.#queue.length = 0;
    this.#queue.push(...keep);
  }

  /** Posts queued updates to the webhook one by one; one refused is posted again until accepted. */
  async #deliver(): Promise<void> {
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      while (this.webhook && this.#queue.length && !this.#stopped) {
        const update = this.#queue[0]!;
        const { url, secret } = this.webhook;
        let status: number;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(secret ? { 'X-Telegram-Bot-Api-Secret-Token': secret } : {}) },
            body: JSON.stringify(update),
          });
          status = response.status;
          await response.arrayBuffer();
        } catch {
          status = 0;
        }
        this.deliveries.push({ updateId: update.update_id, status });
        if (status >= 200 && status < 300) this.#queue.shift();
        else await new Promise((resolve) => setTimeout(resolve, WEBHOOK_RETRY_MS));
        this.#changed();
      }
    } finally {
      this.#delivering = false;
    }
  }

  #setMyCommands(p: Record<string, any>) {
    const commands = (p.commands ?? []) as BotCommand[];
    if (commands.length > 100) throw new BadRequest('Bad Request: too many commands');
    for (const c of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw new BadRequest('Bad Request: BOT_COMMAND_INVALID');
      if (!c.description || c.description.length > 256) throw new BadRequest('Bad Request: command description is invalid');
    }
    this.menus.set(`${p.scope?.type ?? 'default'}/${p.language_code ?? ''}`, commands);
    return true;
  }

  #chat(chatId: unknown): Chat {
    const id = Number(chatId);
    const moved = this.migrated.get(id);
    if (moved !== undefined) {
      throw new BadRequest('Bad Request: group chat was upgraded to a supergroup chat', 400, { migrate_to_chat_id: moved });
    }
    return this.#chats.get(id) ?? (id < 0 ? { id, type: 'supergroup', title: `chat ${id}` } : { id, type: 'private', first_name: `user ${id}` });
  }

  #sendMessage(p: Record<string, any>): Message {
    const chat = this.#chat(p.chat_id);
    const text = String(p.text ?? '');
    if (!text.trim()) throw new BadRequest('Bad Request: message text is empty');
    if (text.length > 4096) throw new BadRequest('Bad Request: message is too long');
    checkKeyboard(p.reply_markup);
    const id = (this.#messageIds.get(chat.id) ?? 1000) + 1;
    this.#messageIds.set(chat.id, id);
    const message = {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: this.bot,
      text,
      ...(p.entities ? { entities: p.entities } : {}),
      ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
      ...(p.reply_parameters ? { reply_to_message_id: p.reply_parameters.message_id } : {}),
      ...(p.message_thread_id ? { message_thread_id: p.message_thread_id } : {}),
    } as Message & { reply_to_message_id?: number };
    this.sent.push(message);
    this.#sentAt.set(chat.id, [...(this.#sentAt.get(chat.id) ?? []), Date.now()]);
    return message;
  }

  #sendPhoto(p: Record<string, any>): Message {
    const chat = this.#chat(p.chat_id);
    // grammY uploads a file as its own part and names it in the field: "attach://<part>".
    const named = typeof p.photo === 'string' && p.photo.startsWith('attach://') ? p[p.photo.slice(9)] : p.photo;
    const photo = named as { upload?: string; size?: number } | string | undefined;
    const uploaded = typeof photo === 'object' && photo?.size ? photo : undefined;
    if (!uploaded && typeof photo !== 'string') throw new BadRequest('Bad Request: there is no photo in the request');
    const id = (this.#messageIds.get(chat.id) ?? 1000) + 1;
    this.#messageIds.set(chat.id, id);
    const fileId = `sent-photo-${chat.id}-${id}`;
    const message = {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: this.bot,
      photo: [{ file_id: fileId, file_unique_id: `u-${fileId}`, width: 1, height: 1, ...(uploaded ? { file_size: uploaded.size } : {}) }],
      ...(p.caption ? { caption: String(p.caption) } : {}),
    } as Message;
    this.sent.push(message);
    this.#sentAt.set(chat.id, [...(this.#sentAt.get(chat.id) ?? []), Date.now()]);
    return message;
  }

  #editMessageText(p: Record<string, any>): Message {
    const message = this.sent.find((m) => m.chat.id === Number(p.chat_id) && m.message_id === Number(p.message_id));
    if (!message) throw new BadRequest('Bad Request: message to edit not found');
    const text = String(p.text ?? '');
    if (!text.trim()) throw new BadRequest('Bad Request: message text is empty');
    if (text.length > 4096) throw new BadRequest('Bad Request: MESSAGE_TOO_LONG');
    checkKeyboard(p.reply_markup);
    const markup = p.reply_markup?.inline_keyboard?.length ? p.reply_markup : undefined;
    if (message.text === text && JSON.stringify(message.reply_markup) === JSON.stringify(markup)) {
      throw new BadRequest(
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    const edited = message as Message & { edit_date?: number };
    edited.text = text;
    if (markup) edited.reply_markup = markup;
    else delete edited.reply_markup;
    edited.edit_date = Math.floor(Date.now() / 1000);
    return message;
  }

  #download(token: string, path: string, res: ServerResponse) {
    const found = [...this.#files.values()].find((f) => f.path === path);
    if (token !== this.token || !found) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.bytes.byteLength });
    res.end(found.bytes);
  }
}

const ABORTED = Symbol('aborted');

class BadRequest extends Error {
  constructor(
    message: string,
    readonly code = 400,
    readonly parameters?: ApiFailure['parameters'],
  ) {
    super(message);
  }
}

function checkKeyboard(markup: InlineKeyboardMarkup | undefined) {
  for (const row of markup?.inline_keyboard ?? []) {
    for (const button of row) {
      if ('callback_data' in button && Buffer.byteLength(button.callback_data, 'utf8') > 64) {
        throw new BadRequest('Bad Request: BUTTON_DATA_INVALID');
      }
    }
  }
}

function reply(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** grammY posts JSON; query strings and form bodies are accepted too, as the real server does. */
/** The parts of a multipart/form-data body, as grammY writes it for uploads. */
function multipartParts(raw: Buffer, type: string): { name: string; filename?: string; body: Buffer }[] {
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { name: string; filename?: string; body: Buffer }[] = [];
  let at = raw.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    const next = raw.indexOf(delimiter, start);
    if (next === -1) break;
    const chunk = raw.subarray(start, next);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = chunk.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]*)"/.exec(headers)?.[1];
      const filename = /filename="?([^";\r\n]*)"?/.exec(headers)?.[1] ?? (/content-type:\s*application\/octet-stream/i.test(headers) ? '' : undefined);
      // The body ends before the CRLF that precedes the next delimiter.
      const body = chunk.subarray(headerEnd + 4, chunk.length - 2);
      if (name !== undefined) parts.push({ name, ...(filename !== undefined ? { filename } : {}), body });
    }
    at = next;
  }
  return parts;
}

async function readParams(req: HttpRequest): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const body = raw.toString('utf8');
  const params: Record<string, any> = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  if (!body) return params;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('multipart/form-data')) {
    // Uploads (sendPhoto with a file): fields as values, files as their name and size.
    for (const part of multipartParts(raw, type)) {
      if (part.filename !== undefined) {
        params[part.name] = { upload: part.filename, size: part.body.byteLength };
        continue;
      }
      const v = part.body.toString('utf8');
      try {
        params[part.name] = JSON.parse(v);
      } catch {
        params[part.name] = v;
      }
    }
    return params;
  }
  if ((req.headers['content-type'] ?? '').includes('application/json')) return { ...params, ...JSON.parse(body) };
  for (const [k, v] of new URLSearchParams(body)) {
    try {
      params[k] = JSON.parse(v);
    } catch {
      params[k] = v;
    }
  }
  return params;
}
