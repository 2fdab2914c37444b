import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { inTransaction } from '../db/client.js';
import { preparedPerDb } from '../db/prepared.js';
import { apiTokens, type TokenRole } from '../db/schema/index.js';
import { DomainError } from '../errors.js';
import { audit } from './audit.js';
import type { Ctx, Deps } from './context.js';
import { getMember, unitsWithRole } from './org/members.js';
import { isInSubtree } from './org/subtree.js';
import { getUnit, type Unit } from './org/units.js';

export type ApiToken = typeof apiTokens.$inferSelect;

/** A prefix makes a leaked token easy to recognise (secret scanners, logs). */
export const TOKEN_PREFIX = 'linli_';
/** The id LINLI_ADMIN_TOKEN acts under; it has no row. */
export const ROOT_TOKEN_ID = 0;
const HINT_LENGTH = TOKEN_PREFIX.length + 4;

/** Who is calling the API: a token's role and the part of the tree it acts on (null unit: all of it). */
export interface Principal {
  tokenId: number;
  label: string;
  role: TokenRole;
  unitId: number | null;
  merchantId: number | null;
}

export const generateToken = (): string => TOKEN_PREFIX + randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function getToken(db: Db, id: number): ApiToken {
  const row = db.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
  if (!row) throw new DomainError('NOT_FOUND', 'token.notFound', { id });
  return row;
}

export interface CreateTokenInput {
  role: TokenRole;
  /** Null: the whole tree. */
  unitId: number | null;
  merchantId?: number | null;
  label: string;
}

/** Creates a token. The secret is returned here and nowhere else: only its hash is stored. */
export function createToken(ctx: Ctx, input: CreateTokenInput): { token: ApiToken; secret: string } {
  const label = input.label.trim();
  if (!label) throw new DomainError('INVALID_INPUT', 'token.labelRequired');
  const merchantId = input.merchantId ?? null;
  if (input.role === 'merchant' && merchantId === null) throw new DomainError('INVALID_INPUT', 'token.merchantRequired');
  if (input.role !== 'merchant' && merchantId !== null) throw new DomainError('INVALID_INPUT', 'token.merchantOnlyForMerchant');
  return inTransaction(ctx.db, () => {
    const unit = input.unitId === null ? null : getUnit(ctx.db, input.unitId);
    if (merchantId !== null) {
      const merchant = getMember(ctx.db, merchantId);
      // The merchant must trade in the token's part of the tree: a merchant grant on its unit or below.
      if (!tradesWithin(ctx.db, merchant.id, unit)) throw new DomainError('INVALID_INPUT', 'token.notAMerchant', { name: merchant.name });
    }
    const secret = generateToken();
    const token = ctx.db
      .insert(apiTokens)
      .values({
        label,
        role: input.role,
        unitId: unit?.id ?? null,
        merchantId,
        hash: hashToken(secret),
        hint: secret.slice(0, HINT_LENGTH),
        createdAt: ctx.clock.now(),
      })
      .returning()
      .get();
    audit(ctx, 'token.create', { type: 'token', id: token.id }, { label, role: token.role, unitId: token.unitId, merchantId });
    return { token, secret };
  });
}

/** Whether the member holds the merchant role on the unit or below it (anywhere, for no unit). */
function tradesWithin(db: Db, merchantId: number, unit: Unit | null): boolean {
  return unitsWithRole(db, merchantId, ['merchant']).some((grantUnit) => unit === null || isInSubtree(getUnit(db, grantUnit).path, unit.path));
}

/**
 * A merchant token acts for its merchant only while they still trade in its part of the tree: revoking
 * their merchant role there stops the token, as it stops them in the chat. Other principals always pass.
 */
export function principalStillHolds(db: Db, principal: Principal): boolean {
  if (principal.role !== 'merchant' || principal.merchantId === null) return true;
  return tradesWithin(db, principal.merchantId, principal.unitId === null ? null : getUnit(db, principal.unitId));
}

/** Revokes a token; revoking one already revoked changes nothing. */
export function revokeToken(ctx: Ctx, id: number): ApiToken {
  return inTransaction(ctx.db, () => {
    const token = getToken(ctx.db, id);
    if (token.revokedAt) return token;
    const revoked = ctx.db.update(apiTokens).set({ revokedAt: ctx.clock.now() }).where(eq(apiTokens.id, id)).returning().get();
    audit(ctx, 'token.revoke', { type: 'token', id }, { label: token.label });
    return revoked;
  });
}

/**
 * The principal behind a presented token, or undefined. LINLI_ADMIN_TOKEN is compared in constant time;
 * other tokens are found by their hash, which is compared again in constant time.
 */
const tokenByHash = preparedPerDb((db) =>
  db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.hash, sql.placeholder('hash')))
    .prepare(),
);

/** The root token's hash, worked out once: every request compares with it. */
let rootHash: { token: string; hash: string } | undefined;
function hashOfRoot(token: string): string {
  if (rootHash?.token !== token) rootHash = { token, hash: hashToken(token) };
  return rootHash.hash;
}

export function authenticateToken(deps: Deps, presented: string, rootToken: string | undefined): Principal | undefined {
  const hash = hashToken(presented);
  if (rootToken !== undefined && sameHash(hash, hashOfRoot(rootToken))) {
    return { tokenId: ROOT_TOKEN_ID, label: 'LINLI_ADMIN_TOKEN', role: 'admin', unitId: null, merchantId: null };
  }
  const row = tokenByHash(deps.db).get({ hash });
  if (!row || !sameHash(row.hash, hash) || row.revokedAt) return undefined;
  const now = deps.clock.now();
  // Recording every call would turn each read into a write; a minute's precision is enough.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    deps.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
  }
  return { tokenId: row.id, label: row.label, role: row.role, unitId: row.unitId, merchantId: row.merchantId };
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function activeTokenCount(db: Db): number {
  return db.select({ n: count() }).from(apiTokens).where(isNull(apiTokens.revokedAt)).get()?.n ?? 0;
}

/**
 * First start without LINLI_ADMIN_TOKEN: when no token is active, creates a whole-tree admin token and
 * returns its secret (to be shown once). Also the way back in after every token was revoked: restart.
 */
export function ensureAdminToken(deps: Deps): string | undefined {
  return inTransaction(deps.db, () => {
    if (activeTokenCount(deps.db) > 0) return undefined;
    const ctx: Ctx = { ...deps, actor: { kind: 'system', job: 'start' } };
    return createToken(ctx, { role: 'admin', unitId: null, label: 'first admin token' }).secret;
  });
}
