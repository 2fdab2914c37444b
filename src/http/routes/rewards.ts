import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { createRoute, z } from '@hono/zod-openapi';
import { rewards, STOCK_REASONS, stockMovements } from '../../db/schema/index.js';
import { getMember } from '../../domain/org/members.js';
import { archiveReward, createReward, MAX_STOCK_CHANGE, type Reward, restock, rewardRef, unarchiveReward, updateReward } from '../../domain/rewards/rewards.js';
import { type Db, inTransaction } from '../../db/client.js';
import { unitInSubtree } from '../../domain/org/subtree.js';
import { DomainError } from '../../errors.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { type CsvColumn, csvResponse, FormatQuery, jsonOrCsv } from '../csv.js';
import { body, errors, IdParam, IdString, Instant, iso, json, QueryFlag, security, visibleText } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

const tags = ['Rewards'];

/** Which of the list's optional filters a request uses. */
interface ListShape {
  merchant: boolean;
  active: boolean;
  after: boolean;
}

/**
 * The reward list's query, prepared once for each subtree and shape of request and kept in a small
 * cache, instead of built again by every request (building it cost more than running it). The filters'
 * values are placeholders; a token's subtree is few among many requests, so it is part of the key.
 */
class PreparedLists {
  static readonly LIMIT = 64;
  readonly #queries = new Map<string, ReturnType<PreparedLists['prepare']>>();

  constructor(private readonly db: Db) {}

