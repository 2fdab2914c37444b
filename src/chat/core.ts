import type { Statement } from 'better-sqlite3';
import { processedMessages } from '../db/schema/index.js';
import { type Db, inLightTransaction, inTransaction, storeTrouble } from '../db/client.js';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Deps } from '../domain/context.js';
import { storeFile, type StoredFile } from '../domain/files.js';
import { resolveSender } from '../domain/org/identities.js';
import { claimPrivateRoom, seeRoom } from '../domain/org/rooms.js';
import { isDomainError } from '../errors.js';
import type { Logger } from '../log.js';
import { type AttachmentConsumer, type CommandCtx, type CommandDef, type CommandOutput, normalizeOutput, UsageError } from './command.js';
import { attachmentConsumers, commands as defaultCommands } from './commands/index.js';
import { renderMessage, translator } from '../i18n/index.js';
import { CommandParser, type Parsed } from './parser.js';
import { ChatPort } from './port.js';
import type { HandleResult, IncomingMessage } from './types.js';

export interface CoreDeps extends Deps {
  log: Logger;
}

const NOTHING: HandleResult = { replies: [] };

/**
 * The platform-neutral heart of the bot: an adapter hands it a message, it answers with replies for the
 * same room and leaves notifications for other rooms in the outbox. The platform's other events come in
 * through the ChatPort methods, so an adapter needs this one object and nothing below it.
 */
export class ChatCore extends ChatPort {
  declare readonly deps: CoreDeps;
  readonly parser: CommandParser;
  readonly commands: readonly CommandDef[];
  readonly #byName: Map<string, CommandDef>;
  readonly #consumers: readonly AttachmentConsumer<unknown>[];

  // biome-ignore lint/suspicious/noExplicitAny: consumers of different targets share one list; each pairs its own find with its own attach
  constructor(deps: CoreDeps, options: { commands?: readonly CommandDef[]; consumers?: readonly AttachmentConsumer<any>[] } = {}) {
    super(deps);
    this.commands = options.commands ?? defaultCommands;
    this.#consumers = options.consumers ?? attachmentConsumers;
    this.parser = new CommandParser(this.commands);
    this.#byName = new Map(this.commands.map((c) => [c.name, c]));
  }

  /**
   * Handles one message. Whatever goes wrong with it (the database busy past its timeout, or full, a
   * sender the rules refuse) is logged and answered here, so an adapter goes on with the next message.
   */
  async handle(message: IncomingMessage): Promise<HandleResult> {
    const parsed = this.parser.parse(message.text, {
      botNames: message.botNames,
      mentioned: message.mentioned === true || message.inReplyToBot === true,
      isPrivate: message.isPrivate,
    });
    if (parsed.kind === 'otherBot') return NOTHING;
    const images = message.attachments?.filter((a) => a.kind === 'image') ?? [];
    const actionable = parsed.kind === 'command' || parsed.kind === 'unknown' || images.length > 0;
    try {
      return await this.#handle(message, parsed, images, actionable);
    } catch (error) {
      // Not marked handled: a redelivery tries again. Talk not meant for the bot gets no answer.
      this.#logFailure(message, error);
      if (!actionable) return NOTHING;
      const lang = this.deps.settings.lang;
      return { replies: [{ text: isDomainError(error) ? renderMessage(lang, error.key, error.params) : translator(lang)('error.internal') }] };
    }
  }

