import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from '../log.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** Sent back as X-Request-Id, named in every problem's `instance` and on the request's log lines. */
    requestId: string;
    /** This request's logger: each line carries its request id. */
    log: Logger;
  }
}

/** A request id longer than this, or with a character outside [A-Za-z0-9_=-], is replaced by a UUID. */
export const REQUEST_ID_MAX_LENGTH = 64;

/**
 * Gives every request an id: the client's own X-Request-Id when it is short and plain (so a caller can
 * follow its request through our logs), else a fresh UUID. Either way it is echoed as X-Request-Id.
 */
export const requestIds = (): MiddlewareHandler => requestId({ limitLength: REQUEST_ID_MAX_LENGTH });

/**
 * The request's logger, a child of `log` that names the request id, made when a line is first written
 * (most requests write none); one debug line per request when the level lets it through.
 */
export function requestLog(log: Logger): MiddlewareHandler {
  return async (c, next) => {
    const requestLog = lazily(() => log.child('http', { requestId: c.get('requestId') }));
    c.set('log', requestLog);
    if (!log.enabled('debug')) return next();
    const started = performance.now();
    await next();
    requestLog.debug('http request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  };
}

/** A logger made on first use. */
function lazily(make: () => Logger): Logger {
  let made: Logger | undefined;
  const get = () => (made ??= make());
  return {
    debug: (msg, data) => get().debug(msg, data),
    info: (msg, data) => get().info(msg, data),
    warn: (msg, data) => get().warn(msg, data),
    error: (msg, data) => get().error(msg, data),
    child: (component, fields) => get().child(component, fields),
    enabled: (level) => get().enabled(level),
  };
}

/** A problem's `instance`: this occurrence, by the id the client got in X-Request-Id. */
export const requestUrn = (id: string) => `urn:linli:request:${id}`;
