import type { Context } from 'hono';
import { createRoute, z } from '@hono/zod-openapi';
import { TICKET_STATUSES, UNIT_KINDS, VOUCHER_STATUSES } from '../../db/schema/index.js';
import { monthRange } from '../../domain/month.js';
import { AGE_BUCKETS, ticketNumbers } from '../../domain/tickets/numbers.js';
import { timebankNumbers } from '../../domain/timebank/numbers.js';
import { DomainError } from '../../errors.js';
import type { Services } from '../../services.js';
import type { ApiEnv, RegisterRoutes } from '../env.js';
import { errors, IdString, Instant, iso, json, RangeQuery, security } from '../openapi.js';

const tags = ['Reports'];

const ReportQuery = RangeQuery.extend({
  unitId: IdString.optional().openapi({ description: "The subtree reported on; default the token's unit (a whole-tree token must name one)" }),
}).openapi({ description: 'from defaults to the start of this month in LINLI_TZ, to to now' });

const Window = { unitId: z.number().int(), from: Instant, to: Instant };
const Durations = z.object({
  count: z.number().int(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
});
const countsOf = <K extends string>(keys: readonly K[]) => z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<K, z.ZodNumber>);

const TicketReportSchema = z
  .object({
    ...Window,
    total: z.number().int().openapi({ description: 'Tickets reported in the window' }),
    byStatus: countsOf(TICKET_STATUSES),
    byCategory: z.array(z.object({ categoryId: z.number().int(), name: z.string(), count: z.number().int() })),
    timeToTake: Durations.openapi({ description: 'From report to the first 接单 (or 派单)' }),
    timeToResolve: Durations.openapi({ description: 'From report to the first 办结' }),
    withinSla: z.object({ resolved: z.number().int(), within: z.number().int(), overdue: z.number().int(), share: z.number().nullable() }).openapi({
      description: 'Resolved before any deadline was missed (`within`), of those resolved and those unresolved with a deadline missed before `to` (`overdue`)',
    }),
    escalations: z
      .object({
        total: z.number().int(),
        tickets: z.number().int(),
        byLevel: z.object(Object.fromEntries(UNIT_KINDS.map((k) => [k, z.number().int().optional()]))),
      })
      .openapi({ description: 'Escalations for missed deadlines (not deliberate 上报), by the kind of unit they went to' }),
    ratings: z.object({
      rated: z.number().int(),
      average: z.number().nullable(),
      distribution: countsOf(['1', '2', '3', '4', '5']),
      unrated: z.number().int().openapi({ description: 'Closed without a rating' }),
    }),
    openByAge: countsOf(AGE_BUCKETS).openapi({ description: 'Still open or taken at `to`, by age' }),
  })
  .openapi('TicketReport');

const TimebankReportSchema = z
  .object({
    ...Window,
    hours: z
      .object({ minutes: z.number().int(), completions: z.number().int(), volunteers: z.number().int() })
      .openapi({ description: 'Service credited in the window' }),
    tasks: z.object({ wishes: z.number().int(), tasks: z.number().int(), done: z.number().int() }),
    points: z.object({
      earned: z.number().int().openapi({ description: 'For service, out of the subtree’s pools' }),
      granted: z.number().int().openapi({ description: 'By adjustments, out of the pools' }),
      deducted: z.number().int().openapi({ description: 'By adjustments, back to the pools' }),
      spent: z.number().int().openapi({ description: "On vouchers of the subtree's rewards" }),
      returned: z.number().int().openapi({ description: 'By refunds and expiries of those vouchers' }),
      paidToMerchants: z.number().int().openapi({ description: 'For vouchers used' }),
    }),
    vouchers: countsOf(VOUCHER_STATUSES).openapi({ description: 'Bought in the window, by their state now' }),
    topVolunteers: z.array(z.object({ memberId: z.number().int(), name: z.string(), minutes: z.number().int(), points: z.number().int() })),
  })
  .openapi('TimebankReport');

/**
 * The unit and window asked for: the token's unit, and this month so far (LINLI_TZ) unless given. It ends
 * now rather than at the month's end, so open tickets are aged as they are now.
 */
function window(c: Context<ApiEnv>, services: Services, q: z.infer<typeof ReportQuery>) {
  const { scope, principal } = c.var;
  const unitId = q.unitId ?? principal.unitId;
  if (unitId === null) throw new DomainError('INVALID_INPUT', 'api.unitRequired');
  scope.unit(unitId);
  const now = services.clock.now();
  const from = q.from !== undefined ? new Date(q.from) : monthRange(now, services.config.timeZone).start;
  const to = q.to !== undefined ? new Date(q.to) : now;
  if (from >= to) throw new DomainError('INVALID_INPUT', 'api.badRange');
  return { unitId, from, to };
}

const ticketReport = createRoute({
  method: 'get',
  path: '/reports/tickets',
  tags,
  security,
  summary: 'Ticket figures',
  description:
    "For tickets reported in a unit's subtree in [from, to) (default: this month so far): counts by status and category, time to take and resolve (median, 90th percentile), share resolved within the SLA, escalations, ratings (满意度), open tickets by age. Admin and staff tokens.",
  request: { query: ReportQuery },
  responses: { 200: json(TicketReportSchema, 'The figures'), ...errors(404) },
});

const timebankReport = createRoute({
  method: 'get',
  path: '/reports/timebank',
  tags,
  security,
  summary: 'Time-bank figures',
  description:
    "For a unit's subtree in [from, to) (default: this month so far): hours served, wishes and tasks, points earned, granted, spent and returned, vouchers by state, the top volunteers. Admin and staff tokens.",
  request: { query: ReportQuery },
  responses: { 200: json(TimebankReportSchema, 'The figures'), ...errors(404) },
});

export const registerReports: RegisterRoutes = (api, services) => {
  api.openapi(ticketReport, (c) => {
    c.var.scope.requireRole('admin', 'staff');
    const { unitId, from, to } = window(c, services, c.req.valid('query'));
    const n = ticketNumbers(services.db, unitId, from, to);
    return c.json({ ...n, from: iso(n.from), to: iso(n.to) }, 200);
  });

  api.openapi(timebankReport, (c) => {
    c.var.scope.requireRole('admin', 'staff');
    const { unitId, from, to } = window(c, services, c.req.valid('query'));
    const n = timebankNumbers(services.db, unitId, from, to);
    return c.json({ ...n, from: iso(n.from), to: iso(n.to) }, 200);
  });
};
