import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { instant } from './columns.js';

/** Every change made by a person, a token or a job. Append-only: triggers refuse updates and deletes. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: instant().notNull(),
    actorKind: text({ enum: ['member', 'token', 'system'] }).notNull(),
    actorId: text().notNull(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text().notNull(),
    data: text({ mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_target').on(t.targetType, t.targetId), index('audit_at').on(t.at)],
);
