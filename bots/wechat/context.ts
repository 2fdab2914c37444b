import type { Wechaty } from 'wechaty';
import type { ChatCore } from '../../src/chat/core.js';
import type { OutMessage } from '../../src/chat/types.js';
import type { Lang } from '../../src/config.js';
import type { Logger } from '../../src/log.js';

/** What the WeChat listeners share: the bot, the core, and the adapter's ways to answer and keep count. */
export interface WechatContext {
  bot: Wechaty;
  core: ChatCore;
  log: Logger;
  /** The language of what the bot says before it knows whom it speaks to (a new group, a new friend). */
  lang: Lang;
  /** The word in a friend request's greeting that gets it accepted (LINLI_WECHAT_FRIEND_KEYWORD). */
  friendKeyword: string;
  /** The bot's WeChat name, once logged in. */
  botName(): string;
  /** Whether the adapter is stopping: no new event is taken. */
  stopping(): boolean;
  /** Answers in a room ahead of outbox rows; one that cannot go now is queued in the outbox. */
  reply(roomId: string, message: OutMessage): void;
  /** Counts work under way, for idle() and stop(). */
  track(work: Promise<unknown>): void;
  /** Runs one conversation's work in the order it came (an image after its command). */
  inbox<T>(conversationId: string, work: () => Promise<T>): Promise<T>;
}
