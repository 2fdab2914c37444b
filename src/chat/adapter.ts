import type { Transport } from './outbox.js';

/**
 * A chat platform as Linli runs it. Messages and other platform events go to the ChatCore the adapter was
 * given; replies come back from it, and notifications for the platform's rooms through `transport`, which
 * the adapter registers with the outbox dispatcher while it is connected.
 */
export interface ChatAdapter {
  /** The platform's name in rooms, identities and outbox rows ('telegram', 'wechat', 'shell'). */
  readonly platform: string;
  /** How the outbox dispatcher delivers a row to one of the platform's rooms. */
  readonly transport: Transport;
  /** Connects; settles once connected, or once the platform refused for good. */
  start(): Promise<unknown>;
  /** Stops taking messages and waits for those under way. */
  stop(): Promise<void>;
  /** Settles when nothing taken so far is still being handled or sent (tests, shutdown). */
  idle(): Promise<void>;
  /** What the log says about the platform once it has started (the bot's account, its mode). */
  describe?(): Record<string, unknown>;
}
