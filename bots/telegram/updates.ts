import type { Chat, Message, MessageEntity, Update, User } from 'grammy/types';
import type { IncomingMessage } from '../../src/chat/types.js';

/** The platform name in rooms, identities and outbox rows. */
export const TELEGRAM = 'telegram';

/** What the adapter knows of its own bot account (from getMe). */
export interface BotAccount {
  id: number;
  username: string;
  /**
   * Privacy mode is on (getMe's can_read_all_group_messages is false): in groups the bot receives only
   * /commands and replies to its messages, so it tells people there to type the slash form.
   */
  privacyMode: boolean;
}

/** Whether a chat id is a group's: Telegram's groups and supergroups have negative ids, people positive. */
export const isGroupId = (chatId: string) => chatId.startsWith('-');

/**
 * The payload of the deep link we hand out as the private-chat hint. "/start" alone (Telegram's Start
 * button) and "/start hi" greet with help; "/start CODE" is the bind command's alias and links an account.
 */
export const GREETING_PAYLOAD = 'hi';

export const deepLink = (bot: BotAccount, payload = GREETING_PAYLOAD) => `https://t.me/${bot.username}?start=${payload}`;

export function displayName(user: Pick<User, 'first_name' | 'last_name' | 'username' | 'id'>): string {
  const full = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return full || user.username || String(user.id);
}

export const isGroup = (chat: Pick<Chat, 'type'>) => chat.type === 'group' || chat.type === 'supergroup';

export function roomName(chat: Chat, sender: string): string {
  return 'title' in chat && chat.title ? chat.title : sender;
}

/** The chat an update belongs to, for handling one chat's updates in order. */
export function chatKey(update: Update): string | undefined {
  const chat = update.message?.chat ?? update.callback_query?.message?.chat;
  if (chat) return String(chat.id);
  const from = update.callback_query?.from;
  return from ? `user:${from.id}` : undefined;
}

/** Who speaks: the user, or the group or channel an anonymous admin or a linked channel speaks as. */
export function senderOf(message: Message): { id: string; name: string; language?: string } | undefined {
  if (message.sender_chat) {
    return { id: String(message.sender_chat.id), name: roomName(message.sender_chat, String(message.sender_chat.id)) };
  }
  const from = message.from;
  if (!from || from.is_bot) return undefined;
  return { id: String(from.id), name: displayName(from), ...(from.language_code ? { language: from.language_code } : {}) };
}

const slice = (text: string, entity: MessageEntity) => text.slice(entity.offset, entity.offset + entity.length);

/** The bot is addressed by an @username mention anywhere, or a mention without username. */
export function mentionsBot(message: Message, bot: BotAccount): boolean {
  const text = message.text ?? message.caption ?? '';
  const entities = message.entities ?? message.caption_entities ?? [];
  return entities.some(
    (e) => (e.type === 'mention' && slice(text, e).toLowerCase() === `@${bot.username.toLowerCase()}`) || (e.type === 'text_mention' && e.user.id === bot.id),
  );
}

/**
 * Telegram's Start button sends "/start" and our greeting link "/start hi": both mean hello, so they are
 * answered with help rather than with the bind command's usage line.
 */
function greetingAsHelp(text: string, bot: BotAccount): string {
  const match = /^\/start(?:@(\S+))?(?:\s+(\S*))?\s*$/i.exec(text.trim());
  if (!match) return text;
  const [, to, payload] = match;
  if (to !== undefined && to.toLowerCase() !== bot.username.toLowerCase()) return text;
  return !payload || payload === GREETING_PAYLOAD ? '/help' : text;
}

/**
 * A message as the chat core sees it, without attachments (photos.ts adds them). Undefined for what the
 * core has no use for: messages from bots and channel posts.
 */
export function toIncoming(message: Message, bot: BotAccount): IncomingMessage | undefined {
  // A channel's post copied into its discussion group is the channel speaking, not a member.
  if (message.chat.type === 'channel' || message.is_automatic_forward) return undefined;
  const sender = senderOf(message);
  if (!sender) return undefined;
  const text = message.text ?? message.caption ?? '';
  return {
    platform: TELEGRAM,
    roomId: String(message.chat.id),
    roomName: roomName(message.chat, sender.name),
    isPrivate: message.chat.type === 'private',
    senderId: sender.id,
    senderName: sender.name,
    messageId: String(message.message_id),
    text: greetingAsHelp(text, bot),
    mentioned: mentionsBot(message, bot),
    inReplyToBot: message.reply_to_message?.from?.id === bot.id,
    botNames: [bot.username],
    ...(sender.language ? { senderLanguage: sender.language } : {}),
    privateChatHint: deepLink(bot),
  };
}

/**
 * Update ids seen lately in this process. Telegram resends an update whose webhook call failed or whose
 * getUpdates offset was not confirmed; the core dedupes by message, this catches the rest cheaply.
 */
export class RecentUpdates {
  readonly #seen = new Set<number>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time an id is offered. */
  fresh(updateId: number): boolean {
    if (this.#seen.has(updateId)) return false;
    this.#seen.add(updateId);
    if (this.#seen.size > this.capacity) {
      // Sets iterate in insertion order: drop the oldest.
      this.#seen.delete(this.#seen.values().next().value!);
    }
    return true;
  }
}
