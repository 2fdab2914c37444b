import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Lang } from '../../config.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import { apiTokens, identities, members, rewards, rooms, taskClaims, taskCompletions, tasks, vouchers } from '../../db/schema/index.js';
import { audit } from '../audit.js';
import { type AccountRef, accountKey, balanceOf, memberAccount, merchantAccount } from '../ledger/accounts.js';
import { post } from '../ledger/post.js';
import type { Ctx, Deps } from '../context.js';
import { activeGrants, boundedName, createMember, currentMemberId, getMember, grantRole, holdsAnyRole, type Member, revokeRole } from './members.js';
import type { Room } from './rooms.js';

export type Identity = typeof identities.$inferSelect;

export interface Sender {
  platform: string;
  platformUserId: string;
  displayName: string;
  /** The platform's idea of the person's language (Telegram's language_code), used for new members. */
  languageHint?: string | undefined;
}

const identityByPlatformId = preparedPerDb((db) =>
  db
    .select()
    .from(identities)
    .where(and(eq(identities.platform, sql.placeholder('platform')), eq(identities.platformUserId, sql.placeholder('platformUserId'))))
    .prepare(),
);

export function findIdentity(db: Db, platform: string, platformUserId: string): Identity | undefined {
  return identityByPlatformId(db).get({ platform, platformUserId });
}

/** Every identity Linli has seen on a platform, in the order first seen (the shell chat lists its users). */
export function identitiesOn(db: Db, platform: string): Identity[] {
  return db.select().from(identities).where(eq(identities.platform, platform)).orderBy(identities.createdAt, identities.memberId).all();
}

export const languageFromHint = (hint: string | undefined, fallback: Lang): Lang =>
  hint === undefined ? fallback : hint.toLowerCase().startsWith('zh') ? 'zh' : hint.toLowerCase().startsWith('en') ? 'en' : fallback;

/**
 * The member behind a sender. An unknown sender becomes a member on first message, with their display name;
 * in a bound residents' room, someone holding no role yet becomes a resident of that room's unit.
 */
export function resolveSender(deps: Deps, given: Sender, room: Room): { member: Member; isNew: boolean } {
  const sender = { ...given, displayName: boundedName(given.displayName) };
  return inTransaction(deps.db, () => {
    const identity = findIdentity(deps.db, sender.platform, sender.platformUserId);
    let member: Member;
    let isNew = false;
    if (identity) {
      member = getMember(deps.db, identity.memberId);
      if (sender.displayName && identity.displayName !== sender.displayName) {
        deps.db
          .update(identities)
          .set({ displayName: sender.displayName })
          .where(and(eq(identities.platform, sender.platform), eq(identities.platformUserId, sender.platformUserId)))
          .run();
      }
    } else {
      const ctx: Ctx = { ...deps, actor: { kind: 'system', job: 'chat' } };
      member = createMember(ctx, {
        name: sender.displayName || sender.platformUserId,
        language: languageFromHint(sender.languageHint, deps.settings.lang),
      });
      deps.db
        .insert(identities)
        .values({
          platform: sender.platform,
          platformUserId: sender.platformUserId,
          memberId: member.id,
          displayName: sender.displayName,
          createdAt: deps.clock.now(),
        })
        .run();
      isNew = true;
    }
    if (room.kind === 'group' && room.purpose === 'residents' && room.unitId !== null) {
      if (isNew || !holdsAnyRole(deps.db, member.id)) {
        grantRole(
          { ...deps, actor: { kind: 'system', job: 'chat' } },
          {
            memberId: member.id,
            role: 'resident',
            unitId: room.unitId,
          },
        );
      }
    }
    return { member, isNew };
  });
}

/**
 * What the merged record holds follows the person to the record they now use: points (and a merchant's
 * settlement balance), unused vouchers, service under way, roles, and what a merchant sells (rewards, API
 * tokens). One audit entry says what moved.
 */
function moveHoldings(ctx: Ctx, from: number, to: number): void {
  const points = moveBalance(ctx, memberAccount(from), memberAccount(to), `merge:${from}:${to}`);
  const settlement = moveBalance(ctx, merchantAccount(from), merchantAccount(to), `merge-merchant:${from}:${to}`);
  const moved = ctx.db
    .update(vouchers)
    .set({ memberId: to })
    .where(and(eq(vouchers.memberId, from), eq(vouchers.status, 'issued')))
    .returning({ id: vouchers.id })
    .all();
  moveService(ctx.db, from, to);
  const roles = moveGrants(ctx, from, to);
  // A merchant keeps selling as the record they use: their rewards, and the tokens that verify them.
  const sold = ctx.db.update(rewards).set({ merchantId: to }).where(eq(rewards.merchantId, from)).returning({ id: rewards.id }).all();
  const tokens = ctx.db
    .update(apiTokens)
    .set({ merchantId: to })
    .where(and(eq(apiTokens.merchantId, from), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id })
    .all();
  audit(
    ctx,
    'member.merge',
    { type: 'member', id: to },
    {
      from,
      points,
      settlement,
      vouchers: moved.length,
      roles,
      rewards: sold.map((r) => r.id),
      tokens: tokens.map((t) => t.id),
    },
  );
}

