import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Lang } from '../../config.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import { members, type Role, roleGrants, units } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { getUnit, pathIds } from './units.js';

export type Member = typeof members.$inferSelect;
export type RoleGrant = typeof roleGrants.$inferSelect;

const memberById = preparedPerDb((db) =>
  db
    .select()
    .from(members)
    .where(eq(members.id, sql.placeholder('id')))
    .prepare(),
);

export function getMember(db: Db, id: number): Member {
  const member = memberById(db).get({ id });
  if (!member) throw new DomainError('NOT_FOUND', 'member.notFound', { id });
  return member;
}

/**
 * The record a person uses now: the member a merged record was merged into, else the member itself. A merge
 * repoints what was merged into the merged record, so one step is enough.
 */
export function currentMemberId(db: Db, id: number): number {
  return getMember(db, id).mergedInto ?? id;
}

export interface CreateMemberInput {
  name: string;
  language?: Lang;
  phone?: string | null;
  partyMember?: boolean;
  notes?: string | null;
}

/** The longest name kept: people read it in every card and notice, and a platform sends any length. */
export const MAX_NAME_LENGTH = 64;

/**
 * A name as a platform sent it, made fit to show: format and control characters out, spaces collapsed,
 * cut to MAX_NAME_LENGTH characters (not UTF-16 units, so no emoji is split). Empty when nothing is left.
 */
