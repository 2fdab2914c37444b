import { z } from '@hono/zod-openapi';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from './problem.js';

/** Every API route needs a bearer token. */
export const security = [{ bearerAuth: [] }];

const ERROR_DESCRIPTIONS = {
  400: 'Invalid input: the problem lists each failing field in `errors`',
  401: 'No token, or an unknown or revoked one',
  403: "The token's role may not do this, or the target lies outside its unit's subtree",
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'The body is over the limit (64 KB)',
  415: 'The body was not sent as application/json',
  429: 'Too many requests for this token, or too many failed sign-ins from this address; see Retry-After',
  503: 'The database is locked by another process (STORE_BUSY) or its disk is full (STORE_FULL); nothing was saved, retry after Retry-After',
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

const problem = (status: ErrorStatus) => ({
  description: ERROR_DESCRIPTIONS[status],
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

/**
 * The error responses of a route: 400, 401, 403, 429 and 503 always (validation, auth, rate limit, a
 * database that refuses a write: even a read records when a stored token was last used), plus `more`.
 * A route with a body (415) may also be refused one too large (413).
 */
export function errors(...more: ErrorStatus[]) {
  const withBody: ErrorStatus[] = more.includes(415) ? [413] : [];
  const statuses = [...new Set<ErrorStatus>([400, 401, 403, 429, 503, ...more, ...withBody])].sort();
  return Object.fromEntries(statuses.map((s) => [s, problem(s)]));
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A JSON request body. */
export const body = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { 'application/json': { schema } },
});

/**
 * An id in a path or query string: a positive whole number written in decimal (`12`), never `0x3`, `1e0`,
 * `03` or ` 3`, which a number coercion would take for another id. At most 15 digits, so it stays exact.
 */
export const IdString = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/, { error: 'api.issue.id' })
  .transform(Number)
  .openapi({ type: 'integer', minimum: 1, example: 1 });

export const IdParam = z.object({
  id: IdString.openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});

export const Instant = z.iso.datetime().openapi({ example: '2026-03-02T01:00:00.000Z' });
export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** Something to see: not only spaces, zero-width characters, direction marks or Hangul and Braille blanks. */
const VISIBLE = /[^\p{Cf}\p{Z}\p{Cc}\s\u115f\u1160\u3164\uffa0\u2800]/u;
export const hasVisible = (text: string) => VISIBLE.test(text);

/**
 * Text people read, required: a name, a title, a label, a notice, a reason. Trimmed, at most `max`
 * characters, and with a visible character, so a name cannot be blank on screen.
 */
export const visibleText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // an empty text is already "must not be empty"
    .refine((text) => text === '' || hasVisible(text), { error: 'api.issue.invisible' });

/** `true` / `false` in a query string. */
export const QueryFlag = z.enum(['true', 'false']);

/** Years a date given to the API may name: a typo such as 0026 or 20026 is refused, not searched. */
export const SANE_YEARS = { min: 2000, max: 2100 } as const;
export const saneYear = (year: number) => year >= SANE_YEARS.min && year <= SANE_YEARS.max;

/** An instant with a zone offset or Z, in a sane year. */
const SaneInstant = z.iso.datetime({ offset: true }).refine((s) => saneYear(new Date(s).getUTCFullYear()), { error: 'api.issue.year' });

/** `?from=&to=`: the instants of a window, with a zone offset or Z. */
export const RangeQuery = z.object({
  from: SaneInstant.optional().openapi({ description: 'At or after this instant', example: '2026-03-01T00:00:00+08:00' }),
  to: SaneInstant.optional().openapi({ description: 'Before this instant', example: '2026-04-01T00:00:00+08:00' }),
});
