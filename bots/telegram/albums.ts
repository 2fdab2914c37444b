import type { Context, MiddlewareFn } from 'grammy';
import type { Message } from 'grammy/types';

/** How long an album waits, after its latest photo, for another one. Telegram sends an album's photos within about a second. */
export const ALBUM_WINDOW_MS = 1000;

/** Telegram's largest album. */
const ALBUM_MAX = 10;

interface Album {
  messages: Message[];
}

/**
 * Telegram sends an album (photos sharing a media_group_id, the caption on one of them) as one update per
 * photo. The first photo's update is handled as usual, and waits there for the rest; the others join it
 * on arrival, before the per-chat queue (where they would wait behind the first), and end there. So the
 * chat core sees one message with all the photos, and answers once.
 */
export class AlbumCollector {
  readonly #open = new Map<string, Album>();

  constructor(private readonly windowMs = ALBUM_WINDOW_MS) {}

  /** Goes before sequentialize: a photo of an album already open joins it instead of being handled. */
  readonly middleware: MiddlewareFn<Context> = async (ctx, next) => {
    const message = ctx.message;
    const key = message && keyOf(message);
    if (!key) return next();
    const open = this.#open.get(key);
    if (open) {
      open.messages.push(message);
      return;
    }
    const album: Album = { messages: [message] };
    this.#open.set(key, album);
    try {
      await next();
    } finally {
      // Closed by collect(), unless the first photo was never handled (a failure before it got there).
      if (this.#open.get(key) === album) this.#open.delete(key);
    }
  };

  /**
   * The messages of the album `message` opened, in the order they were sent, once no more photo has come
   * for the window (or the album is full); just `message` when it belongs to no album. A photo arriving
   * after that starts an album of its own.
   */
  async collect(message: Message): Promise<Message[]> {
    const key = keyOf(message);
    const album = key ? this.#open.get(key) : undefined;
    if (!key || !album) return [message];
    let seen: number;
    do {
      seen = album.messages.length;
      await new Promise((resolve) => setTimeout(resolve, this.windowMs));
    } while (album.messages.length > seen && album.messages.length < ALBUM_MAX);
    this.#open.delete(key);
    return [...album.messages].sort((a, b) => a.message_id - b.message_id);
  }
}

const keyOf = (message: Message) => (message.media_group_id ? `${message.chat.id}:${message.media_group_id}` : undefined);
