import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
import { inTransaction } from '../db/client.js';
import { idempotencyKeys } from '../db/schema/index.js';
import { IDEMPOTENCY_TTL_MS } from '../domain/idempotency.js';
import { DomainError } from '../errors.js';
import type { ApiEnv } from './env.js';

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, { error: 'api.issue.printableAscii' })
    .optional()
    .openapi({
      description:
        'Any unique string (a UUID). Sending the same key and body again returns the first response instead of acting twice; the same key with another body is a 409. Remembered 24 hours, per token.',
      example: '5f0c7b1e-3c8a-4a53-9a59-0d6c2f2b8e11',
    }),
});

/**
 * Runs a mutation at most once per Idempotency-Key. The stored response is written in the same
 * transaction as the mutation's own writes, so a request either happened and is remembered, or neither:
 * a retry after a lost connection can never act twice. Without the header it simply runs.
 */
export function idempotent<T, S extends ContentfulStatusCode>(
  c: Context<ApiEnv>,
  body: unknown,
  /** The status of a first response; a function when the work decides it (200 already held, 201 made). */
  status: S | (() => S),
  work: () => T,
  /** The request's path as the key remembers it, when the URL can spell one resource several ways. */
  path: string = c.req.path,
) {
  const key = c.req.header('idempotency-key');
  const { db, clock } = c.var.ctx;
  const statusOf = () => (typeof status === 'function' ? status() : status);
  if (key === undefined) {
    const result = inTransaction(db, work);
    return c.json(result as never as T & object, statusOf());
  }
  const tokenId = c.var.principal.tokenId;
  const method = c.req.method;
  const bodyHash = createHash('sha256').update(stableJson(body)).digest('hex');
  const outcome = inTransaction(db, () => {
    const now = clock.now();
    const where = and(eq(idempotencyKeys.tokenId, tokenId), eq(idempotencyKeys.key, key));
    const seen = db.select().from(idempotencyKeys).where(where).get();
    if (seen && now.getTime() - seen.createdAt.getTime() < IDEMPOTENCY_TTL_MS) {
      if (seen.method !== method || seen.path !== path || seen.bodyHash !== bodyHash) {
        throw new DomainError('CONFLICT', 'api.idempotencyMismatch', { key, method: seen.method, path: seen.path });
      }
      return { replayed: true, status: seen.status, body: JSON.parse(seen.responseBody) as T };
    }
    if (seen) db.delete(idempotencyKeys).where(where).run();
    const result = work();
    const first = statusOf();
    db.insert(idempotencyKeys)
      .values({ tokenId, key, method, path, bodyHash, status: first, responseBody: JSON.stringify(result), createdAt: now })
      .run();
    return { replayed: false, status: first, body: result };
  });
  if (outcome.replayed) c.header('Idempotent-Replayed', 'true');
  return c.json(outcome.body as never as T & object, outcome.status as S);
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same body. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
