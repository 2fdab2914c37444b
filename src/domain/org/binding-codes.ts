import { eq } from 'drizzle-orm';
import { DAY } from '../../clock.js';
import { inTransaction } from '../../db/client.js';
import { bindingCodes, type RoomPurpose } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import { randomCode, normalizeCode } from '../codes.js';
import type { Ctx, Deps } from '../context.js';
import { linkIdentity, type Sender } from './identities.js';
import { type LinkRequest, linkNeedsConsent, ownerChats, pendingRequestFor, requestLink } from './link-requests.js';
import { getMember, type Member } from './members.js';
import { bindRoom, type Room } from './rooms.js';
import { getUnit, type Unit } from './units.js';

export type BindingCode = typeof bindingCodes.$inferSelect;

export const BINDING_CODE_LENGTH = 8;
export const DEFAULT_CODE_TTL_MS = 7 * DAY;

export type BindingTarget = { unitId: number; purpose: RoomPurpose } | { memberId: number };

export function createBindingCode(ctx: Ctx, target: BindingTarget, ttlMs = DEFAULT_CODE_TTL_MS): BindingCode {
  return inTransaction(ctx.db, () => {
    const now = ctx.clock.now();
    // Both lookups throw NOT_FOUND for a target that does not exist.
    const values =
      'unitId' in target
        ? { kind: 'room' as const, unitId: getUnit(ctx.db, target.unitId).id, purpose: target.purpose }
        : { kind: 'member' as const, memberId: getMember(ctx.db, target.memberId).id };
    const row = ctx.db
      .insert(bindingCodes)
      .values({
        code: randomCode(BINDING_CODE_LENGTH),
        ...values,
        createdBy: ctx.actor.kind === 'member' ? ctx.actor.memberId : null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
      })
      .returning()
      .get();
    audit(ctx, 'bindingCode.create', { type: 'bindingCode', id: row.code.slice(0, 2) + '…' }, { ...target, expiresAt: row.expiresAt.toISOString() });
    return row;
  });
}

export type BindingResult =
  | { kind: 'room'; room: Room; unit: Unit; purpose: RoomPurpose }
  | { kind: 'member'; member: Member }
  /** The member already uses Linli and did not make the code: linked once they (or an admin) confirm. */
  | { kind: 'pending'; request: LinkRequest; asked: number };

/**
 * Uses a one-time code: in a group it binds the group to the code's unit; in a private chat it links the
 * speaker's platform identity to the code's member, at once or, when that needs the member's consent
 * (linkNeedsConsent), once they give it.
 */
export function useBindingCode(ctx: Ctx, input: { code: string; room: Room; sender: Sender; speakerId: number }): BindingResult {
  return inTransaction(ctx.db, () => {
    const code = normalizeCode(input.code);
    const row = ctx.db.select().from(bindingCodes).where(eq(bindingCodes.code, code)).get();
    const now = ctx.clock.now();
    if (!row) throw new DomainError('NOT_FOUND', 'bind.unknownCode', { code });
    if (row.usedAt) {
      const waiting = pendingRequestFor(ctx.db, code, input.sender);
      if (waiting) return { kind: 'pending', request: waiting, asked: ownerChats(ctx.db, waiting.memberId).length };
      throw new DomainError('ALREADY_USED', 'bind.codeUsed');
    }
    if (row.expiresAt <= now) throw new DomainError('EXPIRED', 'bind.codeExpired');
    if (row.kind === 'room' && input.room.kind !== 'group') throw new DomainError('INVALID_INPUT', 'bind.roomCodeInPrivate');
    if (row.kind === 'member' && input.room.kind !== 'private') throw new DomainError('INVALID_INPUT', 'bind.memberCodeInGroup');
    ctx.db.update(bindingCodes).set({ usedAt: now, usedBy: input.speakerId }).where(eq(bindingCodes.code, code)).run();
    if (row.kind === 'room') {
      const room = bindRoom(ctx, input.room.id, row.unitId!, row.purpose!);
      return { kind: 'room', room, unit: getUnit(ctx.db, row.unitId!), purpose: row.purpose! };
    }
    const target = { memberId: row.memberId!, createdBy: row.createdBy };
    if (linkNeedsConsent(ctx.db, target, input.sender)) {
      const { request, asked } = requestLink(ctx, { code, memberId: target.memberId, sender: input.sender, roomId: input.room.id });
      audit(ctx, 'bindingCode.use', { type: 'member', id: request.memberId }, { held: request.id });
      return { kind: 'pending', request, asked };
    }
    const member = linkIdentity(ctx, input.sender, target.memberId);
    audit(ctx, 'bindingCode.use', { type: 'member', id: member.id }, {});
    return { kind: 'member', member };
  });
}

/** A run of letters and digits standing on its own, as a code would be typed: "绑定码 K7MQ-2XPA" or "K7MQ2XPA". */
const CODE_TOKEN = /(?<![A-Za-z0-9])[A-Za-z0-9](?:-?[A-Za-z0-9]){7}(?![A-Za-z0-9])/g;

/**
 * The codes in a piece of text that exist and can still be used, read-only: a WeChat friend request
 * carrying one is from someone Linli expects.
 */
export function usableCodesIn(deps: Deps, text: string): BindingCode[] {
  const now = deps.clock.now();
  const candidates = new Set((text.normalize('NFKC').match(CODE_TOKEN) ?? []).map(normalizeCode).filter((c) => c.length === BINDING_CODE_LENGTH));
  return [...candidates]
    .map((code) => deps.db.select().from(bindingCodes).where(eq(bindingCodes.code, code)).get())
    .filter((row): row is BindingCode => row !== undefined && row.usedAt === null && row.expiresAt > now);
}
