import { and, asc, eq, exists, gt, inArray, isNull, sql } from 'drizzle-orm';
import { createRoute, z } from '@hono/zod-openapi';
import { type Db, inTransaction } from '../../db/client.js';
import { LANGS, members, ROLES, roleGrants, units } from '../../db/schema/index.js';
import {
  createMember,
  getMember,
  grantRole,
  holdsAnyRole,
  isNewcomer,
  MAX_NAME_LENGTH,
  type Member,
  revokeRole,
  type RoleGrant,
  updateMember,
} from '../../domain/org/members.js';
import { inSubtree } from '../../domain/org/subtree.js';
import { DomainError } from '../../errors.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { memberTotals } from '../member-totals.js';
import { body, errors, IdParam, IdString, Instant, iso, isoOrNull, json, security, visibleText } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

const tags = ['Members'];

const RoleGrantSchema = z
  .object({
    id: z.number().int().openapi({ description: 'The grant id, for DELETE /members/{id}/roles/{roleId}' }),
    memberId: z.number().int(),
    role: z.enum(ROLES),
    unitId: z.number().int(),
    unitName: z.string(),
    grantedAt: Instant,
    revokedAt: Instant.nullable(),
  })
  .openapi('RoleGrant');

export const MemberSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    language: z.enum(LANGS),
    phone: z.string().nullable(),
    partyMember: z.boolean(),
    notes: z.string().nullable(),
    mergedInto: z.number().int().nullable().openapi({ description: 'Set when this record was merged into another member' }),
    createdAt: Instant,
    roles: z.array(RoleGrantSchema).openapi({ description: 'Active role grants' }),
  })
  .openapi('Member');

const MemberDetailSchema = MemberSchema.extend({
  balance: z.number().int().openapi({ description: 'Points to spend' }),
  hoursGiven: z.number().openapi({ description: 'Hours of service given' }),
  hoursReceived: z.number().openapi({ description: 'Hours of service received' }),
}).openapi('MemberDetail');

const Name = visibleText(MAX_NAME_LENGTH);
const Phone = z.string().trim().max(30);
const Notes = z.string().trim().max(1000);

const CreateMember = z
  .strictObject({
    name: Name.openapi({ example: '金阿姨' }),
    language: z.enum(LANGS).optional().openapi({ description: 'Reply language; the configured default when absent' }),
    phone: Phone.nullable().optional(),
    partyMember: z.boolean().optional(),
    notes: Notes.nullable().optional(),
    unitId: z.number().int().positive().openapi({ description: 'The unit the member belongs to' }),
    role: z.enum(ROLES).default('resident').openapi({ description: 'Their first role on that unit' }),
  })
  .openapi('CreateMember');

const UpdateMember = z
  .strictObject({
    name: Name.optional(),
    language: z.enum(LANGS).optional(),
    phone: Phone.nullable().optional(),
    partyMember: z.boolean().optional(),
    notes: Notes.nullable().optional(),
  })
  .openapi('UpdateMember');

const GrantRole = z.strictObject({ role: z.enum(ROLES), unitId: z.number().int().positive() }).openapi('GrantRole');

const RoleParams = z.object({
  id: IdString.openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
  roleId: IdString.openapi({ param: { name: 'roleId', in: 'path' }, example: 1 }),
});

type GrantRow = RoleGrant & { unitName: string };

const grantView = (g: GrantRow): z.infer<typeof RoleGrantSchema> => ({
  id: g.id,
  memberId: g.memberId,
  role: g.role,
  unitId: g.unitId,
  unitName: g.unitName,
  grantedAt: iso(g.grantedAt),
  revokedAt: isoOrNull(g.revokedAt),
});

/** Active grants of many members in one query. */
function grantsOf(db: Db, memberIds: number[]): Map<number, GrantRow[]> {
  const byMember = new Map<number, GrantRow[]>(memberIds.map((id) => [id, []]));
  if (!memberIds.length) return byMember;
  const rows = db
    .select({ grant: roleGrants, unitName: units.name })
    .from(roleGrants)
    .innerJoin(units, eq(units.id, roleGrants.unitId))
    .where(and(inArray(roleGrants.memberId, memberIds), isNull(roleGrants.revokedAt)))
    .orderBy(asc(roleGrants.id))
    .all();
  for (const r of rows) byMember.get(r.grant.memberId)?.push({ ...r.grant, unitName: r.unitName });
  return byMember;
}

