import { createRoute, z } from '@hono/zod-openapi';
import { DAY } from '../../clock.js';
import { ROOM_PURPOSES } from '../../db/schema/index.js';
import { createBindingCode, DEFAULT_CODE_TTL_MS } from '../../domain/org/binding-codes.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { body, errors, Instant, iso, json, security } from '../openapi.js';

/** A link code lets whoever says it take over the member's account: it lives a day, not a week. */
const MEMBER_CODE_TTL_MS = DAY;

const RoomCodeRequest = z
  .strictObject({
    unitId: z.number().int().positive(),
    purpose: z.enum(ROOM_PURPOSES).default('residents').openapi({ description: "The group is the unit's residents' or staff group" }),
  })
  .openapi('RoomCodeRequest', { description: 'A code that binds a group chat to a unit: say "绑定 CODE" in the group' });

const MemberCodeRequest = z
  .strictObject({ memberId: z.number().int().positive() })
  .openapi('MemberCodeRequest', { description: 'A code that links a chat account to a member: say "绑定 CODE" in a private chat with the bot' });

const BindingCodeSchema = z
  .object({
    code: z.string().openapi({ example: 'K7QX2MPA' }),
    kind: z.enum(['room', 'member']),
    unitId: z.number().int().nullable(),
    purpose: z.enum(ROOM_PURPOSES).nullable(),
    memberId: z.number().int().nullable(),
    expiresAt: Instant,
  })
  .openapi('BindingCode');

const createCode = createRoute({
  method: 'post',
  path: '/binding-codes',
  tags: ['Rooms'],
  security,
  middleware: [allow(['admin', 'staff'])],
  summary: 'Create a binding code',
  description: `A one-time code. With {unitId, purpose} it binds a group (valid ${DEFAULT_CODE_TTL_MS / DAY} days); with {memberId} it links a chat account to that member (valid ${MEMBER_CODE_TTL_MS / DAY} day). Admin and staff tokens.`,
  request: { headers: IdempotencyHeaders, body: body(z.union([RoomCodeRequest, MemberCodeRequest])) },
  responses: { 201: json(BindingCodeSchema, 'The code, to pass on to the group or the person'), ...errors(404, 409, 415) },
});

export const registerBindingCodes: RegisterRoutes = (api) => {
  api.openapi(createCode, (c) => {
    const { scope, ctx } = c.var;
    const input = c.req.valid('json');
    if ('unitId' in input) scope.unit(input.unitId);
    else scope.manages(input.memberId);
    return idempotent(c, input, 201, () => {
      const row =
        'unitId' in input
          ? createBindingCode(ctx, { unitId: input.unitId, purpose: input.purpose })
          : createBindingCode(ctx, { memberId: input.memberId }, MEMBER_CODE_TTL_MS);
      return { code: row.code, kind: row.kind, unitId: row.unitId, purpose: row.purpose, memberId: row.memberId, expiresAt: iso(row.expiresAt) };
    });
  });
};
