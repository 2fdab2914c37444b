import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { instant } from './columns.js';
import { members, units } from './org.js';

export const TOKEN_ROLES = ['admin', 'staff', 'merchant'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/**
 * Bearer tokens of the admin API. Only the sha256 of a token is kept: the token itself is shown once, at
 * creation. A token acts on its unit's subtree; a null unit is the whole tree.
 */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    label: text().notNull(),
    role: text({ enum: TOKEN_ROLES }).notNull(),
    unitId: integer().references(() => units.id),
    /** A merchant token verifies this merchant's vouchers only. */
    merchantId: integer().references(() => members.id),
    /** Hex sha256 of the whole token. */
    hash: text().notNull(),
    /** The first characters of the token, so an admin can tell tokens apart without the secret. */
    hint: text().notNull(),
    createdAt: instant().notNull(),
    revokedAt: instant(),
    lastUsedAt: instant(),
  },
  (t) => [uniqueIndex('api_tokens_hash').on(t.hash)],
);

/**
 * Responses to requests sent with an Idempotency-Key, per token: the same key and body get the first
 * response again; the same key with another request is refused.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    /** The token's id; 0 is LINLI_ADMIN_TOKEN, which has no row. */
    tokenId: integer().notNull(),
    key: text().notNull(),
    method: text().notNull(),
    path: text().notNull(),
    /** Hex sha256 of the request body as sent. */
    bodyHash: text().notNull(),
    status: integer().notNull(),
    responseBody: text().notNull(),
    createdAt: instant().notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.key] }), index('idempotency_keys_created').on(t.createdAt)],
);
