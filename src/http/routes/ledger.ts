import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { LEDGER_REASONS } from '../../db/schema/index.js';
import { balanceOf, memberAccount, merchantAccount, type StatementLine, statement } from '../../domain/ledger/accounts.js';
import { adjust } from '../../domain/ledger/adjust.js';
import { currentMemberId } from '../../domain/org/members.js';
import { DomainError } from '../../errors.js';
import type { RegisterRoutes } from '../env.js';
import { allow } from '../guards.js';
import { type CsvColumn, csvResponse, FormatQuery, jsonOrCsv } from '../csv.js';
import { IdempotencyHeaders, idempotent } from '../idempotency.js';
import { body, errors, IdParam, Instant, iso, json, security, visibleText } from '../openapi.js';
import { decodeCursor, PageQuery, pageOf, toPage } from '../pagination.js';

const tags = ['Ledger'];

/** The largest single adjustment: a typo of a few zeros should not pass. */
const MAX_ADJUSTMENT = 100_000;

const LedgerLineSchema = z
  .object({
    transactionId: z.number().int(),
    at: Instant,
    reason: z.enum(LEDGER_REASONS).openapi({ description: 'task (service), redeem, use, refund, expire, adjust, reversal' }),
    memo: z.string().openapi({ description: 'What the member reads in their statement', example: 'G1 理发券' }),
    amount: z.number().int().openapi({ description: 'Points into (positive) or out of (negative) the account' }),
    actorKind: z
      .enum(['member', 'token', 'system'])
      .openapi({ description: 'Who caused it: a member (buying, confirming service), a token (an adjustment, a refund) or a job (expiry)' }),
    actorId: z.string().openapi({ description: "A member id, a token id (0: LINLI_ADMIN_TOKEN) or a job's name" }),
  })
  .openapi('LedgerLine');

const Adjustment = z
  .strictObject({
    memberId: z.number().int().positive(),
    points: z
      .number()
      .int()
      .min(-MAX_ADJUSTMENT)
      .max(MAX_ADJUSTMENT)
      .refine((p) => p !== 0, { error: 'api.issue.notZero' })
      .openapi({ description: 'Positive grants from the unit’s pool; negative deducts back to it', example: 50 }),
    reason: visibleText(200).openapi({ description: 'Shown in the member’s statement', example: '认养花园一季' }),
    unitId: z.number().int().positive().optional().openapi({
      description: "Whose pool: a unit the member belongs to (they hold a role on it or below). Default: the token's unit; a whole-tree token must name one.",
    }),
  })
  .openapi('Adjustment');

const AdjustmentResult = z
  .object({
    transactionId: z.number().int(),
    memberId: z.number().int().openapi({ description: 'Who got the points: for a record merged into another, the one it was merged into' }),
    unitId: z.number().int(),
    points: z.number().int(),
    reason: z.string(),
    at: Instant,
    balance: z.number().int().openapi({ description: "The member's balance afterwards" }),
  })
  .openapi('AdjustmentResult');

const lineView = (l: StatementLine): z.infer<typeof LedgerLineSchema> => ({
  transactionId: l.transactionId,
  at: iso(l.at),
  reason: l.reason,
  memo: l.memo,
  amount: l.amount,
  actorKind: l.actorKind,
  actorId: l.actorId,
});

const CSV_COLUMNS: CsvColumn<z.infer<typeof LedgerLineSchema>>[] = [
  { header: 'transactionId', value: (l) => l.transactionId },
  { header: 'at', value: (l) => l.at },
  { header: 'reason', value: (l) => l.reason },
  { header: 'memo', value: (l) => l.memo },
  { header: 'amount', value: (l) => l.amount },
  { header: 'actorKind', value: (l) => l.actorKind },
  { header: 'actorId', value: (l) => l.actorId },
];

const memberLedger = createRoute({
  method: 'get',
  path: '/members/{id}/ledger',
  tags,
  security,
  summary: "A member's points statement",
  description:
    "Every movement of the member's points, newest first: service, vouchers bought, used, refunded or expired, adjustments. `?account=merchant` gives a merchant's settlement account instead. `?format=csv` for a spreadsheet. Admin and staff tokens; a merchant token reads its own merchant's settlement account.",
  request: {
    params: IdParam,
    query: PageQuery.extend(FormatQuery.shape).extend({
      account: z.enum(['member', 'merchant']).default('member').openapi({ description: 'member: their points; merchant: what their shop was paid' }),
    }),
  },
  responses: { 200: { description: 'A page of statement lines', content: jsonOrCsv(pageOf(LedgerLineSchema, 'LedgerPage')) }, ...errors(404) },
});

const createAdjustment = createRoute({
  method: 'post',
  path: '/ledger/adjustments',
  tags,
  security,
  middleware: [allow(['admin'])],
  summary: 'Grant or deduct points',
  description:
    "A grant from a unit's pool (garden adoption, a civic act) or a deduction back to it, with the reason the member will read. 409 when a deduction is more than the member has. Audited. Admin tokens. Accepts Idempotency-Key: a retry never pays twice.",
  request: { headers: IdempotencyHeaders, body: body(Adjustment) },
  responses: { 201: json(AdjustmentResult, 'Posted'), ...errors(404, 409, 415) },
});

export const registerLedger: RegisterRoutes = (api, services) => {
  const { db } = services;

  api.openapi(memberLedger, (c) => {
    const { scope, principal } = c.var;
    scope.requireRole('admin', 'staff', 'merchant');
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    if (principal.role === 'merchant') {
      // The shop reconciles what it was paid; nobody's points are its business.
      if (id !== principal.merchantId || q.account !== 'merchant') {
        throw new DomainError('FORBIDDEN', 'api.merchantOwnStatement', { id: principal.merchantId ?? '' });
      }
    } else scope.member(id);
    const beforeId = decodeCursor(q.cursor);
    const ref = q.account === 'merchant' ? merchantAccount(id) : memberAccount(id);
    const lines = statement(db, ref, { limit: q.limit + 1, ...(beforeId !== undefined ? { beforeId } : {}) });
    const page = toPage(lines, q.limit, (l) => l.transactionId, lineView);
    if (q.format === 'csv') return csvResponse(c, `ledger-${id}.csv`, CSV_COLUMNS, page);
    return c.json(page, 200);
  });

  api.openapi(createAdjustment, (c) => {
    const { scope, ctx, principal } = c.var;
    const input = c.req.valid('json');
    const unitId = input.unitId ?? principal.unitId;
    if (unitId === null) throw new DomainError('INVALID_INPUT', 'api.unitRequired');
    scope.unit(unitId);
    // A record merged into another is the same person: the points, and the answer, are the survivor's.
    const memberId = currentMemberId(db, input.memberId);
    scope.member(memberId);
    const key = c.req.header('idempotency-key');
    // With a key the ledger remembers it for good, beyond the API's 24 hours: the points never move twice.
    const ledgerKey = key !== undefined ? `api:${principal.tokenId}:${key}` : `api:${randomUUID()}`;
    return idempotent(c, input, 201, () => {
      const { transaction } = adjust(ctx, { memberId, unitId, points: input.points, reason: input.reason, idempotencyKey: ledgerKey });
      return {
        transactionId: transaction.id,
        memberId,
        unitId,
        points: input.points,
        reason: transaction.memo,
        at: iso(transaction.at),
        balance: balanceOf(db, memberAccount(memberId)),
      };
    });
  });
};
