import { Composer, type Context } from 'grammy';
import type { ChatCore } from '../../src/chat/core.js';
import { imagesOf, type FileSource } from './photos.js';
import type { TelegramSender } from './send.js';
import { type BotAccount, isGroup, toIncoming } from './updates.js';

export interface MessageDeps {
  core: ChatCore;
  sender: TelegramSender;
  files: FileSource;
  account: () => BotAccount;
}

/**
 * Messages in groups and private chats go to the chat core with their images; its replies answer the
 * message (in a group, as a reply to it, in its forum topic).
 */
export function messagesComposer(d: MessageDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message', async (ctx) => {
    const message = ctx.message;
    const incoming = toIncoming(message, d.account());
    if (!incoming) return;
    const images = imagesOf(message, d.files);
    if (!incoming.text && !images.length) return;
    const result = await d.core.handle(images.length ? { ...incoming, attachments: images } : incoming);
    await d.sender.reply(incoming.roomId, result.replies, {
      ...(isGroup(message.chat) ? { replyTo: message.message_id } : {}),
      ...(message.is_topic_message && message.message_thread_id !== undefined ? { threadId: message.message_thread_id } : {}),
    });
  });
  return composer;
}
