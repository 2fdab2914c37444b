import type { MiddlewareHandler } from 'hono';
import type { Ctx } from '../domain/context.js';
import { authenticateToken, principalStillHolds } from '../domain/tokens.js';
import { DomainError } from '../errors.js';
import type { Services } from '../services.js';
import type { ApiEnv } from './env.js';
import { preferredLang } from './problem.js';
import { Scope } from './scope.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** `Authorization: Bearer <token>` → the principal, its scope and a domain context acting as the token. */
export function authenticate(services: Services): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const presented = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    const principal = presented ? authenticateToken(services.deps, presented, services.config.adminToken) : undefined;
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'error.unauthenticated');
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
