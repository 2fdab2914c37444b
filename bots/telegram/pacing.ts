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
 */
export class ChatPacers {
  readonly #pacers = new Map<string, { pacer: Pacer; lastUsed: number }>();
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(clock: PacingClock = {}) {
    this.#now = clock.now ?? Date.now;
    this.#sleep = clock.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Waits for the chat's next slot to send one message. */
  async wait(chatId: string): Promise<void> {
    const now = this.#now();
    let entry = this.#pacers.get(chatId);
    if (!entry) {
      this.#prune(now);
      const perMinute = chatId.startsWith('-') ? GROUP_PER_MINUTE : PRIVATE_PER_MINUTE;
      entry = { pacer: new Pacer({ perRoomIntervalMs: CHAT_INTERVAL_MS, perMinute, now: this.#now }), lastUsed: now };
      this.#pacers.set(chatId, entry);
    }
    const at = entry.pacer.reserve(chatId);
    entry.lastUsed = Math.max(entry.lastUsed, at);
    if (at > now) await this.#sleep(at - now);
  }

  /** Forgets chats whose last slot is a minute past: their pacers hold nothing that still matters. */
  #prune(now: number) {
    if (this.#pacers.size < PRUNE_ABOVE) return;
    for (const [chatId, entry] of this.#pacers) {
      if (now - entry.lastUsed > IDLE_MS) this.#pacers.delete(chatId);
    }
  }
}
