import { OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';
import { authenticate } from './auth.js';
import { limitBodies } from './guards.js';
import type { Api, ApiEnv, RegisterRoutes } from './env.js';
import { validationHook } from './problem.js';
import { RateLimiter, rateLimit } from './rate-limit.js';
import { registerAudit } from './routes/audit.js';
import { registerBindingCodes } from './routes/binding-codes.js';
import { registerBroadcasts } from './routes/broadcasts.js';
import { registerCategories } from './routes/categories.js';
import { registerJobs } from './routes/jobs.js';
import { registerLedger } from './routes/ledger.js';
import { registerLinkRequests } from './routes/link-requests.js';
import { registerMembers } from './routes/members.js';
import { registerPeriodicReports } from './routes/periodic-reports.js';
import { registerReports } from './routes/reports.js';
import { registerRewards } from './routes/rewards.js';
import { registerRooms } from './routes/rooms.js';
import { registerTasks } from './routes/tasks.js';
import { registerTickets } from './routes/tickets.js';
import { registerTokens } from './routes/tokens.js';
import { registerUnits } from './routes/units.js';
import { registerVouchers } from './routes/vouchers.js';

export const API_BASE = '/api/v1';

/** Every resource of the API, one file each under routes/, in the order the docs list them. */
export const resources: RegisterRoutes[] = [
  registerUnits,
  registerMembers,
  registerRooms,
  registerBindingCodes,
  registerLinkRequests,
  registerBroadcasts,
  registerTickets,
  registerCategories,
  registerTasks,
  registerRewards,
  registerVouchers,
  registerLedger,
  registerReports,
  registerPeriodicReports,
  registerTokens,
  registerJobs,
  registerAudit,
];

/** The admin API, mounted at /api/v1: bearer auth, per-token rate limit, the resources and their OpenAPI document. */
export function createApi(services: Services): Api {
  const api = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (`linli_…`): LINLI_ADMIN_TOKEN, the one printed at first start, or one made with POST /tokens',
  });
  // Registered before the auth middleware, so the document is public.
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Linli admin API',
      version: VERSION,
      description:
        'Run a Linli neighbourhood: units, members, rooms, binding codes, broadcasts, tickets and their categories, ' +
        'volunteer tasks, rewards, vouchers, the points ledger, reports, tokens, jobs and the audit log. ' +
        'Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`; `detail` follows ' +
        'Accept-Language (en, zh). Lists take `?limit=` and `?cursor=` and return `{data, nextCursor}`. ' +
        'Mutations that create things or move points or stock accept an Idempotency-Key header; creating a token ' +
        'does not, as its secret is shown once and never stored.',
    },
    servers: [{ url: API_BASE }],
  });
  api.use('*', authenticate(services), rateLimit(new RateLimiter(services.config.rateLimitPerMinute, services.clock)), limitBodies());
  for (const register of resources) register(api, services);
  nameOperations(api);
  return api;
}

/**
 * Every operation gets an operationId from its method and path (`GET /units/{id}` → getUnitsById), so
 * client generators name their functions the same way each time; unique because method and path are.
 */
function nameOperations(api: Api): void {
  const word = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  for (const definition of api.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const { route } = definition;
    const words = route.path
      .split('/')
      .filter(Boolean)
      .map((s) => (s.startsWith('{') ? `By${word(s.slice(1, -1))}` : word(s)));
    route.operationId ??= route.method + words.join('');
  }
}
