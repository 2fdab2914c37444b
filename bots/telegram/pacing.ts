import { Pacer, type PacerOptions } from '../../src/chat/pacer.js';

/** Telegram's published limits: about one message a second in a chat, twenty a minute in a group. */
export const CHAT_INTERVAL_MS = 1000;
export const GROUP_PER_MINUTE = 20;
const PRIVATE_PER_MINUTE = 60;
const IDLE_MS = 60_000;
const PRUNE_ABOVE = 1000;

export type PacingClock = Pick<PacerOptions, 'now' | 'sleep'>;

/**
 * One Pacer per chat, so a busy group waits for its own slots and delays no one else. Group and
 * supergroup ids are negative in the Bot API, which tells the group limit from the private one.
 *
 * Sends to one chat go one at a time, and the next waits a second from when the last one was done: a send
 * that Telegram held back (a 429 waited out by auto-retry) does not let the one after it follow at once.
 */
export class ChatPacers {
  readonly #chats = new Map<string, { pacer: Pacer; lastUsed: number; freeAt: number; queue: Promise<unknown>; pending: number }>();
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(clock: PacingClock = {}) {
    this.#now = clock.now ?? Date.now;
    this.#sleep = clock.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Sends one message to the chat in its turn and its next slot. */
  run<T>(chatId: string, send: () => Promise<T>): Promise<T> {
    const chat = this.#chat(chatId);
    chat.pending += 1;
    const turn = chat.queue.then(async () => {
      const now = this.#now();
      const at = Math.max(chat.pacer.reserve(chatId), chat.freeAt);
      chat.lastUsed = Math.max(chat.lastUsed, at);
      if (at > now) await this.#sleep(at - now);
      try {
        return await send();
      } finally {
        chat.freeAt = this.#now() + CHAT_INTERVAL_MS;
        chat.pending -= 1;
      }
    });
    chat.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * About how long a send to the chat asked now would wait: its slot, or behind the sends already queued
   * there. A guess that never undercounts by more than the sends under way take.
   */
  delay(chatId: string): number {
    const chat = this.#chats.get(chatId);
    if (!chat) return 0;
    const now = this.#now();
    const slot = Math.max(chat.pacer.peek(chatId), chat.freeAt) - now;
    return Math.max(0, slot, chat.pending * CHAT_INTERVAL_MS);
  }

  #chat(chatId: string) {
    let chat = this.#chats.get(chatId);
    if (!chat) {
      const now = this.#now();
      this.#prune(now);
      const perMinute = chatId.startsWith('-') ? GROUP_PER_MINUTE : PRIVATE_PER_MINUTE;
      chat = {
        pacer: new Pacer({ perRoomIntervalMs: CHAT_INTERVAL_MS, perMinute, now: this.#now }),
        lastUsed: now,
        freeAt: 0,
        queue: Promise.resolve(),
        pending: 0,
      };
      this.#chats.set(chatId, chat);
    }
    return chat;
  }

  /**
   * Forgets chats with nothing waiting whose last slot is a minute past: their pacers hold nothing that
   * still matters. A chat with a send still under way (a long 429 wait) is kept, so the next send to it
   * queues behind that one instead of starting beside it.
   */
  #prune(now: number) {
    if (this.#chats.size < PRUNE_ABOVE) return;
    for (const [chatId, chat] of this.#chats) {
      if (chat.pending === 0 && now - chat.lastUsed > IDLE_MS && now - chat.freeAt > IDLE_MS) this.#chats.delete(chatId);
    }
  }
}
