import { createRoute, z } from '@hono/zod-openapi';
import { ROOM_PURPOSES } from '../../db/schema/index.js';
import { BROADCAST_MAX_LENGTH, sendBroadcast } from '../../domain/broadcasts.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { body, errors, json, security, visibleText } from '../openapi.js';

const Broadcast = z
  .strictObject({
    unitId: z.number().int().positive(),
    text: visibleText(BROADCAST_MAX_LENGTH).openapi({ example: '近期冒充社保局的诈骗电话增多，请大家提高警惕，不要透露验证码。' }),
    includeDescendants: z.boolean().default(true).openapi({ description: 'Also every unit below (default true)' }),
    purpose: z.enum(ROOM_PURPOSES).optional().openapi({ description: "Only residents' or only staff groups; both when absent" }),
  })
  .openapi('Broadcast');

const BroadcastResult = z.object({ rooms: z.number().int().openapi({ description: 'Group chats the notice was queued for' }) }).openapi('BroadcastResult');

const send = createRoute({
  method: 'post',
  path: '/broadcasts',
  tags: ['Broadcasts'],
  security,
  middleware: [allow(['admin', 'staff'])],
  summary: 'Send a notice to every group of a unit',
  description:
    'Queues one message per bound group chat of the unit (and, by default, its subtree): anti-fraud or gas-safety notices. The outbox delivers them, paced per platform. Admin and staff tokens. Accepts Idempotency-Key, so a retry never sends twice.',
  request: { headers: IdempotencyHeaders, body: body(Broadcast) },
  responses: { 202: json(BroadcastResult, 'Queued'), ...errors(404, 409, 415) },
});

export const registerBroadcasts: RegisterRoutes = (api) => {
  api.openapi(send, (c) => {
    const { scope, ctx } = c.var;
    const input = c.req.valid('json');
    scope.unit(input.unitId);
    return idempotent(c, input, 202, () => sendBroadcast(ctx, input));
  });
};
