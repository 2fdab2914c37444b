import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Ctx } from '../domain/context.js';
import type { Principal } from '../domain/tokens.js';
import type { Services } from '../services.js';
import type { Scope } from './scope.js';

/** What the auth middleware leaves for every handler. */
export interface ApiEnv {
  Variables: {
    principal: Principal;
    scope: Scope;
    /** For domain calls: the actor is the token. */
    ctx: Ctx;
  };
}

export type Api = OpenAPIHono<ApiEnv>;

/** One resource's routes: each file under routes/ exports one of these. */
export type RegisterRoutes = (api: Api, services: Services) => void;
