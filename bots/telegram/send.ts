import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Api, GrammyError, InputFile } from 'grammy';
import type { InlineKeyboardMarkup, Message, MessageEntity } from 'grammy/types';
import type { CommandDef } from '../../src/chat/command.js';
import { normalizeText } from '../../src/chat/parser.js';
import type { ChatPort } from '../../src/chat/port.js';
import type { Button, OutMessage } from '../../src/chat/types.js';
import type { Logger } from '../../src/log.js';
import type { ChatPacers } from './pacing.js';
import { TELEGRAM } from './updates.js';

/** Bot API limits: a message's text, a button's callback_data, a callback answer's text. */
export const MESSAGE_LIMIT = 4096;
export const CALLBACK_DATA_BYTES = 64;
export const CALLBACK_ANSWER_LIMIT = 200;

const NO_PREVIEW = { is_disabled: true } as const;

/** Splits a long text into messages Telegram accepts, at line breaks where it can, then at spaces. */
export function splitText(text: string, limit = MESSAGE_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    // Never cut a surrogate pair (an emoji) in half.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.trim()) parts.push(rest);
  return parts;
}

export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return text.slice(0, limit - 1) + '…';
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** The commands' Chinese words, longest first (我的券 before 我的), each with its English /name. */
function spokenWords(commands: readonly CommandDef[]): { word: string; name: string; args: CommandDef['args'] }[] {
  const byWord = new Map<string, CommandDef>();
  for (const c of commands) for (const w of c.words) byWord.set(w, c);
  return [...byWord].map(([word, c]) => ({ word, name: c.name, args: c.args })).sort((a, b) => b.word.length - a.word.length);
}

/**
 * callback_data is the command a press runs, and holds at most 64 bytes. A command that does not fit is
 * shortened by saying its leading Chinese word as the English /name ("兑换 R3" → "/redeem R3"); what
 * still does not fit gets no button (the text always says what to type).
 */
