import { z } from '@hono/zod-openapi';
import { DomainError } from '../errors.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** `?limit=&cursor=` of every list. */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(DEFAULT_LIMIT)
    .openapi({ description: `Items per page, 1 to ${MAX_LIMIT}`, example: DEFAULT_LIMIT }),
  cursor: z.string().max(200).optional().openapi({ description: 'The nextCursor of the previous page, unchanged' }),
});

/** `{data, nextCursor}`: nextCursor is null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      nextCursor: z.string().nullable().openapi({ description: 'Pass as ?cursor= for the next page; null on the last page' }),
    })
    .openapi(name);

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Lists are keyset-paginated on an integer key (ids): the cursor wraps the last key of the page, so a
 * page never repeats or skips rows when rows are added meanwhile. Opaque to clients.
 */
export function encodeCursor(key: number): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'k' in parsed && Number.isSafeInteger(parsed.k)) return parsed.k as number;
  } catch {
    // fall through
  }
  throw new DomainError('INVALID_INPUT', 'api.badCursor');
}

/** Cuts `rows` (fetched with limit + 1) to a page: the extra row only tells that there is a next page. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => number, view: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { data: kept.map(view), nextCursor: more ? encodeCursor(keyOf(kept[kept.length - 1]!)) : null };
}