const memberView = (m: Member, grants: GrantRow[]): z.infer<typeof MemberSchema> => ({
  id: m.id,
  name: m.name,
  language: m.language,
  phone: m.phone,
  partyMember: m.partyMember,
  notes: m.notes,
  mergedInto: m.mergedInto,
  createdAt: iso(m.createdAt),
  roles: grants.map(grantView),
});

const listMembers = createRoute({
  method: 'get',
  path: '/members',
  tags,
  security,
  summary: 'List members',
  description: "Members holding a role in the token's subtree, by id. Admin and staff tokens.",
  request: {
    query: PageQuery.extend({
      unitId: IdString.optional().openapi({ description: 'Only members with a role on this unit or below' }),
      role: z.enum(ROLES).optional().openapi({ description: 'Only members holding this role' }),
      q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Part of the name' }),
    }),
  },
  responses: { 200: json(pageOf(MemberSchema, 'MemberPage'), 'A page of members'), ...errors(404) },
});

const getMemberRoute = createRoute({
  method: 'get',
  path: '/members/{id}',
  tags,
  security,
  summary: 'Get a member',
  description: 'The member, their active roles, and their time-bank balance and hours.',
  request: { params: IdParam },
  responses: { 200: json(MemberDetailSchema, 'The member'), ...errors(404) },
});

const createMemberRoute = createRoute({
  method: 'post',
  path: '/members',
  tags,
  security,
  middleware: [allow(['admin', 'staff'])],
  summary: 'Create a member',
  description:
    'Registers a person with a first role on a unit in the token’s subtree (a resident by default). Staff tokens may give resident and volunteer roles. Accepts Idempotency-Key.',
  request: { headers: IdempotencyHeaders, body: body(CreateMember) },
  responses: { 201: json(MemberSchema, 'The new member'), ...errors(404, 409, 415) },
});

const updateMemberRoute = createRoute({
  method: 'patch',
  path: '/members/{id}',
  tags,
  security,
  middleware: [allow(['admin', 'staff'])],
  summary: 'Change a member',
  description: 'Name, language, phone, party membership, notes. Null clears phone and notes.',
  request: { params: IdParam, body: body(UpdateMember) },
  responses: { 200: json(MemberSchema, 'The member as changed'), ...errors(404, 415) },
});

const grantRoleRoute = createRoute({
  method: 'post',
  path: '/members/{id}/roles',
  tags,
  security,
  middleware: [allow(['admin', 'staff'])],
  summary: 'Grant a role',
  description:
    'Grants a role on a unit in the token’s subtree; the role holds on everything below it too. The member must already hold a role in the subtree, or hold no role at all (a person just registered): bringing someone in from elsewhere takes a token over both places. Admin tokens grant any role, staff tokens resident and volunteer. 201 for a new grant, 200 when the member already held it.',
  request: { params: IdParam, headers: IdempotencyHeaders, body: body(GrantRole) },
  responses: {
    200: json(RoleGrantSchema, 'Already held: the existing grant'),
    201: json(RoleGrantSchema, 'The new grant'),
    ...errors(404, 409, 415),
  },
});

const revokeRoleRoute = createRoute({
  method: 'delete',
  path: '/members/{id}/roles/{roleId}',
  tags,
  security,
  summary: 'Revoke a role',
  description: 'Ends an active grant; the grant stays on record with its revokedAt.',
  request: { params: RoleParams },
  responses: { 200: json(RoleGrantSchema, 'The revoked grant'), ...errors(404) },
});