  async #handle(
    message: IncomingMessage,
    parsed: Exclude<Parsed, { kind: 'otherBot' }>,
    images: NonNullable<IncomingMessage['attachments']>,
    actionable: boolean,
  ): Promise<HandleResult> {
    if (actionable) {
      const earlier = earlierAnswer(this.deps.db, message);
      if (earlier) return earlier;
    }

    // The hot path in a busy group: talk from someone already known, in a room already known.
    if (parsed.kind === 'chatter' && !images.length && this.#known(message)) return NOTHING;

    const ctx = this.#context(message, parsed.kind !== 'chatter' && parsed.addressed);

    if (parsed.kind === 'chatter') {
      if (!images.length) return NOTHING;
      const found = this.#consumers.map((consumer) => ({ consumer, target: consumer.find(ctx) })).find((c) => c.target !== undefined);
      if (!found) return NOTHING;
      const { files, refused } = await this.#store(images, ctx);
      return this.#once(message, ctx, () => withNotes(files.length ? found.consumer.attach({ ...ctx, files }, found.target, files) : undefined, refused), {
        readOnly: false,
      });
    }

    if (parsed.kind === 'unknown' && message.inReplyToBot && !message.mentioned && !message.isPrivate && !/^[/#／＃]/.test(message.text.trim())) {
      return NOTHING;
    }

    if (parsed.kind === 'unknown') {
      return this.#once(message, ctx, () => ctx.t('hint.unknown', { word: parsed.word }), { readOnly: true });
    }

    const command = this.#byName.get(parsed.name)!;
    const { files, refused } = images.length ? await this.#store(images, ctx) : { files: [], refused: [] };
    const result = await this.#once(
      message,
      { ...ctx, files },
      (c) => {
        if (command.where === 'group' && c.room.kind !== 'group') return c.t('room.groupOnly');
        if (command.where === 'private' && c.room.kind !== 'private') return c.t('room.privateOnly');
        return withNotes(command.run(c, { args: parsed.args, bang: parsed.bang }), refused);
      },
      { meant: parsed.addressed || parsed.standalone, readOnly: command.readOnly === true, command: command.name },
    );
    return result;
  }

  /** Whether sender and room are both on record (two indexed lookups, no write). */
  #known(message: IncomingMessage): boolean {
    const { $client } = this.deps.db;
    this.#knownRoom ??= $client.prepare('SELECT 1 FROM rooms WHERE platform = ? AND platform_room_id = ?');
    this.#knownSender ??= $client.prepare('SELECT 1 FROM identities WHERE platform = ? AND platform_user_id = ?');
    return this.#knownRoom.get(message.platform, message.roomId) !== undefined && this.#knownSender.get(message.platform, message.senderId) !== undefined;
  }

  #knownRoom: Statement | undefined;
  #knownSender: Statement | undefined;

  /** Finds or creates the room and the sender, outside the command's transaction. */
  #context(message: IncomingMessage, addressed: boolean): CommandCtx {
    return retryingWhenBusy(() => this.#contextOnce(message, addressed));
  }

  /**
   * Committed without waiting for the disk: what it records (a room or sender first seen, a new name, when
   * a room was last seen) is recorded again if a power cut loses it, and the first synced commit after it,
   * a write command's, keeps it for good along with everything before.
   */
  #contextOnce(message: IncomingMessage, addressed: boolean): CommandCtx {
    return inLightTransaction(this.deps.db, () => {
      const room = seeRoom(this.deps, {
        platform: message.platform,
        platformRoomId: message.roomId,
        name: message.roomName,
        isPrivate: message.isPrivate,
      });
      const { member } = resolveSender(
        this.deps,
        {
          platform: message.platform,
          platformUserId: message.senderId,
          // A blank name (a platform that sends none, a shell line with "name": " ") is no name.
          displayName: message.senderName.trim() || message.senderId,
          languageHint: message.senderLanguage,
        },
        room,
      );
      const owned = message.isPrivate ? claimPrivateRoom(this.deps.db, room, member.id) : room;
      return {
        ...this.deps,
        actor: { kind: 'member', memberId: member.id },
        member,
        room: owned,
        message,
        lang: member.language,
        t: translator(member.language),
        addressed,
        files: [],
      };
    });
  }

  /**
   * Stores the images; what is refused (not an image, too large) is said in the sender's language, once
   * per reason, after the reply to the rest of the message.
   */
  async #store(images: NonNullable<IncomingMessage['attachments']>, ctx: CommandCtx): Promise<{ files: StoredFile[]; refused: string[] }> {
    const files: StoredFile[] = [];
    const refused = new Set<string>();
    for (const image of images) {
      try {
        files.push(await storeFile(this.deps.settings.dataDir, await image.load()));
      } catch (error) {
        if (isDomainError(error)) refused.add(renderMessage(ctx.lang, error.key, error.params));
        else this.deps.log.warn('could not load an attachment', { error });
      }
    }
    return { files, refused: [...refused] };
  }

  /**
   * The adapter sent what `handle` answered for this message. Until it says so, the answer is kept with
   * the message's dedupe mark, and a redelivery of the message gets it again.
   */
  replied(message: IncomingMessage, result: HandleResult): void {
    if (!result.replies.length && !result.card) return;
    try {
      // Lost to a power cut, this only means a redelivery would be answered again: no need to wait for the disk.
      inLightTransaction(this.deps.db, () =>
        this.deps.db
          .update(processedMessages)
          .set({ reply: null, repliedAt: this.deps.clock.now() })
          .where(and(byMessage(message), isNotNull(processedMessages.reply)))
          .run(),
      );
    } catch (error) {
      // At worst a redelivery of this message is answered twice.
      this.deps.log.warn('could not record a reply as sent', { platform: message.platform, room: message.roomId, messageId: message.messageId, error });
    }
  }

  /**
   * Runs the work in one transaction with the dedupe mark and the answer: a redelivered message finds the
   * mark and does nothing again, and gets the answer if it was never sent. A rule that refuses rolls back
   * its own writes and answers why; the mark stays.
   */
  async #once(message: IncomingMessage, ctx: CommandCtx, work: (ctx: CommandCtx) => CommandOutput, how: Once): Promise<HandleResult> {
    const meant = how.meant ?? ctx.addressed;
    try {
      if (how.readOnly) {
        try {
          return retryingWhenBusy(() => this.#onceIn(message, ctx, work, meant, true));
        } catch (error) {
          if (!(error instanceof WroteAnyway)) throw error;
          // Rolled back whole: run again as the write it turned out to be.
          this.deps.log.warn('a command marked read-only wrote; committed durably', { command: how.command, platform: message.platform });
        }
      }
      return retryingWhenBusy(() => this.#onceIn(message, ctx, work, meant, false));
    } catch (error) {
      this.#logFailure(message, error);
      return { replies: [{ text: ctx.t('error.internal') }] };
    }
  }

  /**
   * The mark, the work and its answer in one transaction. A read commits it lightly (see CommandDef's
   * `readOnly`): if the work wrote more than its answer, that transaction is rolled back (WroteAnyway).
   */
  #onceIn(message: IncomingMessage, ctx: CommandCtx, work: (ctx: CommandCtx) => CommandOutput, meant: boolean, light: boolean): HandleResult {
    return (light ? inLightTransaction : inTransaction)(this.deps.db, () => {
      if (!markProcessed(this.deps, message)) return NOTHING;
      const before = light ? this.#changesSoFar() : undefined;
      const result = answer(ctx, work, meant);
      if (before !== undefined && this.#wroteMoreThanItsAnswer(before)) throw new WroteAnyway();
      if (result.replies.length || result.card) {
        this.deps.db.update(processedMessages).set({ reply: result }).where(byMessage(message)).run();
      }
      return result;
    });
  }

  /** Rows this connection has changed so far, and the newest outbox row. */
  #changesSoFar(): { changes: number; outbox: number } {
    this.#changes ??= this.deps.db.$client.prepare('SELECT total_changes() AS changes, coalesce((SELECT max(id) FROM outbox), 0) AS outbox');
    return this.#changes.get() as { changes: number; outbox: number };
  }

  /**
   * Whether rows were changed since `before` other than outbox rows added: a read may send its answer to
   * the asker's private chat, and write nothing else. A change rolled back (a refusal) still counts.
   */
  #wroteMoreThanItsAnswer(before: { changes: number; outbox: number }): boolean {
    this.#added ??= this.deps.db.$client.prepare('SELECT total_changes() - ? - (SELECT count(*) FROM outbox WHERE id > ?) AS n');
    return (this.#added.get(before.changes, before.outbox) as { n: number }).n > 0;
  }

  #changes: Statement | undefined;
  #added: Statement | undefined;

  #logFailure(message: IncomingMessage, error: unknown): void {
    this.deps.log.error('message handling failed', {
      platform: message.platform,
      room: message.roomId,
      messageId: message.messageId,
      text: message.text.slice(0, 80),
      error,
    });
  }
}

