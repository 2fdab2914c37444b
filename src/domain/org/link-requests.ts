import { and, desc, eq } from 'drizzle-orm';
import { DAY } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/client.js';
import { identities, type LinkRequestStatus, linkRequests, rooms } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { type Phrase, phrase, say } from '../notice.js';
import { notifyRooms } from '../notify.js';
import { findIdentity, type Identity, linkIdentity, type Sender } from './identities.js';
import { currentMemberId, getMember, type Member } from './members.js';
import { getRoom, type Room } from './rooms.js';

export type LinkRequest = typeof linkRequests.$inferSelect;

/** How long the owner has to answer: long enough for someone who opens the chat every other day. */
export const LINK_REQUEST_TTL_MS = 3 * DAY;

/** The identities through which a member already uses Linli. */
export const identitiesOf = (db: Db, memberId: number): Identity[] => db.select().from(identities).where(eq(identities.memberId, memberId)).all();

const PLATFORM_NAMES = new Map([
  ['telegram', 'platform.telegram'],
  ['wechat', 'platform.wechat'],
  ['shell', 'platform.shell'],
] as const);

/** The message naming a platform as its users call it; undefined for one the tables do not know. */
export const platformKey = (platform: string) => PLATFORM_NAMES.get(platform as 'telegram');

/** A platform in the reader's language; an unknown one by its id. */
const platformName = (platform: string): Phrase | string => {
  const key = platformKey(platform);
  return key ? phrase(key) : platform;
};

/** The private chats a member has with the bot, one per account they talk to it from: where they are asked. */
export const ownerChats = (db: Db, memberId: number): Room[] =>
  db
    .select()
    .from(rooms)
    .where(and(eq(rooms.kind, 'private'), eq(rooms.memberId, currentMemberId(db, memberId))))
    .all();

/**
 * Whether linking `sender` to the member a code names needs that member's say-so. A code the member made
 * themselves (关联码 in their own chat) proves the person holds both accounts; a member nobody uses yet
 * (registered by staff) is the person's to take, as onboarding does. Any other code (one an API token or
 * someone else made) could have been passed to anyone, and must not hand over a member's points and
 * vouchers to whoever says it first.
 */
export function linkNeedsConsent(db: Db, code: { memberId: number; createdBy: number | null }, sender: Sender): boolean {
  const target = currentMemberId(db, code.memberId);
  if (code.createdBy !== null && currentMemberId(db, code.createdBy) === target) return false;
  const already = findIdentity(db, sender.platform, sender.platformUserId);
  if (already && currentMemberId(db, already.memberId) === target) return false;
  return identitiesOf(db, target).length > 0;
}

/**
 * Holds the link until the member answers: the request is recorded, and every private chat the member
 * has with the bot is asked "is this you?" through the outbox. Returns the request; `asked` is how many
 * chats were asked (none: only an admin can decide it).
 */
export function requestLink(
  ctx: Ctx,
  input: { code: string; memberId: number; sender: Sender; roomId: number | null },
): { request: LinkRequest; asked: number } {
  return inTransaction(ctx.db, () => {
    const target = getMember(ctx.db, currentMemberId(ctx.db, input.memberId));
    const now = ctx.clock.now();
    const request = ctx.db
      .insert(linkRequests)
      .values({
        code: input.code,
        memberId: target.id,
        platform: input.sender.platform,
        platformUserId: input.sender.platformUserId,
        displayName: input.sender.displayName,
        roomId: input.roomId,
        status: 'pending',
        createdAt: now,
        expiresAt: new Date(now.getTime() + LINK_REQUEST_TTL_MS),
      })
      .returning()
      .get();
    const chats = ownerChats(ctx.db, target.id);
    const ref = String(request.id);
    const asked = notifyRooms(
      ctx,
      chats,
      say(
        'link.ask',
        {
          platform: platformName(input.sender.platform),
          name: input.sender.displayName,
          confirm: { command: 'linkconfirm' },
          refuse: { command: 'linkrefuse' },
          ref,
        },
        {
          buttons: [
            [
              { command: 'linkconfirm', args: ref, label: 'link.button.confirm' },
              { command: 'linkrefuse', args: ref, label: 'link.button.refuse' },
            ],
          ],
        },
      ),
      'link-request',
    );
    audit(
      ctx,
      'identity.linkRequested',
      { type: 'member', id: target.id },
      { request: request.id, platform: input.sender.platform, platformUserId: input.sender.platformUserId, asked },
    );
    return { request, asked };
  });
}

