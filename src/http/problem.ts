import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import { type MessageKey, type MessageParams, renderMessage } from '../i18n/index.js';
import type { Lang } from '../config.js';
import { type StoreTrouble, storeTrouble } from '../db/client.js';
import { type ErrorCode, isDomainError } from '../errors.js';
import type { Logger } from '../log.js';
import { fieldErrors, summary } from './issues.js';
import { requestUrn } from './request-id.js';
import { RateLimitedError, SignInsLimitedError } from './rate-limit.js';

/**
 * The one error shape of the API: RFC 9457 problem details. Every non-2xx response is built here, from a
 * DomainError (mapped once, below), a validation failure, or an unexpected error.
 */
export type ProblemCode = ErrorCode | 'UNSUPPORTED_MEDIA_TYPE' | 'PAYLOAD_TOO_LARGE' | 'STORE_BUSY' | 'STORE_FULL' | 'INTERNAL';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: { path: string; message: string }[];
  /** This occurrence: `urn:linli:request:<id>`, the id also sent as X-Request-Id and logged with the request. */
  instance?: string;
}

/** Each code's HTTP status. A Record, so a new ErrorCode does not compile until it is mapped. */
export const STATUS_OF: Record<ProblemCode, ContentfulStatusCode> = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INSUFFICIENT_POINTS: 409,
  OUT_OF_STOCK: 409,
  LIMIT_REACHED: 409,
  ALREADY_USED: 409,
  EXPIRED: 409,
  RATE_LIMITED: 429,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
  STORE_BUSY: 503,
  STORE_FULL: 503,
};

const TITLE_OF: Record<ProblemCode, string> = {
  INVALID_INPUT: 'Invalid input',
  UNAUTHENTICATED: 'Unauthenticated',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  INSUFFICIENT_POINTS: 'Insufficient points',
  OUT_OF_STOCK: 'Out of stock',
  LIMIT_REACHED: 'Limit reached',
  ALREADY_USED: 'Already used',
  EXPIRED: 'Expired',
  RATE_LIMITED: 'Too many requests',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  INTERNAL: 'Internal error',
  STORE_BUSY: 'Database busy',
  STORE_FULL: 'Database full',
};

/** A stable identifier per code; clients branch on `code` (or this), never on `detail`. */
export const problemType = (code: ProblemCode) => `urn:linli:problem:${code.toLowerCase().replaceAll('_', '-')}`;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:linli:problem:not-found' }),
    title: z.string().openapi({ example: 'Not found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: 'Unit 42 not found.', description: 'In the language Accept-Language prefers (en or zh)' }),
    code: z.enum(Object.keys(STATUS_OF) as [ProblemCode, ...ProblemCode[]]),
    errors: z
      .array(z.object({ path: z.string().openapi({ example: 'body.name' }), message: z.string() }))
      .optional()
      .openapi({ description: 'Validation failures, one per field' }),
    instance: z.string().optional().openapi({
      example: 'urn:linli:request:3f1c2a9e-7b4d-4e0a-9c61-2d8f5e4b7a10',
      description: 'This occurrence: urn:linli:request: and the id sent back in X-Request-Id; quote it when reporting a problem',
    }),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });

/** English unless the client prefers Chinese. */
export function preferredLang(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'en';
  let best: { lang: Lang; q: number } | undefined;
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(
      params
        .find((p) => p.trim().startsWith('q='))
        ?.trim()
        .slice(2) ?? 1,
    );
    const lang: Lang | undefined = tag.startsWith('zh') ? 'zh' : tag.startsWith('en') ? 'en' : undefined;
    if (lang && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'en';
}

export function buildProblem(code: ProblemCode, lang: Lang, key: MessageKey, params: MessageParams = {}, extra: Partial<Problem> = {}): Problem {
  return { type: problemType(code), title: TITLE_OF[code], status: STATUS_OF[code], detail: renderMessage(lang, key, params), code, ...extra };
}

export function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}): Response {
  if (problem.status === 401) headers['WWW-Authenticate'] ??= 'Bearer realm="linli"';
  const id = c.get('requestId');
  const body = id === undefined ? problem : { ...problem, instance: requestUrn(id) };
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, {
    ...headers,
    'Content-Type': PROBLEM_CONTENT_TYPE,
  });
}

