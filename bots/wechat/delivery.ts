import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FileBox } from 'file-box';
import type { Contact, Room, Wechaty } from 'wechaty';
import type { Transport } from '../../src/chat/outbox.js';
import type { ChatPort } from '../../src/chat/port.js';
import type { OutMessage } from '../../src/chat/types.js';
import type { Logger } from '../../src/log.js';
import { reasonOf } from './lifecycle.js';
import { WECHAT } from './messages.js';
import { type PacedSender, PartlySent, SenderClosedError, SendTimeoutError, serialPerKey, splitText } from './send.js';

export interface DeliveryDeps {
  bot: Wechaty;
  /** Tells a group from a private chat, and queues what could not go. */
  core: ChatPort;
  sender: PacedSender;
  log: Logger;
  /** Where the photos of outbox rows are kept. */
  dataDir: string;
  /** Longer texts go out in several messages. */
  maxLength: number;
  /** Counts a reply under way, for the adapter's idle(). */
  track(work: Promise<unknown>): void;
}

type Conversation = { kind: 'group'; room: Room } | { kind: 'private'; contact: Contact };

/**
 * Everything the WeChat bot says goes out here, paced: replies to what someone just did, and outbox rows
 * through `transport`. WeChat shows no buttons; the text always says what to type.
 */
export class WechatDelivery {
  readonly transport: Transport;
  /** One room's messages go out whole and in order: the parts of one are not interleaved with another's. */
  readonly #outgoing = serialPerKey();

  constructor(private readonly d: DeliveryDeps) {
    this.transport = {
      platform: WECHAT,
      send: async (roomId, message) => {
        try {
          await this.deliver(roomId, message);
        } catch (error) {
          if (!(error instanceof PartlySent)) throw error;
          // The row went out in part: it counts as sent, and what is left is queued to follow it.
          this.d.core.replyLater(WECHAT, roomId, error.rest, 'wechat:rest');
          this.d.log.warn('notification sent in part; the rest is queued', { room: roomId, error: reasonOf(error.cause) });
        }
      },
    };
  }

  /** An answer to what someone just did: it goes ahead of outbox rows waiting for the minute's budget. */
  reply(roomId: string, message: OutMessage): void {
    this.d.track(
      this.d.sender
        .reply(roomId, () => this.deliver(roomId, message))
        .catch((error) => {
          const rest = error instanceof PartlySent ? error.rest : message;
          const queued = this.d.core.replyLater(WECHAT, roomId, rest, 'wechat:reply');
          this.d.log.warn('reply not sent; queued in the outbox', { room: roomId, queued, partly: error instanceof PartlySent, error: reasonOf(error) });
        }),
    );
  }

  /**
   * Sends one message, split if long; in a group the first part @mentions `mentionUserId`. A failure after
   * some of it went out is a PartlySent carrying what is left, so that a retry never repeats what the room
   * already has.
   */
  deliver(roomId: string, message: OutMessage): Promise<void> {
    return this.#outgoing(roomId, async () => {
      const { bot, sender } = this.d;
      if (!bot.isLoggedIn) throw new Error('WeChat is not logged in');
      const target = await this.#conversation(roomId);
      const mention = target.kind === 'group' && message.mentionUserId ? await bot.Contact.find({ id: message.mentionUserId }) : undefined;
      const parts = splitText(message.text, this.d.maxLength);
      for (const [i, part] of parts.entries()) {
        try {
          await sender.run(roomId, async () => {
            if (target.kind === 'private') await target.contact.say(part);
            else if (mention && i === 0) await target.room.say(part, mention);
            else await target.room.say(part);
          });
        } catch (error) {
          // A part WeChat did not confirm may have gone out: it is not sent again.
          const next = error instanceof SendTimeoutError ? i + 1 : i;
          if (next === 0) throw error;
          throw new PartlySent({ text: parts.slice(next).join('\n'), ...(message.images ? { images: message.images } : {}) }, error);
        }
      }
      for (const [i, path] of (message.images ?? []).entries()) await this.#photo(roomId, target, path, message.images!.slice(i));
    });
  }

  /** A photo after the text; `rest` is it and the ones after it, for a retry when the sender stops. */
  async #photo(roomId: string, target: Conversation, path: string, rest: string[]): Promise<void> {
    const file = join(this.d.dataDir, path);
    if (!existsSync(file)) {
      this.d.log.warn('photo missing from the data directory; not sent', { room: roomId, path });
      return;
    }
    // Base64 rather than a file path: puppet services serialise what they send, and only some box kinds can be.
    const photo = FileBox.fromBase64((await readFile(file)).toString('base64'), basename(file));
    // The text went out: a photo that fails is logged, not retried with the text again.
    await this.d.sender
      .run(roomId, async () => {
        if (target.kind === 'private') await target.contact.say(photo);
        else await target.room.say(photo);
      })
      .catch((error) => {
        if (error instanceof SenderClosedError) throw new PartlySent({ text: '', images: rest }, error);
        this.d.log.warn('photo not sent', { room: roomId, path, error: reasonOf(error) });
      });
  }

  /** The group or contact a room id names; a room on record says which to look for. */
  async #conversation(roomId: string): Promise<Conversation> {
    const known = this.d.core.findRoom(WECHAT, roomId);
    if (known?.kind !== 'private') {
      const room = await this.d.bot.Room.find({ id: roomId });
      if (room) return { kind: 'group', room };
    }
    if (known?.kind !== 'group') {
      const contact = await this.d.bot.Contact.find({ id: roomId });
      if (contact) return { kind: 'private', contact };
    }
    throw new Error(`no WeChat group or contact ${roomId}`);
  }
}
