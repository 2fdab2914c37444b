import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { flag, instant } from './columns.js';
import { members, rooms, units } from './org.js';

/** A grid worker's patrol (巡查), logged from chat: "一日双巡、每周夜巡". */
export const patrols = sqliteTable(
  'patrols',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    unitId: integer()
      .notNull()
      .references(() => units.id),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    at: instant().notNull(),
    /** Logged in the evening or at night (19:00–05:59 local): counts as the week's night patrol. */
    night: flag().notNull(),
    note: text(),
    /** The platform room it was logged from, so a photo sent just after finds it. */
    roomId: integer().references(() => rooms.id),
  },
  (t) => [index('patrols_unit_at').on(t.unitId, t.at), index('patrols_member_at').on(t.memberId, t.at)],
);

export const patrolPhotos = sqliteTable(
  'patrol_photos',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    patrolId: integer()
      .notNull()
      .references(() => patrols.id),
    hash: text().notNull(),
    path: text().notNull(),
    mimeType: text().notNull(),
    addedAt: instant().notNull(),
  },
  // The same photo sent twice is kept once.
  (t) => [uniqueIndex('patrol_photos_once').on(t.patrolId, t.hash)],
);
