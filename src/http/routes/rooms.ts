import { and, asc, eq, gt, isNotNull, isNull } from 'drizzle-orm';
import { createRoute, z } from '@hono/zod-openapi';
import { LANGS, ROOM_PURPOSES, rooms } from '../../db/schema/index.js';
import { inTransaction } from '../../db/client.js';
import { bindRoom, type Room, setRoomLanguage, unbindRoom } from '../../domain/org/rooms.js';
import { DomainError } from '../../errors.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { body, errors, IdParam, IdString, Instant, iso, isoOrNull, json, QueryFlag, security } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

const tags = ['Rooms'];

export const RoomSchema = z
  .object({
    id: z.number().int(),
    platform: z.string().openapi({ example: 'telegram' }),
    platformRoomId: z.string(),
    name: z.string(),
    unitId: z.number().int().nullable().openapi({ description: 'Null: not bound' }),
    purpose: z.enum(ROOM_PURPOSES).nullable(),
    language: z.enum(LANGS).nullable().openapi({ description: 'Null follows the configured default' }),
    boundAt: Instant.nullable(),
    lastSeenAt: Instant,
    createdAt: Instant,
  })
  .openapi('Room');

const UpdateRoom = z
  .strictObject({
    unitId: z.number().int().positive().optional().openapi({ description: 'Bind the group to this unit' }),
    purpose: z.enum(ROOM_PURPOSES).optional(),
    language: z
      .enum(LANGS)
      .nullable()
      .optional()
      .openapi({ description: "The language of the bot's notices in the group; null follows the configured default" }),
  })
  .openapi('UpdateRoom');

const roomView = (r: Room): z.infer<typeof RoomSchema> => ({
  id: r.id,
  platform: r.platform,
  platformRoomId: r.platformRoomId,
  name: r.name,
  unitId: r.unitId,
  purpose: r.purpose,
  language: r.language,
  boundAt: isoOrNull(r.boundAt),
  lastSeenAt: iso(r.lastSeenAt),
  createdAt: iso(r.createdAt),
});

const listRooms = createRoute({
  method: 'get',
  path: '/rooms',
  tags,
  security,
  summary: 'List group chats',
  description:
    "Group chats bound to units in the token's subtree, by id. Groups the bot is in but that are not bound yet are listed for whole-tree tokens only (`?bound=false`). Admin and staff tokens.",
  request: {
    query: PageQuery.extend({
      unitId: IdString.optional().openapi({ description: 'Only groups of this unit and below' }),
      purpose: z.enum(ROOM_PURPOSES).optional(),
      bound: QueryFlag.optional().openapi({ description: 'true: bound groups only; false: unbound only' }),
    }),
  },
  responses: { 200: json(pageOf(RoomSchema, 'RoomPage'), 'A page of group chats'), ...errors(404) },
});

const updateRoom = createRoute({
  method: 'patch',
  path: '/rooms/{id}',
  tags,
  security,
  middleware: [allow(['admin'])],
  summary: 'Bind or re-bind a group, or set its language',
  description:
    "Moves the group to another unit or purpose (or binds an unbound one, given a unitId), and/or sets the language of the bot's notices there. Admin tokens.",
  request: { params: IdParam, body: body(UpdateRoom) },
  responses: { 200: json(RoomSchema, 'The group as bound now'), ...errors(404, 415) },
});

const unbind = createRoute({
  method: 'delete',
  path: '/rooms/{id}',
  tags,
  security,
  summary: 'Unbind a group',
  description:
    'The bot stays in the group but it belongs to no unit until bound again. Unbinding an unbound group changes nothing (200, not audited again). Admin tokens.',
  request: { params: IdParam },
  responses: { 200: json(RoomSchema, 'The group, now unbound'), ...errors(404) },
});

export const registerRooms: RegisterRoutes = (api, services) => {
  const { db } = services;

  api.openapi(listRooms, (c) => {
    const { scope } = c.var;
    scope.requireRole('admin', 'staff');
    const { limit, cursor, unitId, purpose, bound } = c.req.valid('query');
    if (bound === 'false') scope.requireWholeTree();
    const inScope = scope.unitCondition(rooms.unitId, unitId);
    const after = decodeCursor(cursor);
    const rows = db
      .select()
      .from(rooms)
      .where(
        and(
          eq(rooms.kind, 'group'),
          inScope,
          bound === 'true' ? isNotNull(rooms.unitId) : bound === 'false' ? isNull(rooms.unitId) : undefined,
          purpose !== undefined ? eq(rooms.purpose, purpose) : undefined,
          after !== undefined ? gt(rooms.id, after) : undefined,
        ),
      )
      .orderBy(asc(rooms.id))
      .limit(limit + 1)
      .all();
    return c.json(
      toPage(rows, limit, (r) => r.id, roomView),
      200,
    );
  });

  api.openapi(updateRoom, (c) => {
    const { scope, ctx } = c.var;
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const binding = input.unitId !== undefined || input.purpose !== undefined;
    if (!binding && input.language === undefined) throw new DomainError('INVALID_INPUT', 'api.nothingToChange');
    const room = scope.room(id);
    const unitId = input.unitId ?? room.unitId;
    if (binding) {
      if (unitId === null) throw new DomainError('INVALID_INPUT', 'api.roomUnitRequired');
      scope.unit(unitId);
    }
    const changed = inTransaction(db, () => {
      const bound = binding && unitId !== null ? bindRoom(ctx, id, unitId, input.purpose ?? room.purpose ?? 'residents') : room;
      return input.language === undefined ? bound : setRoomLanguage(ctx, id, input.language);
    });
    return c.json(roomView(changed), 200);
  });

  api.openapi(unbind, (c) => {
    const { scope, ctx } = c.var;
    scope.requireRole('admin');
    const { id } = c.req.valid('param');
    scope.room(id);
    return c.json(roomView(unbindRoom(ctx, id)), 200);
  });
};