export const registerMembers: RegisterRoutes = (api, services) => {
  const { db } = services;
  const view = (m: Member) => memberView(m, grantsOf(db, [m.id]).get(m.id) ?? []);

  api.openapi(listMembers, (c) => {
    const { scope } = c.var;
    scope.requireRole('admin', 'staff');
    const { limit, cursor, unitId, role, q } = c.req.valid('query');
    const prefix = scope.subtreePath(unitId);
    const after = decodeCursor(cursor);
    const holdsRole =
      prefix !== null || role !== undefined
        ? exists(
            db
              .select({ one: sql`1` })
              .from(roleGrants)
              .innerJoin(units, eq(units.id, roleGrants.unitId))
              .where(
                and(
                  eq(roleGrants.memberId, members.id),
                  isNull(roleGrants.revokedAt),
                  prefix !== null ? inSubtree(units.path, prefix) : undefined,
                  role !== undefined ? eq(roleGrants.role, role) : undefined,
                ),
              ),
          )
        : undefined;
    const rows = db
      .select()
      .from(members)
      .where(and(holdsRole, q !== undefined ? sql`instr(${members.name}, ${q}) > 0` : undefined, after !== undefined ? gt(members.id, after) : undefined))
      .orderBy(asc(members.id))
      .limit(limit + 1)
      .all();
    const grants = grantsOf(
      db,
      rows.map((m) => m.id),
    );
    return c.json(
      toPage(
        rows,
        limit,
        (m) => m.id,
        (m) => memberView(m, grants.get(m.id) ?? []),
      ),
      200,
    );
  });

  api.openapi(getMemberRoute, (c) => {
    const { scope } = c.var;
    scope.requireRole('admin', 'staff');
    const member = scope.member(c.req.valid('param').id);
    return c.json({ ...view(member), ...memberTotals(db, member.id) }, 200);
  });

  api.openapi(createMemberRoute, (c) => {
    const { scope, ctx } = c.var;
    const input = c.req.valid('json');
    scope.unit(input.unitId);
    scope.requireGrantable(input.role);
    return idempotent(c, input, 201, () =>
      inTransaction(db, () => {
        const { unitId, role, ...fields } = input;
        const member = createMember(ctx, fields);
        grantRole(ctx, { memberId: member.id, role, unitId });
        return view(member);
      }),
    );
  });

  api.openapi(updateMemberRoute, (c) => {
    const { scope, ctx } = c.var;
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    if (Object.values(input).every((v) => v === undefined)) throw new DomainError('INVALID_INPUT', 'api.nothingToChange');
    scope.manages(id);
    return c.json(view(updateMember(ctx, id, input)), 200);
  });

  api.openapi(grantRoleRoute, (c) => {
    const { scope, ctx } = c.var;
    const { id } = c.req.valid('param');
    const { role, unitId } = c.req.valid('json');
    // A role in scope would bring its holder into scope: only someone already in it may take one (or had a role
    // in it before theirs were revoked), or a person just registered (never given a role, not merged away).
    // Moving someone in from elsewhere takes a token over both places.
    const member = getMember(db, id);
    if (member.mergedInto !== null) throw new DomainError('CONFLICT', 'api.memberMerged', { id, into: member.mergedInto });
    if (!isNewcomer(db, member)) scope.member(id, { formerly: !holdsAnyRole(db, id) });
    const unit = scope.unit(unitId);
    scope.requireGrantable(role);
    let held = false;
    return idempotent(
      c,
      { role, unitId },
      () => (held ? 200 : 201),
      () => {
        held =
          grantsOf(db, [id])
            .get(id)
            ?.some((g) => g.role === role && g.unitId === unitId) ?? false;
        return grantView({ ...grantRole(ctx, { memberId: id, role, unitId }), unitName: unit.name });
      },
    );
  });

  api.openapi(revokeRoleRoute, (c) => {
    const { scope, ctx } = c.var;
    scope.requireRole('admin', 'staff');
    const { id, roleId } = c.req.valid('param');
    getMember(db, id);
    const grant = grantsOf(db, [id])
      .get(id)
      ?.find((g) => g.id === roleId);
    if (!grant) throw new DomainError('NOT_FOUND', 'role.notFound', { id: roleId });
    scope.unit(grant.unitId);
    scope.requireGrantable(grant.role);
    return c.json(grantView({ ...revokeRole(ctx, id, roleId), unitName: grant.unitName }), 200);
  });
};
