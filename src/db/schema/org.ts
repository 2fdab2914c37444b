import { sql } from 'drizzle-orm';
import { type AnySQLiteColumn, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { flag, instant } from './columns.js';

export const ROLES = ['resident', 'volunteer', 'staff', 'merchant', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const UNIT_KINDS = ['street', 'community', 'estate', 'grid', 'building', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const LANGS = ['zh', 'en'] as const;

/**
 * The organisation tree, of any depth. `path` is the materialised chain of ids ("/1/2/5/") so that a
 * subtree is one indexed prefix scan and the ancestors are the ids in the path.
 */
export const units = sqliteTable(
  'units',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    parentId: integer().references((): AnySQLiteColumn => units.id),
    kind: text({ enum: UNIT_KINDS }).notNull(),
    name: text().notNull(),
    path: text().notNull(),
    depth: integer().notNull(),
    /** Points per hour of service; null inherits the parent's. */
    pointsPerHour: integer(),
    createdAt: instant().notNull(),
  },
  (t) => [uniqueIndex('units_parent_name').on(t.parentId, t.name), index('units_path').on(t.path)],
);

export const members = sqliteTable('members', {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull(),
  language: text({ enum: LANGS }).notNull(),
  phone: text(),
  partyMember: flag().notNull().default(false),
  notes: text(),
  /** Set when this record was created for an unknown sender and later linked to an existing member. */
  mergedInto: integer().references((): AnySQLiteColumn => members.id),
  createdAt: instant().notNull(),
});

/** A role held on a unit and everything below it. Revoking keeps the row for the record. */
export const roleGrants = sqliteTable(
  'role_grants',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    role: text({ enum: ROLES }).notNull(),
    unitId: integer()
      .notNull()
      .references(() => units.id),
    grantedAt: instant().notNull(),
    revokedAt: instant(),
  },
  (t) => [uniqueIndex('role_grants_active').on(t.memberId, t.role, t.unitId).where(sql`revoked_at IS NULL`), index('role_grants_unit').on(t.unitId, t.role)],
);

/** Who a platform account is: (platform, platform user id) → member. */
export const identities = sqliteTable(
  'identities',
  {
    platform: text().notNull(),
    platformUserId: text().notNull(),
    memberId: integer()
      .notNull()
      .references(() => members.id),
    displayName: text().notNull(),
    createdAt: instant().notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.platformUserId] }), index('identities_member').on(t.memberId)],
);

export const ROOM_PURPOSES = ['residents', 'staff'] as const;
export type RoomPurpose = (typeof ROOM_PURPOSES)[number];

/**
 * A chat the bot is in. A group is bound to a unit with a purpose; a private chat belongs to a member and
 * is where vouchers and personal notices go.
 */
export const rooms = sqliteTable(
  'rooms',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    platform: text().notNull(),
    platformRoomId: text().notNull(),
    name: text().notNull(),
    kind: text({ enum: ['group', 'private'] }).notNull(),
    unitId: integer().references(() => units.id),
    purpose: text({ enum: ROOM_PURPOSES }),
    memberId: integer().references(() => members.id),
    /** Null follows the configured default language. */
    language: text({ enum: LANGS }),
    boundAt: instant(),
    lastSeenAt: instant().notNull(),
    createdAt: instant().notNull(),
  },
  (t) => [
    uniqueIndex('rooms_platform_room').on(t.platform, t.platformRoomId),
    index('rooms_unit').on(t.unitId, t.purpose),
    index('rooms_member').on(t.memberId),
  ],
);

/** One-time codes: said in a group they bind it to a unit; said in a private chat they link an identity to a member. */
export const bindingCodes = sqliteTable('binding_codes', {
  code: text().primaryKey(),
  kind: text({ enum: ['room', 'member'] }).notNull(),
  unitId: integer().references(() => units.id),
  purpose: text({ enum: ROOM_PURPOSES }),
  memberId: integer().references(() => members.id),
  createdAt: instant().notNull(),
  expiresAt: instant().notNull(),
  usedAt: instant(),
  usedBy: integer().references(() => members.id),
  /**
   * The member who made the code in chat (关联码: their own, to link another platform); null for codes an
   * API token made. Only a code the member made themselves links to an account that already has one
   * without its owner's confirmation.
   */
  createdBy: integer().references(() => members.id),
});

export const LINK_REQUEST_STATUSES = ['pending', 'confirmed', 'refused'] as const;
export type LinkRequestStatus = (typeof LINK_REQUEST_STATUSES)[number];

/**
 * A platform account asking, with a link code someone else made, to join a member who already uses Linli
 * elsewhere: it waits until one of that member's accounts (or an admin) confirms it.
 */
export const linkRequests = sqliteTable(
  'link_requests',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    code: text()
      .notNull()
      .unique()
      .references(() => bindingCodes.code),
    /** The member the code names. */
    memberId: integer()
      .notNull()
      .references(() => members.id),
    platform: text().notNull(),
    platformUserId: text().notNull(),
    displayName: text().notNull(),
    /** The private chat the request came from, told of the decision. */
    roomId: integer().references(() => rooms.id),
    status: text({ enum: LINK_REQUEST_STATUSES }).notNull(),
    createdAt: instant().notNull(),
    expiresAt: instant().notNull(),
    decidedAt: instant(),
  },
  (t) => [index('link_requests_member').on(t.memberId, t.status)],
);
