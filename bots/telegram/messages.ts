import { Composer, type Context } from 'grammy';
import type { ChatCore } from '../../src/chat/core.js';
import type { AlbumCollector } from './albums.js';
import { imagesOf, type FileSource } from './photos.js';
import type { TelegramSender } from './send.js';
import { type BotAccount, isGroup, toIncoming } from './updates.js';

export interface MessageDeps {
  core: ChatCore;
  sender: TelegramSender;
  files: FileSource;
  account: () => BotAccount;
  albums: AlbumCollector;
}

/**
 * Messages in groups and private chats go to the chat core with their images; its replies answer the
 * message (in a group, as a reply to it, in its forum topic). An album is one message: its caption (on
 * whichever photo carries it) with all its photos, answered once.
 */
export function messagesComposer(d: MessageDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message', async (ctx) => {
    const album = await d.albums.collect(ctx.message);
    const message = album.find((m) => m.caption) ?? album[0]!;
    const incoming = toIncoming(message, d.account());
    if (!incoming) return;
    const images = album.flatMap((m) => imagesOf(m, d.files));
    if (!incoming.text && !images.length) return;
    const handled = {
      ...incoming,
      // The album's first photo names it, wherever the caption is: an album sent again is handled once.
      messageId: String(album[0]!.message_id),
      ...(images.length ? { attachments: images } : {}),
    };
    const result = await d.core.handle(handled);
    await d.sender.reply(incoming.roomId, result.replies, {
      ...(isGroup(message.chat) ? { replyTo: message.message_id } : {}),
      ...(message.is_topic_message && message.message_thread_id !== undefined ? { threadId: message.message_thread_id } : {}),
    });
    d.core.replied(handled, result);
  });
  return composer;
}