/** Moves an account's whole balance; returns how much. */
function moveBalance(ctx: Ctx, from: AccountRef, to: AccountRef, idempotencyKey: string): number {
  const balance = balanceOf(ctx.db, from);
  if (balance > 0) {
    post(ctx, {
      legs: [
        { account: from, amount: -balance },
        { account: to, amount: balance },
      ],
      reason: 'merge',
      ref: accountKey(from),
      // The statement line says "accounts merged" from the reason; no ids for people to read.
      memo: '',
      idempotencyKey,
    });
  }
  return balance;
}

/**
 * The roles the merged record held (volunteer of the community, merchant of a shop…) are the person's: each
 * one the survivor does not hold yet (the same role on the same unit) is granted to them, and the merged
 * record holds none any more, so it never shows among a unit's people. Each is audited as a grant and a
 * revocation naming the other record. Returns the roles moved, as "role@unitId".
 */
function moveGrants(ctx: Ctx, from: number, to: number): string[] {
  const key = (g: { role: string; unitId: number }) => `${g.role}@${g.unitId}`;
  const held = new Set(activeGrants(ctx.db, to).map(key));
  const moved: string[] = [];
  for (const grant of activeGrants(ctx.db, from)) {
    revokeRole(ctx, from, grant.id, { mergedInto: to });
    if (held.has(key(grant))) continue;
    grantRole(ctx, { memberId: to, role: grant.role, unitId: grant.unitId }, { mergedFrom: from });
    moved.push(key(grant));
  }
  return moved;
}

/**
 * Service still under way follows the person: the slots they hold with no hours credited yet (and the
 * report on each), and the open wishes they asked for, so they report, correct and confirm as the member
 * they now use and are paid there. What was credited stays on the record it was credited to, as the ledger
 * does; hoursOf and the leaderboard count it for the member it was merged into. A slot on a task the other
 * record holds too stays where it is (one person cannot hold two); credit() pays it to the survivor.
 */
function moveService(db: Db, from: number, to: number): void {
  const settled = db
    .select({ claimId: taskCompletions.claimId })
    .from(taskCompletions)
    .where(and(eq(taskCompletions.volunteerId, from), inArray(taskCompletions.status, ['confirmed', 'ruled'])))
    .all()
    .map((c) => c.claimId);
  const held = new Set(
    db
      .select({ taskId: taskClaims.taskId })
      .from(taskClaims)
      .where(and(eq(taskClaims.volunteerId, to), eq(taskClaims.status, 'active')))
      .all()
      .map((c) => c.taskId),
  );
  const moving = db
    .select()
    .from(taskClaims)
    .where(and(eq(taskClaims.volunteerId, from), eq(taskClaims.status, 'active')))
    .all()
    .filter((c) => !settled.includes(c.id) && !held.has(c.taskId))
    .map((c) => c.id);
  if (moving.length) {
    db.update(taskClaims).set({ volunteerId: to }).where(inArray(taskClaims.id, moving)).run();
    db.update(taskCompletions).set({ volunteerId: to }).where(inArray(taskCompletions.claimId, moving)).run();
  }
  db.update(tasks)
    .set({ requesterId: to })
    .where(and(eq(tasks.requesterId, from), eq(tasks.status, 'open')))
    .run();
}

/**
 * Points a platform identity at another member (one person on WeChat and Telegram is one member). The
 * record the identity pointed to before keeps its history and is marked as merged.
 */
export function linkIdentity(ctx: Ctx, given: Sender, targetMemberId: number): Member {
  const sender = { ...given, displayName: boundedName(given.displayName) };
  return inTransaction(ctx.db, () => {
    // A code made out to a record since merged into another links to the person it became.
    const target = getMember(ctx.db, currentMemberId(ctx.db, targetMemberId));
    const identity = findIdentity(ctx.db, sender.platform, sender.platformUserId);
    const now = ctx.clock.now();
    if (!identity) {
      ctx.db
        .insert(identities)
        .values({
          platform: sender.platform,
          platformUserId: sender.platformUserId,
          memberId: target.id,
          displayName: sender.displayName,
          createdAt: now,
        })
        .run();
    } else if (identity.memberId !== target.id) {
      const previous = identity.memberId;
      ctx.db
        .update(identities)
        .set({ memberId: target.id })
        .where(and(eq(identities.platform, sender.platform), eq(identities.platformUserId, sender.platformUserId)))
        .run();
      ctx.db
        .update(rooms)
        .set({ memberId: target.id })
        .where(and(eq(rooms.kind, 'private'), eq(rooms.memberId, previous), eq(rooms.platform, sender.platform)))
        .run();
      const stillUsed = ctx.db.select().from(identities).where(eq(identities.memberId, previous)).get();
      if (!stillUsed) {
        // Records merged into this one before now follow it, so a merged record is one step from the person.
        ctx.db
          .update(members)
          .set({ mergedInto: target.id })
          .where(and(eq(members.mergedInto, previous), ne(members.id, target.id)))
          .run();
        ctx.db.update(members).set({ mergedInto: target.id }).where(eq(members.id, previous)).run();
        moveHoldings(ctx, previous, target.id);
      }
    }
    audit(ctx, 'identity.link', { type: 'member', id: target.id }, { platform: sender.platform, platformUserId: sender.platformUserId });
    return target;
  });
}