/** How `#once` runs its work: whether it was meant for the bot, and whether it claims only to read. */
interface Once {
  meant?: boolean;
  readOnly: boolean;
  /** The command's name, for the log when a read wrote. */
  command?: string;
}

/** A read that wrote more than its answer: its light transaction is rolled back, to run again as a write. */
class WroteAnyway extends Error {}

/** The work's answer: its output, or what a refusal says. */
function answer(ctx: CommandCtx, work: (ctx: CommandCtx) => CommandOutput, meant: boolean): HandleResult {
  try {
    return normalizeOutput(inTransaction(ctx.db, () => work(ctx)));
  } catch (error) {
    if (error instanceof UsageError) {
      // A command word run on into a sentence ("完成了吗") is talk, not a command: stay quiet. Said to
      // the bot, or as the message's first word ("办结 TX", "兑换"), it was meant: say how.
      if (!meant) return NOTHING;
      return { replies: [{ text: ctx.t('hint.usage', { usage: ctx.t(error.key) }) }] };
    }
    if (isDomainError(error)) return { replies: [{ text: renderMessage(ctx.lang, error.key, error.params) }] };
    throw error;
  }
}

const BUSY_ATTEMPTS = 3;

/**
 * Runs a write transaction again when SQLite stayed busy past its busy timeout (another process held the
 * write lock that long): it rolled back whole, so running it again is safe.
 */
function retryingWhenBusy<T>(run: () => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return run();
    } catch (error) {
      if (attempt >= BUSY_ATTEMPTS || storeTrouble(error) !== 'busy') throw error;
    }
  }
}

/** A command's reply followed by the notes about attachments that were not kept. */
function withNotes(output: CommandOutput, notes: readonly string[]): HandleResult {
  const result = normalizeOutput(output);
  return notes.length ? { ...result, replies: [...result.replies, ...notes.map((text) => ({ text }))] } : result;
}

const byMessage = (message: IncomingMessage) =>
  and(eq(processedMessages.platform, message.platform), eq(processedMessages.roomId, message.roomId), eq(processedMessages.messageId, message.messageId));

/**
 * For a message handled before: its answer if that was never sent (a crash came between), else nothing.
 * Undefined for a message not handled yet.
 */
function earlierAnswer(db: Db, message: IncomingMessage): HandleResult | undefined {
  const row = db.select({ reply: processedMessages.reply }).from(processedMessages).where(byMessage(message)).get();
  if (!row) return undefined;
  return row.reply ?? NOTHING;
}

function markProcessed(deps: Deps, message: IncomingMessage): boolean {
  const result = deps.db
    .insert(processedMessages)
    .values({ platform: message.platform, roomId: message.roomId, messageId: message.messageId, at: deps.clock.now() })
    .onConflictDoNothing()
    .run();
  return result.changes === 1;
}
