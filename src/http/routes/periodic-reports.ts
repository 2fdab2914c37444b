import type { Context } from 'hono';
import { createRoute, z } from '@hono/zod-openapi';
import { annualReport } from '../../domain/reports/annual.js';
import { monthlyReport } from '../../domain/reports/monthly.js';
import { type Period, parsePeriod, previousMonth, previousQuarter, previousYear } from '../../domain/reports/periods.js';
import { quarterlyReport } from '../../domain/reports/quarterly.js';
import { DomainError } from '../../errors.js';
import type { Services } from '../../services.js';
import type { ApiEnv, RegisterRoutes } from '../env.js';
import { errors, IdString, Instant, iso, json, saneYear, security } from '../openapi.js';

const tags = ['Reports'];

const unitId = IdString.optional().openapi({ description: "The unit reported on; default the token's unit (a whole-tree token must name one)" });

const PeriodSchema = z.object({ kind: z.enum(['month', 'quarter', 'year']), label: z.string(), from: Instant, to: Instant });

const SummarySchema = z
  .object({
    unitId: z.number().int(),
    name: z.string(),
    kind: z.string(),
    tickets: z.object({
      total: z.number().int(),
      done: z.number().int().openapi({ description: 'Resolved or closed' }),
      open: z.number().int().openapi({ description: 'Still open or taken' }),
      withinSlaShare: z.number().nullable(),
      escalations: z.number().int(),
      medianTakeMs: z.number().nullable(),
      medianResolveMs: z.number().nullable(),
    }),
    satisfaction: z.object({ average: z.number().nullable(), rated: z.number().int(), unrated: z.number().int() }),
    patrols: z
      .object({ halfDaysDone: z.number().int(), halfDaysExpected: z.number().int(), nightsDone: z.number().int(), nightsExpected: z.number().int() })
      .nullable()
      .openapi({ description: '一日双巡、每周夜巡: null where no grid below patrols' }),
    minutesServed: z.number().int(),
  })
  .openapi('UnitSummary');

const MonthlySchema = z
  .object({
    period: PeriodSchema,
    summary: SummarySchema,
    stillOpen: z.object({
      count: z.number().int(),
      oldest: z.array(z.object({ ref: z.string(), text: z.string(), status: z.enum(['open', 'taken']), ageMs: z.number() })),
    }),
  })
  .openapi('MonthlyReport');

const QuarterlySchema = z
  .object({
    period: PeriodSchema,
    community: SummarySchema,
    grids: z.array(
      SummarySchema.extend({
        rank: z.number().int(),
        behind: z.array(z.enum(['sla', 'satisfaction', 'patrols'])).openapi({ description: 'Where the grid falls behind its community (后进赶超)' }),
      }),
    ),
  })
  .openapi('QuarterlyReport');

const AnnualSchema = z
  .object({
    period: PeriodSchema,
    street: SummarySchema,
    communities: z.array(SummarySchema.extend({ grids: z.array(SummarySchema) })),
    partyMembers: z.array(z.object({ memberId: z.number().int(), name: z.string(), minutes: z.number().int() })),
  })
  .openapi('AnnualReport');

const periodQuery = (name: string, example: string, what: string) =>
  z.object({
    unitId,
    [name]: z
      .string()
      .optional()
      .openapi({ description: `${what}, e.g. ${example}; default the last one completed (what the scheduled job sends)`, example }),
  });

const route = (path: string, query: z.ZodObject, schema: z.ZodType, summary: string, description: string) =>
  createRoute({
    method: 'get',
    path,
    tags,
    security,
    summary,
    description,
    request: { query },
    responses: { 200: json(schema, 'The report'), ...errors(404) },
  });

const monthly = route(
  '/reports/monthly',
  periodQuery('month', '2026-03', 'The month'),
  MonthlySchema,
  'Monthly report (月提醒)',
  "A unit's month: tickets, satisfaction, patrols, hours served, and the tickets still open now. Admin and staff tokens.",
);
const quarterly = route(
  '/reports/quarterly',
  periodQuery('quarter', '2026-Q1', 'The quarter'),
  QuarterlySchema,
  'Quarterly dispatch (季调度)',
  "A community's grids ranked side by side for a quarter, with those falling behind named. Admin and staff tokens.",
);
const annual = route(
  '/reports/annual',
  periodQuery('year', '2026', 'The year'),
  AnnualSchema,
  'Annual review (年评审)',
  "A street's year per community and grid, and each party member's service hours. Admin and staff tokens.",
);

function target(c: Context<ApiEnv>, id: number | undefined): number {
  const { scope, principal } = c.var;
  scope.requireRole('admin', 'staff');
  const unit = id ?? principal.unitId;
  if (unit === null) throw new DomainError('INVALID_INPUT', 'api.unitRequired');
  scope.unit(unit);
  return unit;
}

function period(services: Services, given: string | undefined, kind: Period['kind'], last: (at: Date, tz: string) => Period): Period {
  if (given === undefined) return last(services.clock.now(), services.config.timeZone);
  const parsed = parsePeriod(given, services.config.timeZone);
  if (!parsed || parsed.kind !== kind || !saneYear(Number(given.trim().slice(0, 4)))) throw new DomainError('INVALID_INPUT', 'api.badPeriod', { given, kind });
  return parsed;
}

/** Dates as ISO strings, everywhere in the report. */
const serialise = (value: unknown): unknown =>
  value instanceof Date
    ? iso(value)
    : Array.isArray(value)
      ? value.map(serialise)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, serialise(v)]))
        : value;

export const registerPeriodicReports: RegisterRoutes = (api, services) => {
  const tz = services.config.timeZone;
  api.openapi(monthly, (c) => {
    const q = c.req.valid('query') as { unitId?: number; month?: string };
    const unit = target(c, q.unitId);
    const p = period(services, q.month, 'month', previousMonth);
    return c.json(serialise(monthlyReport(services.db, unit, p, services.clock.now(), tz)) as never, 200);
  });
  api.openapi(quarterly, (c) => {
    const q = c.req.valid('query') as { unitId?: number; quarter?: string };
    const unit = target(c, q.unitId);
    const p = period(services, q.quarter, 'quarter', previousQuarter);
    return c.json(serialise(quarterlyReport(services.db, unit, p, tz)) as never, 200);
  });
  api.openapi(annual, (c) => {
    const q = c.req.valid('query') as { unitId?: number; year?: string };
    const unit = target(c, q.unitId);
    const p = period(services, q.year, 'year', previousYear);
    return c.json(serialise(annualReport(services.db, unit, p, tz)) as never, 200);
  });
};