/** The pending request this account made with this code, if it is waiting: saying the code again says so again. */
export function pendingRequestFor(db: Db, code: string, sender: Sender): LinkRequest | undefined {
  return db
    .select()
    .from(linkRequests)
    .where(
      and(
        eq(linkRequests.code, code),
        eq(linkRequests.platform, sender.platform),
        eq(linkRequests.platformUserId, sender.platformUserId),
        eq(linkRequests.status, 'pending'),
      ),
    )
    .get();
}

export type LinkDecision = 'confirm' | 'refuse';

/**
 * The member's answer (from one of their accounts) or an admin's (through the API, which checks the
 * token's role and scope):
 * confirmed, the account is linked as a code of their own would have; refused, it stays on its own. The
 * account that asked is told either way.
 */
export function decideLink(ctx: Ctx, id: number, decision: LinkDecision): { request: LinkRequest; member: Member } {
  return inTransaction(ctx.db, () => {
    const request = getLinkRequest(ctx.db, id);
    const target = currentMemberId(ctx.db, request.memberId);
    if (ctx.actor.kind === 'member' && currentMemberId(ctx.db, ctx.actor.memberId) !== target) {
      // Someone else's request is not theirs to see: the same answer as for one that does not exist.
      throw new DomainError('NOT_FOUND', 'link.notFound', { ref: String(id) });
    }
    if (request.status !== 'pending') throw new DomainError('ALREADY_USED', 'link.alreadyDecided', { ref: String(id) });
    const now = ctx.clock.now();
    if (request.expiresAt <= now) throw new DomainError('EXPIRED', 'link.expired', { ref: String(id) });
    const status: LinkRequestStatus = decision === 'confirm' ? 'confirmed' : 'refused';
    const decided = ctx.db.update(linkRequests).set({ status, decidedAt: now }).where(eq(linkRequests.id, id)).returning().get();
    const sender: Sender = { platform: request.platform, platformUserId: request.platformUserId, displayName: request.displayName };
    const member = decision === 'confirm' ? linkIdentity(ctx, sender, target) : getMember(ctx.db, target);
    audit(
      ctx,
      decision === 'confirm' ? 'identity.linkConfirmed' : 'identity.linkRefused',
      { type: 'member', id: target },
      {
        request: id,
        platform: request.platform,
        platformUserId: request.platformUserId,
      },
    );
    if (request.roomId !== null) {
      const room = getRoom(ctx.db, request.roomId);
      notifyRooms(ctx, [room], decision === 'confirm' ? say('link.confirmed', { name: member.name }) : say('link.refused'), 'link-request');
    }
    return { request: decided, member };
  });
}

export function getLinkRequest(db: Db, id: number): LinkRequest {
  const request = db.select().from(linkRequests).where(eq(linkRequests.id, id)).get();
  if (!request) throw new DomainError('NOT_FOUND', 'link.notFound', { ref: String(id) });
  return request;
}

/** A member's requests, newest first, the pending ones first of all (for the API). */
export function linkRequestsOf(db: Db, memberId: number): LinkRequest[] {
  return db
    .select()
    .from(linkRequests)
    .where(eq(linkRequests.memberId, currentMemberId(db, memberId)))
    .orderBy(desc(eq(linkRequests.status, 'pending')), desc(linkRequests.id))
    .all();
}
