import { types, type Message, type Wechaty } from 'wechaty';
import type { Attachment, IncomingMessage } from '../../src/chat/types.js';
import type { Translate } from '../../src/i18n/index.js';
import type { WechatContext } from './context.js';
import { reasonOf } from './lifecycle.js';

/** The platform name of WeChat rooms, identities and outbox rows. */
export const WECHAT = 'wechat';

/** The conversation a message belongs to: its group, or for a one-to-one chat the other person. */
export function conversationIdOf(message: Message): string {
  return message.room()?.id ?? message.talker().id;
}

/**
 * Turns a wechaty message into what the chat core reads. Undefined for what the bot does not act on: its
 * own messages, official accounts, and kinds other than text and images (voice, stickers, links, ...).
 */
export async function toIncoming(
  bot: Wechaty,
  message: Message,
  privateChatHint: NonNullable<IncomingMessage['privateChatHint']>,
): Promise<IncomingMessage | undefined> {
  if (message.self()) return undefined;
  const type = message.type();
  if (type !== types.Message.Text && type !== types.Message.Image) return undefined;
  const talker = message.talker();
  if (talker.type() === types.Contact.Official) return undefined;
  const room = message.room();
  const self = bot.currentUser;

  // People @mention the bot by its WeChat name or by its nickname in the group; many puppets never fill
  // in mention ids, so the parser finds the name in the text.
  const botNames = [self.name()];
  let text = type === types.Message.Text ? message.text() : '';
  let mentioned = false;
  if (room) {
    const nickname = await room.alias(self).catch(() => undefined);
    if (nickname && !botNames.includes(nickname)) botNames.push(nickname);
    if (text.includes('@') && (await message.mentionSelf().catch(() => false))) {
      mentioned = true;
      text = await message.mentionText();
    }
  }

  const attachments: Attachment[] =
    type === types.Message.Image
      ? [
          {
            kind: 'image',
            load: async () => {
              const file = await message.toFileBox();
              return new Uint8Array(await file.toBuffer());
            },
          },
        ]
      : [];

  return {
    platform: WECHAT,
    roomId: room ? room.id : talker.id,
    roomName: room ? await room.topic() : talker.name(),
    isPrivate: !room,
    senderId: talker.id,
    // The name shown in the group, which is what neighbours call each other there.
    senderName: (room && (await room.alias(talker).catch(() => undefined))) || talker.name(),
    messageId: message.id,
    text,
    ...(attachments.length ? { attachments } : {}),
    ...(mentioned ? { mentioned } : {}),
    botNames,
    privateChatHint,
  };
}

/**
 * The 'message' listener: one conversation's messages are handled in the order they came (an image after
 * its command) and answered in order; conversations side by side.
 */
export const onMessage = (w: WechatContext) => (message: Message) => {
  if (w.stopping()) return;
  let key: string;
  try {
    key = conversationIdOf(message);
  } catch (error) {
    w.log.warn('message without a conversation', { id: message.id, error: reasonOf(error) });
    return;
  }
  w.track(w.inbox(key, () => takeMessage(w, message)).catch((error) => w.log.error('message handling failed', { conversation: key, error: reasonOf(error) })));
};

async function takeMessage(w: WechatContext, message: Message) {
  // WeChat needs a friend request before a private chat; said in the member's language, which the core knows.
  const privateChatHint = (translate: Translate) => translate('wechat.privateChatHint', { name: w.botName(), keyword: w.friendKeyword });
  const incoming = await toIncoming(w.bot, message, privateChatHint);
  if (!incoming) return;
  await handleIncoming(w, incoming);
}

/** Hands a message to the core and answers what it says; in a group the answer @mentions the sender. */
export async function handleIncoming(w: WechatContext, incoming: IncomingMessage): Promise<void> {
  const result = await w.core.handle(incoming);
  for (const out of result.replies) {
    w.reply(incoming.roomId, { ...out, mentionUserId: out.mentionUserId ?? (incoming.isPrivate ? undefined : incoming.senderId) });
  }
  // Handed to the paced sender, which puts what it cannot send into the outbox.
  w.core.replied(incoming, result);
}