  get(subtree: string | null, shape: ListShape): ReturnType<PreparedLists['prepare']> {
    const key = `${Number(shape.merchant)}${Number(shape.active)}${Number(shape.after)}${subtree ?? ''}`;
    let query = this.#queries.get(key);
    if (!query) {
      if (this.#queries.size >= PreparedLists.LIMIT) this.#queries.delete(this.#queries.keys().next().value!);
      query = this.prepare(subtree, shape);
      this.#queries.set(key, query);
    }
    return query;
  }

  prepare(subtree: string | null, shape: ListShape) {
    return this.db
      .select()
      .from(rewards)
      .where(
        and(
          subtree === null ? undefined : unitInSubtree(rewards.unitId, subtree),
          shape.merchant ? eq(rewards.merchantId, sql.placeholder('merchantId')) : undefined,
          shape.active ? eq(rewards.active, sql.placeholder('active')) : undefined,
          shape.after ? gt(rewards.id, sql.placeholder('after')) : undefined,
        ),
      )
      .orderBy(asc(rewards.id))
      .limit(sql.placeholder('limit'))
      .prepare();
  }
}

export const RewardSchema = z
  .object({
    id: z.number().int(),
    ref: z.string().openapi({ description: 'What people type in the chat: 兑换 G3', example: 'G3' }),
    name: z.string().openapi({ example: '理发券' }),
    description: z.string(),
    pointsCost: z.number().int(),
    stock: z.number().int().openapi({ description: 'Vouchers left to buy; changes only by restock, redeem, refund and expiry' }),
    perMemberMonthlyLimit: z.number().int().nullable().openapi({ description: 'Vouchers one member may buy a month (LINLI_TZ); null: no limit' }),
    validDays: z.number().int().openapi({ description: 'A voucher is valid this many days after it is bought' }),
    merchantId: z.number().int().openapi({ description: 'The member with the merchant role who honours it' }),
    unitId: z.number().int().openapi({ description: 'Offered to the members of this unit and below' }),
    active: z.boolean().openapi({ description: 'False once archived' }),
  })
  .openapi('Reward');

const Name = visibleText(100);
const Description = z.string().trim().max(500);
const Cost = z.number().int().min(1).max(1_000_000);
const Limit = z.number().int().min(1).max(1000);
const ValidDays = z.number().int().min(1).max(3660);

const CreateReward = z
  .strictObject({
    unitId: z.number().int().positive().openapi({ description: 'The shop it goes in: this unit’s members and those below see it in 商城' }),
    name: Name.openapi({ example: '理发券' }),
    description: Description.optional().openapi({ example: '洗剪吹一次' }),
    pointsCost: Cost.openapi({ example: 20 }),
    stock: z
      .number()
      .int()
      .min(0)
      .max(MAX_STOCK_CHANGE)
      .default(0)
      .openapi({ description: 'Initial stock, recorded as the first stock movement', example: 10 }),
    perMemberMonthlyLimit: Limit.nullable().optional().openapi({ example: 2 }),
    validDays: ValidDays.default(90).openapi({ example: 90 }),
    merchantId: z.number().int().positive().openapi({ description: 'A member holding the merchant role' }),
  })
  .openapi('CreateReward');

const UpdateReward = z
  .strictObject({
    name: Name.optional(),
    description: Description.optional(),
    pointsCost: Cost.optional().openapi({ description: 'Vouchers already bought keep the price paid' }),
    perMemberMonthlyLimit: Limit.nullable().optional().openapi({ description: 'Null: no limit' }),
    validDays: ValidDays.optional().openapi({ description: 'For vouchers bought from now on' }),
    merchantId: z.number().int().positive().optional(),
    active: z.boolean().optional().openapi({ description: 'true puts an archived reward back on offer, with the stock it kept; false archives it' }),
  })
  .openapi('UpdateReward');

export const StockMovementSchema = z
  .object({
    id: z.number().int(),
    at: Instant,
    delta: z.number().int().openapi({ description: 'Added to (positive) or taken from (negative) the stock', example: -1 }),
    reason: z.enum(STOCK_REASONS).openapi({ description: 'create, restock, writeoff, redeem (bought), refund (退券), expire' }),
    stockAfter: z.number().int().openapi({ description: 'The stock once this movement was made' }),
    voucherId: z.number().int().nullable().openapi({ description: 'The voucher it went to or came back from' }),
    note: z.string().nullable(),
    actorKind: z.enum(['member', 'token', 'system']),
    actorId: z.string().openapi({ description: "Who made it: a member id, a token id (0: LINLI_ADMIN_TOKEN) or a job's name" }),
  })
  .openapi('StockMovement');

type StockMovementView = z.infer<typeof StockMovementSchema>;

const STOCK_CSV: CsvColumn<StockMovementView>[] = [
  { header: 'id', value: (m) => m.id },
  { header: 'at', value: (m) => m.at },
  { header: 'delta', value: (m) => m.delta },
  { header: 'reason', value: (m) => m.reason },
  { header: 'stockAfter', value: (m) => m.stockAfter },
  { header: 'voucherId', value: (m) => m.voucherId },
  { header: 'note', value: (m) => m.note },
  { header: 'actorKind', value: (m) => m.actorKind },
  { header: 'actorId', value: (m) => m.actorId },
];

const Restock = z
  .strictObject({
    quantity: z
      .number()
      .int()
      .min(-MAX_STOCK_CHANGE)
      .max(MAX_STOCK_CHANGE)
      .refine((q) => q !== 0, { error: 'api.issue.notZero' })
      .openapi({ description: 'Added to stock; a negative quantity writes stock off (never below zero)', example: 5 }),
    note: z.string().trim().max(200).optional().openapi({ description: 'Why, for the stock record', example: '理发店新供应' }),
  })
  .openapi('Restock');

const rewardView = (r: Reward): z.infer<typeof RewardSchema> => ({
  id: r.id,
  ref: rewardRef(r.id),
  name: r.name,
  description: r.description,
  pointsCost: r.pointsCost,
  stock: r.stock,
  perMemberMonthlyLimit: r.perMemberMonthlyLimit,
  validDays: r.validDays,
  merchantId: r.merchantId,
  unitId: r.unitId,
  active: r.active,
});

const listRewards = createRoute({
  method: 'get',
  path: '/rewards',
  tags,
  security,
  summary: 'List rewards',
  description: "Rewards offered by units in the token's subtree, by id. Admin and staff tokens.",
  request: {
    query: PageQuery.extend({
      unitId: IdString.optional().openapi({ description: 'Only rewards of this unit and below' }),
      merchantId: IdString.optional().openapi({ description: 'Only those this member honours; 404 for an unknown member' }),
      active: QueryFlag.optional().openapi({ description: 'true: on offer; false: archived' }),
    }),
  },
  responses: { 200: json(pageOf(RewardSchema, 'RewardPage'), 'A page of rewards'), ...errors(404) },
});

const getRewardRoute = createRoute({
  method: 'get',
  path: '/rewards/{id}',
  tags,
  security,
  summary: 'Get a reward',
  description: 'Admin and staff tokens.',
  request: { params: IdParam },
  responses: { 200: json(RewardSchema, 'The reward'), ...errors(404) },
});

const createRewardRoute = createRoute({
  method: 'post',
  path: '/rewards',
  tags,
  security,
  middleware: [allow(['admin'])],
  summary: 'Create a reward',
  description:
    "Puts a reward in a unit's shop (积分超市), honoured by one merchant; its members see it in the chat's 商城 at once. The initial stock is the first stock movement. Admin tokens. Accepts Idempotency-Key.",
  request: { headers: IdempotencyHeaders, body: body(CreateReward) },
  responses: { 201: json(RewardSchema, 'The new reward'), ...errors(404, 409, 415) },
});

const updateRewardRoute = createRoute({
  method: 'patch',
  path: '/rewards/{id}',
  tags,
  security,
  middleware: [allow(['admin'])],
  summary: 'Change a reward',
  description: 'What it is, costs and who honours it, and whether it is on offer (`active`). Stock changes only through restock. Admin tokens.',
  request: { params: IdParam, body: body(UpdateReward) },
  responses: { 200: json(RewardSchema, 'The reward as changed'), ...errors(404, 409, 415) },
});

const restockRoute = createRoute({
  method: 'post',
  path: '/rewards/{id}/restock',
  tags,
  security,
  middleware: [allow(['admin'])],
  summary: 'Add or write off stock',
  description:
    'Records a stock movement with the token, the time and the note; 409 for a write-off below zero, or for adding stock to an archived reward (put it back on offer first; writing off is allowed). Admin tokens. Accepts Idempotency-Key, so a retried restock adds once.',
  request: { params: IdParam, headers: IdempotencyHeaders, body: body(Restock) },
  responses: { 200: json(RewardSchema, 'The reward with its new stock'), ...errors(404, 409, 415) },
});

const stockRoute = createRoute({
  method: 'get',
  path: '/rewards/{id}/stock',
  tags,
  security,
  summary: "A reward's stock movements",
  description:
    'Every change of its stock, newest first: created, restocked, written off, bought, refunded, expired, with who made it, when and why, and the stock after it. `?format=csv` for a spreadsheet. Admin and staff tokens.',
  request: { params: IdParam, query: PageQuery.extend(FormatQuery.shape) },
  responses: { 200: { description: 'A page of stock movements', content: jsonOrCsv(pageOf(StockMovementSchema, 'StockMovementPage')) }, ...errors(404) },
});

const archiveRoute = createRoute({
  method: 'post',
  path: '/rewards/{id}/archive',
  tags,
  security,
  summary: 'Take a reward off the shelf',
  description: 'It leaves the shop; vouchers already bought stay valid. Archiving an archived reward changes nothing. Admin tokens.',
  request: { params: IdParam, headers: IdempotencyHeaders },
  responses: { 200: json(RewardSchema, 'The archived reward'), ...errors(404, 409) },
});

export const registerRewards: RegisterRoutes = (api, services) => {
  const { db } = services;

  const listQueries = new PreparedLists(db);

  api.openapi(listRewards, (c) => {
    const { scope } = c.var;
    scope.requireRole('admin', 'staff');
    const { limit, cursor, unitId, merchantId, active } = c.req.valid('query');
    const subtree = scope.subtreePath(unitId);
    if (merchantId !== undefined) getMember(db, merchantId);
    const after = decodeCursor(cursor);
    const rows = listQueries.get(subtree, { merchant: merchantId !== undefined, active: active !== undefined, after: after !== undefined }).all({
      merchantId,
      active: active === 'true' ? 1 : 0,
      after,
      limit: limit + 1,
    });
    return c.json(
      toPage(rows, limit, (r) => r.id, rewardView),
      200,
    );
  });

  api.openapi(getRewardRoute, (c) => {
    c.var.scope.requireRole('admin', 'staff');
    return c.json(rewardView(c.var.scope.reward(c.req.valid('param').id)), 200);
  });

  api.openapi(createRewardRoute, (c) => {
    const { scope, ctx } = c.var;
    const input = c.req.valid('json');
    // The merchant need only hold the merchant role (the domain checks): a grid's shop may use the community's barber.
    scope.unit(input.unitId);
    return idempotent(c, input, 201, () => rewardView(createReward(ctx, input)));
  });

  api.openapi(updateRewardRoute, (c) => {
    const { scope, ctx } = c.var;
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    if (Object.values(input).every((v) => v === undefined)) throw new DomainError('INVALID_INPUT', 'api.nothingToChange');
    scope.reward(id);
    const { active, ...fields } = input;
    const reward = inTransaction(db, () => {
      const changed = Object.values(fields).some((v) => v !== undefined) ? updateReward(ctx, id, fields) : undefined;
      if (active === true) return unarchiveReward(ctx, id);
      if (active === false) return archiveReward(ctx, id);
      return changed!;
    });
    return c.json(rewardView(reward), 200);
  });

  api.openapi(restockRoute, (c) => {
    const { scope, ctx } = c.var;
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    scope.reward(id);
    return idempotent(c, input, 200, () => rewardView(restock(ctx, { rewardId: id, ...input })));
  });

  api.openapi(stockRoute, (c) => {
    const { scope } = c.var;
    scope.requireRole('admin', 'staff');
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    scope.reward(id);
    const before = decodeCursor(q.cursor);
    // The stock after each movement: the sum of this reward's movements up to it (the stock column is their cache).
    const stockAfter = sql<number>`(SELECT sum(m.delta) FROM stock_movements m WHERE m.reward_id = stock_movements.reward_id AND m.id <= stock_movements.id)`;
    const rows = db
      .select({ movement: stockMovements, stockAfter })
      .from(stockMovements)
      .where(and(eq(stockMovements.rewardId, id), before !== undefined ? lt(stockMovements.id, before) : undefined))
      .orderBy(desc(stockMovements.id))
      .limit(q.limit + 1)
      .all();
    const page = toPage(
      rows,
      q.limit,
      (r) => r.movement.id,
      ({ movement: m, stockAfter }): StockMovementView => ({
        id: m.id,
        at: iso(m.at),
        delta: m.delta,
        reason: m.reason,
        stockAfter: Number(stockAfter),
        voucherId: m.voucherId,
        note: m.note,
        actorKind: m.actorKind,
        actorId: m.actorId,
      }),
    );
    if (q.format === 'csv') return csvResponse(c, `stock-${rewardRef(id)}.csv`, STOCK_CSV, page);
    return c.json(page, 200);
  });

  api.openapi(archiveRoute, (c) => {
    const { scope, ctx } = c.var;
    scope.requireRole('admin');
    const { id } = c.req.valid('param');
    scope.reward(id);
    return idempotent(c, null, 200, () => rewardView(archiveReward(ctx, id)));
  });
};
