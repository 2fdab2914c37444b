import type { OutMessage } from '../domain/notice.js';
import type { Translate } from '../i18n/index.js';

// The message shape the domain's outbox rows carry: chat words it, adapters send it.
export type { Button, OutMessage } from '../domain/notice.js';

/** What an adapter hands the chat core, whatever the platform. */
export interface IncomingMessage {
  platform: string;
  roomId: string;
  roomName: string;
  isPrivate: boolean;
  senderId: string;
  senderName: string;
  /** The platform's own id of this message, for dedupe after a redelivery. */
  messageId: string;
  text: string;
  attachments?: Attachment[];
  /** The adapter saw the bot @mentioned (mention ids, or its name at the start of the text). */
  mentioned?: boolean;
  /**
   * A reply to one of the bot's messages ("评价 5" under the request to rate): commands in it count as said
   * to the bot, but a plain "谢谢" is not a command it failed to understand.
   */
  inReplyToBot?: boolean;
  /** Names the bot goes by on this platform, stripped when the text starts with "@name". */
  botNames?: string[];
  /** The platform's language hint for the sender (Telegram's language_code). */
  senderLanguage?: string;
  /**
   * How this sender can open a private chat with the bot, for replies that must not go to a group
   * (voucher codes): Telegram's deep link "https://t.me/<bot>?start=hi", WeChat's "add <name> as a friend".
   * A function is given the translator of the member's language, which the adapter does not know.
   */
  privateChatHint?: string | ((t: Translate) => string);
}

export interface Attachment {
  kind: 'image';
  mimeType?: string;
  /** Loaded only when the core needs the bytes. */
  load(): Promise<Uint8Array>;
}

export interface HandleResult {
  replies: OutMessage[];
  /** After a button press: the pressed message's new text and buttons, showing the new state. */
  card?: OutMessage;
}
