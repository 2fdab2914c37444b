import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { Ctx } from '../domain/context.js';
import { authenticateToken, principalStillHolds } from '../domain/tokens.js';
import { DomainError } from '../errors.js';
import type { Services } from '../services.js';
import type { ApiEnv } from './env.js';
import { preferredLang } from './problem.js';
import { RateLimiter, SignInsLimitedError } from './rate-limit.js';
import { Scope } from './scope.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Failed sign-ins a client address may make in a minute before it is made to wait (429): no guessing tokens. */
export const AUTH_FAILURES_PER_MINUTE = 10;

/** The peer's address as the socket saw it (a forwarded header could be anyone's); one key when unknown. */
function clientAddress(c: Context): string {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * `Authorization: Bearer <token>` → the principal, its scope and a domain context acting as the token.
 * An address that failed too often in the last minute waits, before its token is even looked at.
 */
export function authenticate(services: Services, failures = new RateLimiter(AUTH_FAILURES_PER_MINUTE, services.clock)): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const address = clientAddress(c);
    const wait = failures.spent(address);
    if (wait !== undefined) throw new SignInsLimitedError(wait);
    const presented = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    const principal = presented ? authenticateToken(services.deps, presented, services.config.adminToken) : undefined;
    if (!principal) {
      failures.take(address);
      throw new DomainError('UNAUTHENTICATED', 'error.unauthenticated');
    }
    if (!principalStillHolds(services.db, principal)) throw new DomainError('FORBIDDEN', 'api.merchantRoleLapsed', { id: principal.merchantId ?? 0 });
    const ctx: Ctx = {
      db: services.db,
      clock: services.clock,
      settings: services.deps.settings,
      render: services.deps.render,
      actor: { kind: 'token', tokenId: principal.tokenId, label: principal.label, lang: preferredLang(c.req.header('accept-language')) },
    };
    c.set('principal', principal);
    c.set('scope', new Scope(services.db, principal));
    c.set('ctx', ctx);
    await next();
  };
}
