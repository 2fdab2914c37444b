import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { TokenRole } from '../db/schema/index.js';
import type { ApiEnv } from './env.js';
import { buildProblem, preferredLang, problemResponse } from './problem.js';

/**
 * Route middleware (createRoute's `middleware`), which runs before the request is validated: a token of
 * the wrong role is refused (403) before its body is read, so a refusal never lists the fields of a route
 * it may not use. `wholeTree`: only tokens whose scope is the root.
 */
export function allow(roles: TokenRole[], options: { wholeTree?: boolean } = {}): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    c.var.scope.requireRole(...roles);
    if (options.wholeTree) c.var.scope.requireWholeTree();
    await next();
  };
}

/** The largest request body: every body of the API is a small JSON object (a broadcast of 2000 characters, escaped, is about 12 KB). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * A body over the limit is a 413 problem, found from Content-Length or while it streams, before it is
 * parsed. A GET or HEAD has no body to limit (a request of either carries none): they pass without the
 * check, which would build the whole WHATWG Request from Node's request just to find that out.
 */
export function limitBodies(maxSize = MAX_BODY_BYTES): MiddlewareHandler<ApiEnv> {
  const limit = bodyLimit({
    maxSize,
    onError: (c) =>
      problemResponse(
        c,
        buildProblem('PAYLOAD_TOO_LARGE', preferredLang(c.req.header('accept-language')), 'api.payloadTooLarge', { kb: Math.floor(maxSize / 1024) }),
      ),
  });
  return (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next));
}
