import { and, asc, eq, gt } from 'drizzle-orm';
import { createRoute, z } from '@hono/zod-openapi';
import { UNIT_KINDS, units } from '../../db/schema/index.js';
import { createUnit, pointsPerHour, type Unit, updateUnit } from '../../domain/org/units.js';
import { DomainError } from '../../errors.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { body, errors, IdParam, IdString, Instant, iso, json, security, visibleText } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

const tags = ['Units'];

export const UnitSchema = z
  .object({
    id: z.number().int(),
    parentId: z.number().int().nullable(),
    kind: z.enum(UNIT_KINDS),
    name: z.string(),
    depth: z.number().int().openapi({ description: '0 for a root (a street)' }),
    pointsPerHour: z.number().int().nullable().openapi({ description: "The unit's own rate; null inherits its parent's" }),
    effectivePointsPerHour: z.number().int().openapi({ description: 'The rate in force: its own, or the nearest ancestor’s, or the default' }),
    createdAt: Instant,
  })
  .openapi('Unit');

const Name = visibleText(100);
const Rate = z.number().int().min(0).max(100_000);

const CreateUnit = z
  .strictObject({
    parentId: z.number().int().positive().nullable().openapi({
      description:
        'Always given: the parent unit, or null for a new root such as a second street (whole-tree tokens only). Required so that a forgotten parent never makes a root by mistake.',
    }),
    kind: z.enum(UNIT_KINDS),
    name: Name.openapi({ example: '荷东第三网格' }),
    pointsPerHour: Rate.nullable().optional().openapi({ description: 'Points per hour of service; absent or null inherits' }),
  })
  .openapi('CreateUnit');

const UpdateUnit = z
  .strictObject({
    name: Name.optional(),
    kind: z.enum(UNIT_KINDS).optional(),
    parentId: z.number().int().positive().optional().openapi({ description: 'Moves the unit and its subtree under another unit' }),
    pointsPerHour: Rate.nullable().optional(),
  })
  .openapi('UpdateUnit');

const unitView =
  (db: Parameters<typeof pointsPerHour>[0]) =>
  (u: Unit): z.infer<typeof UnitSchema> => ({
    id: u.id,
    parentId: u.parentId,
    kind: u.kind,
    name: u.name,
    depth: u.depth,
    pointsPerHour: u.pointsPerHour,
    effectivePointsPerHour: pointsPerHour(db, u.id),
    createdAt: iso(u.createdAt),
  });

const listUnits = createRoute({
  method: 'get',
  path: '/units',
  tags,
  security,
  summary: 'List units',
  description: "Units in the token's subtree, by id; `?parent=` lists the children of one unit. Admin and staff tokens.",
  request: {
    query: PageQuery.extend({
      parent: IdString.optional().openapi({ description: 'Only the children of this unit' }),
    }),
  },
  responses: { 200: json(pageOf(UnitSchema, 'UnitPage'), 'A page of units'), ...errors(404) },
});

const getUnitRoute = createRoute({
  method: 'get',
  path: '/units/{id}',
  tags,
  security,
  summary: 'Get a unit',
  request: { params: IdParam },
  responses: { 200: json(UnitSchema, 'The unit'), ...errors(404) },
});

const createUnitRoute = createRoute({
  method: 'post',
  path: '/units',
  tags,
  security,
  middleware: [allow(['admin'])],
  summary: 'Create a unit',
  description:
    "A unit under a parent in the token’s subtree (names are unique among siblings), of a kind below its parent's (street › community › estate › grid › building / other). Admin tokens.",
  request: { headers: IdempotencyHeaders, body: body(CreateUnit) },
  responses: { 201: json(UnitSchema, 'The new unit'), ...errors(404, 409, 415) },
});

const updateUnitRoute = createRoute({
  method: 'patch',
  path: '/units/{id}',
  tags,
  security,
  middleware: [allow(['admin'])],
  summary: 'Change a unit',
  description:
    "Rename, change the kind or the points rate, or move the unit (with its subtree) under another. A kind stays below its parent's and above its children's (street › community › estate › grid › building / other). Admin tokens, for units below the token's own unit: the token's own unit is changed by a token above it.",
  request: { params: IdParam, body: body(UpdateUnit) },
  responses: { 200: json(UnitSchema, 'The unit as changed'), ...errors(404, 409, 415) },
});

export const registerUnits: RegisterRoutes = (api, services) => {
  const view = unitView(services.db);

  api.openapi(listUnits, (c) => {
    const { scope } = c.var;
    scope.requireRole('admin', 'staff');
    const { limit, cursor, parent } = c.req.valid('query');
    if (parent !== undefined) scope.unit(parent);
    const after = decodeCursor(cursor);
    const rows = services.db
      .select()
      .from(units)
      .where(
        and(
          scope.unitCondition(units.id),
          parent !== undefined ? eq(units.parentId, parent) : undefined,
          after !== undefined ? gt(units.id, after) : undefined,
        ),
      )
      .orderBy(asc(units.id))
      .limit(limit + 1)
      .all();
    return c.json(
      toPage(rows, limit, (u) => u.id, view),
      200,
    );
  });

  api.openapi(getUnitRoute, (c) => {
    c.var.scope.requireRole('admin', 'staff');
    return c.json(view(c.var.scope.unit(c.req.valid('param').id)), 200);
  });

  api.openapi(createUnitRoute, (c) => {
    const { scope, ctx } = c.var;
    const input = c.req.valid('json');
    if (input.parentId === null) scope.requireWholeTree();
    else scope.unit(input.parentId);
    return idempotent(c, input, 201, () => view(createUnit(ctx, { ...input, pointsPerHour: input.pointsPerHour ?? null })));
  });

  api.openapi(updateUnitRoute, (c) => {
    const { scope, ctx } = c.var;
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    if (Object.values(input).every((v) => v === undefined)) throw new DomainError('INVALID_INPUT', 'api.nothingToChange');
    scope.unit(id);
    // The unit a token stands on is its parent's to set: its kind routes disputes and its rate pays hours.
    if (id === scope.principal.unitId) throw new DomainError('FORBIDDEN', 'api.ownRootUnit', { unitId: id });
    if (input.parentId !== undefined) scope.unit(input.parentId);
    return c.json(view(updateUnit(ctx, id, input)), 200);
  });
};
