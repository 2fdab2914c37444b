import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { instant } from './columns.js';

/** Platform messages already handled, so a redelivery after a reconnect is handled once. */
export const processedMessages = sqliteTable(
  'processed_messages',
  {
    platform: text().notNull(),
    roomId: text().notNull(),
    messageId: text().notNull(),
    at: instant().notNull(),
    /**
     * The replies, recorded with the mark, until the adapter says they went out: a message redelivered
     * after a crash between the two gets them again instead of silence.
     */
    reply: text({ mode: 'json' }).$type<StoredReply>(),
    repliedAt: instant(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.roomId, t.messageId] }), index('processed_messages_at').on(t.at)],
);

/** A handled message's answer as processed_messages keeps it (HandleResult's shape). */
export interface StoredReply {
  replies: { text: string; buttons?: StoredButton[][]; mentionUserId?: string; images?: string[] }[];
  card?: { text: string; buttons?: StoredButton[][]; mentionUserId?: string; images?: string[] };
}

export interface StoredButton {
  label: string;
  command: string;
}

/**
 * Messages to rooms other than the one being answered, written in the same transaction as the change
 * that caused them and delivered by the dispatcher.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    platform: text().notNull(),
    roomId: text().notNull(),
    text: text().notNull(),
    buttons: text({ mode: 'json' }).$type<StoredButton[][]>(),
    /** In a group, the platform user the message is addressed to. */
    mentionUserId: text(),
    /** Photos sent after the text, as paths under the data directory. */
    images: text({ mode: 'json' }).$type<string[]>(),
    /** Where it came from, for the record and for tests ("ticket:12", "job:patrol-reminder"). */
    source: text(),
    status: text({ enum: ['pending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: instant().notNull(),
    /** A dispatcher claims a row until this time, so two processes never send it at once. */
    lockedUntil: instant(),
    lastError: text(),
    createdAt: instant().notNull(),
    sentAt: instant(),
  },
  (t) => [index('outbox_due').on(t.status, t.nextAttemptAt), index('outbox_room').on(t.platform, t.roomId)],
);
