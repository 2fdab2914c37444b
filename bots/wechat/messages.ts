import { types, type Message, type Wechaty } from 'wechaty';
import type { Attachment, IncomingMessage } from '../../src/chat/types.js';

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
