import type { Chat, Message, MessageEntity, PhotoSize, Update, User, UserFromGetMe } from 'grammy/types';

/** A well-formed token; the Bot API servers of the tests accept only this one. */
export const TEST_TOKEN = '123456789:AAtest-token-for-linli-telegram-tests';

export const TEST_BOT: UserFromGetMe = {
  id: 123456789,
  is_bot: true,
  first_name: '邻里',
  username: 'linli_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: true,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

export type GroupChat = Chat.GroupChat | Chat.SupergroupChat;

/** The entities Telegram's clients mark: a leading /command, @usernames. Offsets in UTF-16 units, as JS counts. */
export function entitiesOf(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const match of text.matchAll(/(?<![\w/])@[A-Za-z0-9_]{5,32}/g)) {
    if (command && match.index! < command[0].length) continue;
    entities.push({ type: 'mention', offset: match.index!, length: match[0].length });
  }
  return entities;
}

/**
 * Builds the updates Telegram would send: users, chats, messages with ids counting per chat, photos,
 * button presses and group migrations. Shared by the unit tests (fed to bot.handleUpdate) and the fake
 * Bot API server (served by getUpdates or posted to the webhook).
 */
export class TelegramUpdates {
  #updateId = 5000;
  #messageIds = new Map<number, number>();
  #queryId = 0;
  date = 1_772_413_200; // 2026-03-02 09:00 Asia/Shanghai

  constructor(readonly bot: UserFromGetMe = TEST_BOT) {}

  user(id: number, firstName: string, extra: Partial<User> = {}): User {
    return { id, is_bot: false, first_name: firstName, ...extra };
  }

  supergroup(id: number, title: string): Chat.SupergroupChat {
    return { id, type: 'supergroup', title };
  }

  group(id: number, title: string): Chat.GroupChat {
    return { id, type: 'group', title };
  }

  privateChat(user: User): Chat.PrivateChat {
    return { id: user.id, type: 'private', first_name: user.first_name, ...(user.last_name ? { last_name: user.last_name } : {}) };
  }

  nextMessageId(chatId: number): number {
    const id = (this.#messageIds.get(chatId) ?? 0) + 1;
    this.#messageIds.set(chatId, id);
    return id;
  }

  nextUpdateId(): number {
    return ++this.#updateId;
  }

  /** A message update; text with a /command or @mentions gets the entities a client would add. */
  message(from: User, chat: Chat.PrivateChat | GroupChat, text: string | undefined, extra: Partial<Message> = {}): Update {
    const entities = text ? entitiesOf(text) : [];
    const message = {
      message_id: this.nextMessageId(chat.id),
      date: this.date,
      chat,
      from,
      ...(text !== undefined ? { text } : {}),
      ...(entities.length ? { entities } : {}),
      ...extra,
    } as Update['message'];
    return { update_id: this.nextUpdateId(), message };
  }

  /** A photo in the sizes Telegram makes of it, the largest last; a caption like a message's text. */
  photo(from: User, chat: Chat.PrivateChat | GroupChat, fileId: string, caption?: string, extra: Partial<Message> = {}): Update {
    const sizes: PhotoSize[] = [
      { file_id: `${fileId}-s`, file_unique_id: `${fileId}-us`, width: 90, height: 67, file_size: 1200 },
      { file_id: fileId, file_unique_id: `${fileId}-u`, width: 1280, height: 960, file_size: 98_000 },
      { file_id: `${fileId}-m`, file_unique_id: `${fileId}-um`, width: 320, height: 240, file_size: 14_000 },
    ];
    const captionEntities = caption ? entitiesOf(caption) : [];
    return this.message(from, chat, undefined, {
      photo: sizes,
      ...(caption !== undefined ? { caption } : {}),
      ...(captionEntities.length ? { caption_entities: captionEntities } : {}),
      ...extra,
    });
  }

  /**
   * An album as Telegram sends it: one photo update per file, sharing a media_group_id, the caption on the
   * photo at `captionAt` (the first, unless the sender captioned another).
   */
  album(from: User, chat: Chat.PrivateChat | GroupChat, fileIds: readonly string[], caption?: string, captionAt = 0): Update[] {
    const group = `album-${this.#updateId + 1}`;
    return fileIds.map((fileId, i) => this.photo(from, chat, fileId, i === captionAt ? caption : undefined, { media_group_id: group }));
  }

  /** A press of a button whose callback_data is `data`, on a message the bot sent. */
  press(from: User, message: Pick<Message, 'message_id' | 'chat'> & Partial<Message>, data: string): Update {
    return {
      update_id: this.nextUpdateId(),
      callback_query: {
        id: `cq-${++this.#queryId}`,
        from,
        chat_instance: `ci-${message.chat.id}`,
        data,
        message: { date: this.date, from: this.bot, ...message } as Message,
      },
    };
  }

  /** What Telegram sends when a group becomes a supergroup: a note in each chat. */
  migration(admin: User, from: Chat.GroupChat, to: Chat.SupergroupChat): [Update, Update] {
    return [
      this.message(admin, from, undefined, { migrate_to_chat_id: to.id } as Partial<Message>),
      this.message(admin, to, undefined, { migrate_from_chat_id: from.id } as Partial<Message>),
    ];
  }
}