export function commandShortener(commands: readonly CommandDef[]): (command: string) => string | undefined {
  const spoken = spokenWords(commands);
  return (command) => {
    if (bytes(command) <= CALLBACK_DATA_BYTES) return command;
    const text = normalizeText(command).replace(/^[/#]/, '');
    const found = spoken.find((s) => text.startsWith(s.word));
    if (!found) return undefined;
    const short = `/${found.name}${text.slice(found.word.length).replace(/^\s*/, ' ')}`.trimEnd();
    return bytes(short) <= CALLBACK_DATA_BYTES ? short : undefined;
  };
}

/**
 * With privacy mode on, a bot in a group receives only /commands (and replies to its messages), so a hint
 * there to send 「进度 T1」 names words it never sees. This says the commands a text quotes in their slash
 * form (「进度 T1」 → 「/status T1」), and so the commands help lists ("· 帮助 — …" → "· /help — …"). A
 * quote counts as a command only in a form the command takes (「积分」 alone, 「接单 T1」 with its
 * arguments), so a quoted report (「积分怎么算」) stays as it was said.
 */
export function slashCommands(commands: readonly CommandDef[]): (text: string) => string {
  const spoken = spokenWords(commands);
  const fits = (args: CommandDef['args'], rest: string) => (rest === '' ? args !== 'required' : args !== 'none' && /^[\s!！]/.test(rest));
  return (text) =>
    text
      .replace(/「([^」\n]+)」/g, (quote, inner: string) => {
        const found = spoken.find((s) => inner.startsWith(s.word) && fits(s.args, inner.slice(s.word.length)));
        return found ? `「/${found.name}${inner.slice(found.word.length)}」` : quote;
      })
      .replace(/^· (\S+)(?=\s)/gm, (line, word: string) => {
        const found = spoken.find((s) => s.word === word);
        return found ? `· /${found.name}` : line;
      });
}

export interface SendOptions {
  /** Answer this message (in groups, so a busy chat shows who is answered). */
  replyTo?: number;
  /** The forum topic the answered message was in. */
  threadId?: number;
}

export interface SenderDeps {
  /** Where a reply that cannot go now is queued, and what a group's move and a user's name are told to. */
  core: ChatPort;
  /** Where the photos of outbox rows are kept. */
  dataDir: string;
  log: Logger;
  pacers: ChatPacers;
  shorten: (command: string) => string | undefined;
  /** A text as people in the chat can act on it: slash commands where the bot hears only those. */
  wording?: (chatId: string, text: string) => string;
}

/** Everything the adapter says goes through here: paced per chat, split to fit, buttons as an inline keyboard. */
export class TelegramSender {
  constructor(
    private readonly api: Api,
    private readonly d: SenderDeps,
  ) {}

  keyboard(buttons: Button[][] | undefined): InlineKeyboardMarkup | undefined {
    if (!buttons?.length) return undefined;
    const rows = buttons
      .map((row) =>
        row.flatMap((button) => {
          const data = this.d.shorten(button.command);
          if (data === undefined) {
            this.d.log.warn('button dropped: its command does not fit in callback_data', { command: button.command });
            return [];
          }
          return [{ text: button.label, callback_data: data }];
        }),
      )
      .filter((row) => row.length > 0);
    return rows.length ? { inline_keyboard: rows } : undefined;
  }

  /**
   * Sends one message, in as many parts as its length needs; the buttons go with the last part. A group
   * that became a supergroup is followed to its new id (and its room moved there).
   */
  async send(chatId: string, message: OutMessage, options: SendOptions = {}): Promise<Message[]> {
    try {
      return await this.#send(chatId, message, options);
    } catch (error) {
      const movedTo = error instanceof GrammyError ? error.parameters.migrate_to_chat_id : undefined;
      if (movedTo === undefined) throw error;
      this.d.core.roomMoved(TELEGRAM, chatId, String(movedTo));
      this.d.log.info('group became a supergroup; following it', { from: chatId, to: movedTo });
      return this.#send(String(movedTo), message, {});
    }
  }

  async #send(chatId: string, message: OutMessage, options: SendOptions): Promise<Message[]> {
    const mention = this.#mention(chatId, message.mentionUserId);
    const text = this.wording(chatId, message.text);
    const parts = splitText(mention ? `${mention.name} ${text}` : text);
    const keyboard = this.keyboard(message.buttons);
    const sent: Message[] = [];
    for (const [i, part] of parts.entries()) {
      const first = i === 0;
      const last = i === parts.length - 1;
      sent.push(
        await this.d.pacers.run(chatId, () =>
          this.api.sendMessage(chatId, part, {
            link_preview_options: NO_PREVIEW,
            ...(first && mention ? { entities: [mention.entity] } : {}),
            ...(first && options.replyTo !== undefined ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } } : {}),
            ...(options.threadId !== undefined ? { message_thread_id: options.threadId } : {}),
            ...(last && keyboard ? { reply_markup: keyboard } : {}),
          }),
        ),
      );
    }
    for (const path of message.images ?? []) {
      const photo = await this.#photo(chatId, path, options);
      if (photo) sent.push(photo);
    }
    return sent;
  }

  /** A photo from the data directory; one that is gone or refused is logged and skipped. */
  async #photo(chatId: string, path: string, options: SendOptions): Promise<Message | undefined> {
    const file = join(this.d.dataDir, path);
    if (!existsSync(file)) {
      this.d.log.warn('photo missing from the data directory; not sent', { chat: chatId, path });
      return undefined;
    }
    try {
      return await this.d.pacers.run(chatId, () =>
        this.api.sendPhoto(chatId, new InputFile(file), options.threadId !== undefined ? { message_thread_id: options.threadId } : {}),
      );
    } catch (error) {
      // The text went out: a photo that fails is logged, not retried with the text again.
      this.d.log.warn('photo not sent', { chat: chatId, path, error });
      return undefined;
    }
  }

  /**
   * Answers in a chat. A reply that cannot go now (the network, Telegram down) is handed to the outbox,
   * which retries it with backoff: the message was already marked handled and will not come again.
   */
  async reply(chatId: string, replies: readonly OutMessage[], options: SendOptions = {}): Promise<void> {
    for (const [i, reply] of replies.entries()) {
      try {
        await this.send(chatId, reply, i === 0 ? options : { ...options, replyTo: undefined });
      } catch (error) {
        const queued = this.d.core.replyLater(TELEGRAM, chatId, reply, 'telegram:reply');
        this.d.log.warn('reply failed; queued in the outbox', { chat: chatId, queued, error });
      }
    }
  }

  /** What a text says in this chat: commands the bot can hear there (see slashCommands). */
  wording(chatId: string, text: string): string {
    return this.d.wording ? this.d.wording(chatId, text) : text;
  }

  /** About how long a message to the chat would wait for its turn now. */
  delay(chatId: string): number {
    return this.d.pacers.delay(chatId);
  }

  /** Shows a pressed message's new state. An unchanged card is not an error. */
  async editCard(chatId: string, messageId: number, card: OutMessage): Promise<void> {
    try {
      // An edit counts against the chat's limits like a message: a burst of presses is paced too.
      await this.d.pacers.run(chatId, () =>
        this.api.editMessageText(chatId, messageId, truncate(this.wording(chatId, card.text), MESSAGE_LIMIT), {
          link_preview_options: NO_PREVIEW,
          // An empty keyboard removes the buttons of a card that has none left.
          reply_markup: this.keyboard(card.buttons) ?? { inline_keyboard: [] },
        }),
      );
    } catch (error) {
      if (error instanceof GrammyError && /message is not modified/i.test(error.description)) return;
      throw error;
    }
  }

  /** In a group, a message addressed to someone starts with their name, linked to them. */
  #mention(chatId: string, userId: string | undefined): { name: string; entity: MessageEntity } | undefined {
    if (userId === undefined || !chatId.startsWith('-') || !/^\d+$/.test(userId)) return undefined;
    const name = this.d.core.displayName(TELEGRAM, userId) || userId;
    return {
      name,
      entity: { type: 'text_mention', offset: 0, length: name.length, user: { id: Number(userId), is_bot: false, first_name: name } },
    };
  }
}
