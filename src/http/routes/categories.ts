import { and, asc, eq, gt } from 'drizzle-orm';
import { createRoute, z } from '@hono/zod-openapi';
import { ticketCategories, UNIT_KINDS } from '../../db/schema/index.js';
import { type Category, createCategory, updateCategory } from '../../domain/tickets/categories.js';
import { DomainError } from '../../errors.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { body, errors, IdParam, json, QueryFlag, security, visibleText } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

const tags = ['Tickets'];

/** 90 days, the longest window a category may give. */
const MAX_MINUTES = 60 * 24 * 90;

export const CategorySchema = z
  .object({
    id: z.number().int(),
    name: z.string().openapi({ example: '市政照明' }),
    keywords: z.array(z.string()).openapi({ description: 'Words that, found in a report, suggest this category', example: ['路灯', '灯'] }),
    takeMinutes: z.number().int().openapi({ description: 'Minutes to take a ticket before it escalates', example: 30 }),
    resolveMinutes: z.number().int().openapi({ description: 'Minutes to resolve it once taken before it escalates', example: 1440 }),
    startLevel: z
      .enum(UNIT_KINDS)
      .nullable()
      .openapi({ description: 'Routing starts at the nearest unit of this kind ("大事不出社区"); null: where reported' }),
    urgent: z.boolean().openapi({ description: 'Also announced to the community staff room at once' }),
    active: z.boolean().openapi({ description: 'Inactive categories are no longer suggested; old tickets keep them' }),
  })
  .openapi('Category');

const Keywords = z.array(visibleText(20)).max(50);
const Minutes = z.number().int().min(1).max(MAX_MINUTES);

const CreateCategory = z
  .strictObject({
    name: visibleText(50).openapi({ example: '电梯' }),
    keywords: Keywords.optional().openapi({ example: ['电梯', '困人'] }),
    takeMinutes: Minutes.optional().openapi({ description: 'Default 30', example: 10 }),
    resolveMinutes: Minutes.optional().openapi({ description: 'Default 1440 (a day)', example: 240 }),
    startLevel: z.enum(UNIT_KINDS).nullable().optional(),
    urgent: z.boolean().optional(),
    active: z.boolean().optional(),
  })
  .openapi('CreateCategory');

const UpdateCategory = CreateCategory.partial().openapi('UpdateCategory');

const categoryView = (c: Category): z.infer<typeof CategorySchema> => ({
  id: c.id,
  name: c.name,
  keywords: c.keywords,
  takeMinutes: c.takeMinutes,
  resolveMinutes: c.resolveMinutes,
  startLevel: c.startLevel,
  urgent: c.urgent,
  active: c.active,
});

const listCategoriesRoute = createRoute({
  method: 'get',
  path: '/categories',
  tags,
  security,
  summary: 'List ticket categories',
  description: 'The categories a report is sorted into, with their SLA and routing, by id. Admin and staff tokens.',
  request: { query: PageQuery.extend({ active: QueryFlag.optional() }) },
  responses: { 200: json(pageOf(CategorySchema, 'CategoryPage'), 'A page of categories'), ...errors() },
});

const createCategoryRoute = createRoute({
  method: 'post',
  path: '/categories',
  tags,
  security,
  middleware: [allow(['admin'], { wholeTree: true })],
  summary: 'Create a ticket category',
  description: 'Categories are shared by the whole installation: whole-tree admin tokens. 409 when the name is taken.',
  request: { headers: IdempotencyHeaders, body: body(CreateCategory) },
  responses: { 201: json(CategorySchema, 'The new category'), ...errors(409, 415) },
});

const updateCategoryRoute = createRoute({
  method: 'patch',
  path: '/categories/{id}',
  tags,
  security,
  middleware: [allow(['admin'], { wholeTree: true })],
  summary: 'Change a ticket category',
  description:
    'Keywords, SLA minutes, starting level, urgency, name, or `active: false` to retire it. Open tickets keep their current deadline until their next window. Whole-tree admin tokens.',
  request: { params: IdParam, body: body(UpdateCategory) },
  responses: { 200: json(CategorySchema, 'The category as changed'), ...errors(404, 409, 415) },
});

export const registerCategories: RegisterRoutes = (api, services) => {
  const { db } = services;

  api.openapi(listCategoriesRoute, (c) => {
    c.var.scope.requireRole('admin', 'staff');
    const { limit, cursor, active } = c.req.valid('query');
    const after = decodeCursor(cursor);
    const rows = db
      .select()
      .from(ticketCategories)
      .where(
        and(
          active !== undefined ? eq(ticketCategories.active, active === 'true') : undefined,
          after !== undefined ? gt(ticketCategories.id, after) : undefined,
        ),
      )
      .orderBy(asc(ticketCategories.id))
      .limit(limit + 1)
      .all();
    return c.json(
      toPage(rows, limit, (r) => r.id, categoryView),
      200,
    );
  });

  api.openapi(createCategoryRoute, (c) => {
    const { ctx } = c.var;
    const input = c.req.valid('json');
    return idempotent(c, input, 201, () => categoryView(createCategory(ctx, input)));
  });

  api.openapi(updateCategoryRoute, (c) => {
    const { ctx } = c.var;
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    if (Object.values(input).every((v) => v === undefined)) throw new DomainError('INVALID_INPUT', 'api.nothingToChange');
    return c.json(categoryView(updateCategory(ctx, id, input)), 200);
  });
};
