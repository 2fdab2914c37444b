import type { Statement } from 'better-sqlite3';
import { processedMessages } from '../db/schema/index.js';
import { type Db, inTransaction } from '../db/client.js';
import { and, eq } from 'drizzle-orm';
import type { Deps } from '../domain/context.js';
import { storeFile, type StoredFile } from '../domain/files.js';
import { resolveSender } from '../domain/org/identities.js';
import { claimPrivateRoom, seeRoom } from '../domain/org/rooms.js';
import { isDomainError } from '../errors.js';
import type { Logger } from '../log.js';
import { type AttachmentConsumer, type CommandCtx, type CommandDef, type CommandOutput, normalizeOutput, UsageError } from './command.js';
import { attachmentConsumers, commands as defaultCommands } from './commands/index.js';
import { renderMessage, translator } from '../i18n/index.js';
import { CommandParser } from './parser.js';
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

  async handle(message: IncomingMessage): Promise<HandleResult> {
    const parsed = this.parser.parse(message.text, {
      botNames: message.botNames,
      mentioned: message.mentioned === true || message.inReplyToBot === true,
      isPrivate: message.isPrivate,
    });
    if (parsed.kind === 'otherBot') return NOTHING;
    const images = message.attachments?.filter((a) => a.kind === 'image') ?? [];
    const actionable = parsed.kind === 'command' || parsed.kind === 'unknown' || images.length > 0;
    if (actionable && wasProcessed(this.deps.db, message)) return NOTHING;

    // The hot path in a busy group: talk from someone already known, in a room already known.
    if (parsed.kind === 'chatter' && !images.length && this.#known(message)) return NOTHING;

    const ctx = this.#context(message, parsed.kind !== 'chatter' && parsed.addressed);

    if (parsed.kind === 'chatter') {
      if (!images.length) return NOTHING;
      const found = this.#consumers.map((consumer) => ({ consumer, target: consumer.find(ctx) })).find((c) => c.target !== undefined);
      if (!found) return NOTHING;
      const { files, refused } = await this.#store(images, ctx);
      return this.#once(message, ctx, () => withNotes(files.length ? found.consumer.attach({ ...ctx, files }, found.target, files) : undefined, refused));
    }

    if (parsed.kind === 'unknown' && message.inReplyToBot && !message.mentioned && !message.isPrivate && !/^[/#／＃]/.test(message.text.trim())) {
      return NOTHING;
    }

    if (parsed.kind === 'unknown') {
      return this.#once(message, ctx, () => ctx.t('hint.unknown', { word: parsed.word }));
    }

    const command = this.#byName.get(parsed.name)!;
    const { files, refused } = images.length ? await this.#store(images, ctx) : { files: [], refused: [] };
    const result = await this.#once(message, { ...ctx, files }, (c) => {
      if (command.where === 'group' && c.room.kind !== 'group') return c.t('room.groupOnly');
      if (command.where === 'private' && c.room.kind !== 'private') return c.t('room.privateOnly');
      return withNotes(command.run(c, { args: parsed.args, bang: parsed.bang }), refused);
    });
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
    return inTransaction(this.deps.db, () => {
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
          displayName: message.senderName,
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
   * Runs the work in one transaction with the dedupe mark: a redelivered message finds the mark and does
   * nothing. A rule that refuses rolls back its own writes and answers why; the mark stays.
   */
  async #once(message: IncomingMessage, ctx: CommandCtx, work: (ctx: CommandCtx) => CommandOutput): Promise<HandleResult> {
    try {
      return inTransaction(this.deps.db, () => {
        if (!markProcessed(this.deps, message)) return NOTHING;
        try {
          return normalizeOutput(inTransaction(this.deps.db, () => work(ctx)));
        } catch (error) {
          if (error instanceof UsageError) {
            // Said in passing, a malformed call is talk, not a command: stay quiet.
            if (!ctx.addressed) return NOTHING;
            return { replies: [{ text: ctx.t('hint.usage', { usage: ctx.t(error.key) }) }] };
          }
          if (isDomainError(error)) return { replies: [{ text: renderMessage(ctx.lang, error.key, error.params) }] };
          throw error;
        }
      });
    } catch (error) {
      this.deps.log.error('message handling failed', {
        platform: message.platform,
        room: message.roomId,
        messageId: message.messageId,
        text: message.text.slice(0, 80),
        error,
      });
      return { replies: [{ text: ctx.t('error.internal') }] };
    }
  }
}

/** A command's reply followed by the notes about attachments that were not kept. */
function withNotes(output: CommandOutput, notes: readonly string[]): HandleResult {
  const result = normalizeOutput(output);
  return notes.length ? { ...result, replies: [...result.replies, ...notes.map((text) => ({ text }))] } : result;
}

function wasProcessed(db: Db, message: IncomingMessage): boolean {
  return (
    db
      .select({ at: processedMessages.at })
      .from(processedMessages)
      .where(
        and(eq(processedMessages.platform, message.platform), eq(processedMessages.roomId, message.roomId), eq(processedMessages.messageId, message.messageId)),
      )
      .get() !== undefined
  );
}

function markProcessed(deps: Deps, message: IncomingMessage): boolean {
  const result = deps.db
    .insert(processedMessages)
    .values({ platform: message.platform, roomId: message.roomId, messageId: message.messageId, at: deps.clock.now() })
    .onConflictDoNothing()
    .run();
  return result.changes === 1;
}