const langOf = (c: Context) => preferredLang(c.req.header('accept-language'));

const TARGET_NAMES: Record<string, string> = { json: 'body', form: 'body', query: 'query', param: 'path', header: 'header', cookie: 'cookie' };

/** The zod-openapi defaultHook: a request that fails its schema gets a 400 listing every field, in the client's language. */
export function validationHook(result: { target: string; success: boolean; error?: ZodError; data?: unknown }, c: Context): Response | undefined {
  if (result.success || !result.error) return undefined;
  const lang = langOf(c);
  const errors = fieldErrors(result.error.issues, [TARGET_NAMES[result.target] ?? result.target], lang, result.data);
  return problemResponse(c, buildProblem('INVALID_INPUT', lang, 'error.invalid', { detail: summary(errors, lang) }, { errors }));
}

/**
 * Domain refusals worded for a person in the chat (a command to send next, an emoji) and reachable through
 * the API: their API wording. The code stays the same.
 */
const API_WORDING: Partial<Record<MessageKey, MessageKey>> = {
  'task.notFound': 'api.taskNotFound',
  'reward.notFound': 'api.rewardNotFound',
  'verify.alreadyUsed': 'api.voucherAlreadyUsed',
  'verify.cancelled': 'api.voucherCancelled',
  'verify.expired': 'api.voucherExpired',
};

/**
 * A store that refused a write (its lock held past the busy timeout, or no room left) answers 503 with
 * Retry-After rather than 500: nothing was written, and the same request may succeed later.
 */
const STORE_PROBLEM: Record<StoreTrouble, { code: ProblemCode; key: 'api.storeBusy' | 'api.storeFull' }> = {
  busy: { code: 'STORE_BUSY', key: 'api.storeBusy' },
  full: { code: 'STORE_FULL', key: 'api.storeFull' },
};

/** Seconds to wait before trying again: a lock is usually let go soon; a full disk waits for the operator. */
export const STORE_RETRY_AFTER: Record<StoreTrouble, number> = { busy: 5, full: 60 };

export function onError(log: Logger): ErrorHandler {
  return (error, c) => {
    const lang = langOf(c);
    if (isDomainError(error)) {
      const headers: Record<string, string> = {};
      if (error instanceof RateLimitedError || error instanceof SignInsLimitedError) headers['Retry-After'] = String(error.retryAfter);
      return problemResponse(c, buildProblem(error.code, lang, API_WORDING[error.key] ?? error.key, error.params), headers);
    }
    if (error instanceof HTTPException) {
      // Raised by the validators before a handler runs: a body that is not JSON, or not sent as JSON.
      if (error.status === 415) {
        return problemResponse(c, buildProblem('UNSUPPORTED_MEDIA_TYPE', lang, 'api.unsupportedMediaType'));
      }
      if (error.status === 400) return problemResponse(c, buildProblem('INVALID_INPUT', lang, 'api.malformedBody'));
      if (error.status === 401) return problemResponse(c, buildProblem('UNAUTHENTICATED', lang, 'error.unauthenticated'));
    }
    const trouble = storeTrouble(error);
    if (trouble) {
      // Not a bug: the write was refused whole and may be sent again. A full disk needs the operator.
      const level = trouble === 'full' ? 'error' : 'warn';
      (c.get('log') ?? log)[level]('database refused a write', { method: c.req.method, path: c.req.path, trouble, error: (error as Error).message });
      const { code, key } = STORE_PROBLEM[trouble];
      const retryAfter = STORE_RETRY_AFTER[trouble];
      return problemResponse(c, buildProblem(code, lang, key, { retryAfter }), { 'Retry-After': String(retryAfter) });
    }
    // The request's own logger when the request-id middleware ran, so the line names the request id.
    (c.get('log') ?? log).error('http request failed', { method: c.req.method, path: c.req.path, error });
    return problemResponse(c, buildProblem('INTERNAL', lang, 'error.internal'));
  };
}

export const notFound: NotFoundHandler = (c) =>
  problemResponse(c, buildProblem('NOT_FOUND', langOf(c), 'api.routeNotFound', { method: c.req.method, path: c.req.path }));
