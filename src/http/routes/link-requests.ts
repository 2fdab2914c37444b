import { createRoute, z } from '@hono/zod-openapi';
import { LINK_REQUEST_STATUSES } from '../../db/schema/index.js';
import { decideLink, getLinkRequest, type LinkRequest, linkRequestsOf } from '../../domain/org/link-requests.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { body, errors, IdParam, Instant, iso, isoOrNull, json, security } from '../openapi.js';

const tags = ['Members'];

const LinkRequestSchema = z
  .object({
    id: z.number().int(),
    memberId: z.number().int().openapi({ description: 'The member the link code names' }),
    platform: z.string().openapi({ example: 'telegram' }),
    platformUserId: z.string(),
    displayName: z.string(),
    status: z.enum(LINK_REQUEST_STATUSES),
    createdAt: Instant,
    expiresAt: Instant,
    decidedAt: Instant.nullable(),
  })
  .openapi('LinkRequest', {
    description: 'A chat account that used a link code made by someone other than the member, for a member who already has an account',
  });

const Decision = z.strictObject({ decision: z.enum(['confirm', 'refuse']) }).openapi('LinkDecision');

const view = (r: LinkRequest) => ({
  id: r.id,
  memberId: r.memberId,
  platform: r.platform,
  platformUserId: r.platformUserId,
  displayName: r.displayName,
  status: r.status,
  createdAt: iso(r.createdAt),
  expiresAt: iso(r.expiresAt),
  decidedAt: isoOrNull(r.decidedAt),
});

const listRoute = createRoute({
  method: 'get',
  path: '/members/{id}/link-requests',
  tags,
  security,
  middleware: [allow(['admin'])],
  summary: "List a member's link requests",
  description: 'The chat accounts that asked to join this member with a code someone else made; pending ones first. Admin tokens.',
  request: { params: IdParam },
  responses: { 200: json(z.object({ items: z.array(LinkRequestSchema) }), 'The requests'), ...errors(404) },
});

const decideRoute = createRoute({
  method: 'post',
  path: '/link-requests/{id}',
  tags,
  security,
  middleware: [allow(['admin'])],
  summary: 'Confirm or refuse a link request',
  description:
    'Confirm links the account to the member (as if the member had confirmed in chat: their points and vouchers are shared with it); refuse leaves it on its own. The account is told either way. Admin tokens, for a member the token manages. Accepts Idempotency-Key.',
  request: { params: IdParam, headers: IdempotencyHeaders, body: body(Decision) },
  responses: { 200: json(LinkRequestSchema, 'The request as decided'), ...errors(404, 409, 415) },
});

export const registerLinkRequests: RegisterRoutes = (api) => {
  api.openapi(listRoute, (c) => {
    const { id } = c.req.valid('param');
    c.var.scope.manages(id);
    return c.json({ items: linkRequestsOf(c.var.ctx.db, id).map(view) }, 200);
  });

  api.openapi(decideRoute, (c) => {
    const { scope, ctx } = c.var;
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    scope.manages(getLinkRequest(ctx.db, id).memberId);
    return idempotent(c, { id, ...input }, 200, () => view(decideLink(ctx, id, input.decision).request));
  });
};
