import { and, asc, gt, isNotNull, isNull } from 'drizzle-orm';
import { createRoute, z } from '@hono/zod-openapi';
import { apiTokens, TOKEN_ROLES } from '../../db/schema/index.js';
import { unitsWithRole } from '../../domain/org/members.js';
import { type ApiToken, createToken, getToken, revokeToken } from '../../domain/tokens.js';
import { DomainError, isDomainError } from '../../errors.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { body, errors, IdParam, Instant, iso, isoOrNull, json, QueryFlag, security, visibleText } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';
import type { Scope } from '../scope.js';

const tags = ['Tokens'];

export const TokenSchema = z
  .object({
    id: z.number().int(),
    label: z.string(),
    role: z.enum(TOKEN_ROLES),
    unitId: z.number().int().nullable().openapi({ description: 'The token acts on this unit and below; null: the whole tree' }),
    merchantId: z.number().int().nullable(),
    hint: z.string().openapi({ description: 'The first characters of the token, to tell tokens apart', example: 'linli_Xq3v' }),
    createdAt: Instant,
    lastUsedAt: Instant.nullable(),
    revokedAt: Instant.nullable(),
  })
  .openapi('Token');

const NewTokenSchema = TokenSchema.extend({
  token: z.string().openapi({ description: 'The secret. Shown this once: only its hash is kept.', example: 'linli_Xq3v…' }),
}).openapi('NewToken');

const CreateToken = z
  .strictObject({
    role: z.enum(TOKEN_ROLES).openapi({ description: 'admin manages its subtree; staff reads it and does staff work; merchant verifies its vouchers' }),
    unitId: z.number().int().positive().nullable().openapi({ description: 'Null: the whole tree (only a whole-tree token may)' }),
    merchantId: z.number().int().positive().optional().openapi({ description: 'Merchant tokens: the merchant member' }),
    label: visibleText(100).openapi({ example: '荷东社区办公室' }),
  })
  .openapi('CreateToken');

const tokenView = (t: ApiToken): z.infer<typeof TokenSchema> => ({
  id: t.id,
  label: t.label,
  role: t.role,
  unitId: t.unitId,
  merchantId: t.merchantId,
  hint: t.hint,
  createdAt: iso(t.createdAt),
  lastUsedAt: isoOrNull(t.lastUsedAt),
  revokedAt: isoOrNull(t.revokedAt),
});

/** A token is managed by tokens whose subtree holds its unit; a whole-tree token only by whole-tree ones. */
function reach(scope: Scope, unitId: number | null): void {
  if (unitId === null) scope.requireWholeTree();
  else scope.unit(unitId);
}

const listTokens = createRoute({
  method: 'get',
  path: '/tokens',
  tags,
  security,
  summary: 'List tokens',
  description: "Tokens of units in the token's subtree, by id, without their secrets. Admin tokens.",
  request: { query: PageQuery.extend({ revoked: QueryFlag.optional().openapi({ description: 'true: only revoked; false: only active' }) }) },
  responses: { 200: json(pageOf(TokenSchema, 'TokenPage'), 'A page of tokens'), ...errors() },
});

const createTokenRoute = createRoute({
  method: 'post',
  path: '/tokens',
  tags,
  security,
  middleware: [allow(['admin'])],
  summary: 'Create a token',
  description: 'A new bearer token for a unit in the token’s subtree. The response carries the secret: it is never shown again. Admin tokens.',
  request: { body: body(CreateToken) },
  responses: { 201: json(NewTokenSchema, 'The token, with its secret'), ...errors(404, 415) },
});

const revokeTokenRoute = createRoute({
  method: 'delete',
  path: '/tokens/{id}',
  tags,
  security,
  summary: 'Revoke a token',
  description: 'From now on the token gets 401. Revoking a revoked token changes nothing. Admin tokens.',
  request: { params: IdParam },
  responses: { 200: json(TokenSchema, 'The revoked token'), ...errors(404) },
});

export const registerTokens: RegisterRoutes = (api, services) => {
  const { db } = services;

  api.openapi(listTokens, (c) => {
    const { scope } = c.var;
    scope.requireRole('admin');
    const { limit, cursor, revoked } = c.req.valid('query');
    const after = decodeCursor(cursor);
    const rows = db
      .select()
      .from(apiTokens)
      .where(
        and(
          scope.unitCondition(apiTokens.unitId),
          revoked === 'true' ? isNotNull(apiTokens.revokedAt) : revoked === 'false' ? isNull(apiTokens.revokedAt) : undefined,
          after !== undefined ? gt(apiTokens.id, after) : undefined,
        ),
      )
      .orderBy(asc(apiTokens.id))
      .limit(limit + 1)
      .all();
    return c.json(
      toPage(rows, limit, (t) => t.id, tokenView),
      200,
    );
  });

  api.openapi(createTokenRoute, (c) => {
    const { scope, ctx } = c.var;
    const input = c.req.valid('json');
    reach(scope, input.unitId);
    // A merchant token reaches every voucher of its merchant, wherever bought: the token must manage the
    // merchant as a whole (every role they hold lies in its subtree), or a grid admin could mint one for the
    // whole community's shop. (No shop at all is the domain's "not a merchant", a 400.)
    if (input.merchantId !== undefined && unitsWithRole(db, input.merchantId, ['merchant']).length) {
      try {
        scope.manages(input.merchantId);
      } catch (error) {
        if (isDomainError(error) && error.code === 'FORBIDDEN') throw new DomainError('FORBIDDEN', 'api.merchantOutsideScope', { id: input.merchantId });
        throw error;
      }
    }
    const { token, secret } = createToken(ctx, input);
    return c.json({ ...tokenView(token), token: secret }, 201);
  });

  api.openapi(revokeTokenRoute, (c) => {
    const { scope, ctx } = c.var;
    scope.requireRole('admin');
    const { id } = c.req.valid('param');
    reach(scope, getToken(db, id).unitId);
    return c.json(tokenView(revokeToken(ctx, id)), 200);
  });
};