export function boundedName(name: string): string {
  const text = name
    .replace(/[\p{Cf}\p{Cc}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...text];
  return chars.length > MAX_NAME_LENGTH ? chars.slice(0, MAX_NAME_LENGTH).join('').trim() : text;
}

export function createMember(ctx: Ctx, input: CreateMemberInput): Member {
  const name = input.name.trim();
  if (!name) throw new DomainError('INVALID_INPUT', 'member.nameRequired');
  return inTransaction(ctx.db, () => {
    const member = ctx.db
      .insert(members)
      .values({
        name,
        language: input.language ?? ctx.settings.lang,
        phone: input.phone ?? null,
        partyMember: input.partyMember ?? false,
        notes: input.notes ?? null,
        createdAt: ctx.clock.now(),
      })
      .returning()
      .get();
    audit(ctx, 'member.create', { type: 'member', id: member.id }, { name });
    return member;
  });
}

export type UpdateMemberInput = Partial<Omit<CreateMemberInput, 'name'>> & { name?: string };

export function updateMember(ctx: Ctx, id: number, input: UpdateMemberInput): Member {
  return inTransaction(ctx.db, () => {
    getMember(ctx.db, id);
    const changes: Partial<Member> = {};
    if (input.name !== undefined) {
      const name = input.name.trim();
      if (!name) throw new DomainError('INVALID_INPUT', 'member.nameRequired');
      changes.name = name;
    }
    if (input.language !== undefined) changes.language = input.language;
    if (input.phone !== undefined) changes.phone = input.phone;
    if (input.partyMember !== undefined) changes.partyMember = input.partyMember;
    if (input.notes !== undefined) changes.notes = input.notes;
    if (Object.keys(changes).length) {
      ctx.db.update(members).set(changes).where(eq(members.id, id)).run();
      audit(ctx, 'member.update', { type: 'member', id }, changes);
    }
    return getMember(ctx.db, id);
  });
}

/**
 * Grants a role on a unit; granting one already held returns the existing grant. `why` joins the audit
 * entry's data (a merge says which record the role came from).
 */
export function grantRole(ctx: Ctx, input: { memberId: number; role: Role; unitId: number }, why: Record<string, unknown> = {}): RoleGrant {
  return inTransaction(ctx.db, () => {
    getMember(ctx.db, input.memberId);
    getUnit(ctx.db, input.unitId);
    const existing = ctx.db
      .select()
      .from(roleGrants)
      .where(and(eq(roleGrants.memberId, input.memberId), eq(roleGrants.role, input.role), eq(roleGrants.unitId, input.unitId), isNull(roleGrants.revokedAt)))
      .get();
    if (existing) return existing;
    const grant = ctx.db
      .insert(roleGrants)
      .values({ ...input, grantedAt: ctx.clock.now() })
      .returning()
      .get();
    audit(ctx, 'role.grant', { type: 'member', id: input.memberId }, { role: input.role, unitId: input.unitId, grantId: grant.id, ...why });
    return grant;
  });
}

export function revokeRole(ctx: Ctx, memberId: number, grantId: number, why: Record<string, unknown> = {}): RoleGrant {
  return inTransaction(ctx.db, () => {
    const grant = ctx.db
      .select()
      .from(roleGrants)
      .where(and(eq(roleGrants.id, grantId), eq(roleGrants.memberId, memberId), isNull(roleGrants.revokedAt)))
      .get();
    if (!grant) throw new DomainError('NOT_FOUND', 'role.notFound', { id: grantId });
    const revoked = ctx.db.update(roleGrants).set({ revokedAt: ctx.clock.now() }).where(eq(roleGrants.id, grantId)).returning().get();
    audit(ctx, 'role.revoke', { type: 'member', id: memberId }, { role: grant.role, unitId: grant.unitId, grantId, ...why });
    return revoked;
  });
}

const grantsOf = preparedPerDb((db) =>
  db
    .select({ grant: roleGrants, unitName: units.name })
    .from(roleGrants)
    .innerJoin(units, eq(units.id, roleGrants.unitId))
    .where(and(eq(roleGrants.memberId, sql.placeholder('memberId')), isNull(roleGrants.revokedAt)))
    .prepare(),
);

/**
 * What the member holds now, where. A member holds a few grants, so the questions below (any role? this
 * role here?) filter them here rather than each building a query of its own.
 */
const grantsHeld = preparedPerDb((db) =>
  db
    .select({ role: roleGrants.role, unitId: roleGrants.unitId })
    .from(roleGrants)
    .where(and(eq(roleGrants.memberId, sql.placeholder('memberId')), isNull(roleGrants.revokedAt)))
    .prepare(),
);

export function activeGrants(db: Db, memberId: number): (RoleGrant & { unitName: string })[] {
  return grantsOf(db)
    .all({ memberId })
    .map((r) => ({ ...r.grant, unitName: r.unitName }));
}

export function holdsAnyRole(db: Db, memberId: number): boolean {
  return grantsHeld(db).get({ memberId }) !== undefined;
}

/**
 * Someone just registered: never given a role anywhere (a revoked one counts) and not merged into another
 * record. Only such a person may be brought into a unit by a token that does not already reach them.
 */
export function isNewcomer(db: Db, member: Member): boolean {
  if (member.mergedInto !== null) return false;
  return db.select({ id: roleGrants.id }).from(roleGrants).where(eq(roleGrants.memberId, member.id)).get() === undefined;
}

/** Whether the member holds `role` (or any of `roles`) on the unit or one of its ancestors. */
export function hasRole(db: Db, memberId: number, role: Role | Role[], unitId: number): boolean {
  const roles: Role[] = Array.isArray(role) ? role : [role];
  const ancestors = pathIds(getUnit(db, unitId));
  return grantsHeld(db)
    .all({ memberId })
    .some((g) => roles.includes(g.role) && ancestors.includes(g.unitId));
}

/** Staff and admins act for a unit and its subtree. */
export const canActAsStaff = (db: Db, memberId: number, unitId: number) => hasRole(db, memberId, ['staff', 'admin'], unitId);

/** The units where the member holds any of `roles` directly. */
export function unitsWithRole(db: Db, memberId: number, roles: Role[]): number[] {
  return [
    ...new Set(
      grantsHeld(db)
        .all({ memberId })
        .filter((g) => roles.includes(g.role))
        .map((g) => g.unitId),
    ),
  ];
}

/** Members holding `role` directly on the unit (not inherited from above). */
export function membersWithRoleAt(db: Db, unitId: number, role: Role): Member[] {
  return db
    .select({ member: members })
    .from(roleGrants)
    .innerJoin(members, eq(members.id, roleGrants.memberId))
    .where(and(eq(roleGrants.unitId, unitId), eq(roleGrants.role, role), isNull(roleGrants.revokedAt)))
    .orderBy(members.id)
    .all()
    .map((r) => r.member);
}
