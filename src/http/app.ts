import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import { storeHealthCheck } from '../db/health.js';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';
import { API_BASE, createApi } from './api.js';
import { docsPolicy, securityHeaders } from './headers.js';
import { notFound, onError, STORE_RETRY_AFTER } from './problem.js';
import { requestIds, requestLog } from './request-id.js';

/** Adds routes that belong to another part (the Telegram webhook) to the one HTTP server. */
export type Mount = (app: Hono) => void;

export function createHttpApp(services: Services, mounts: readonly Mount[] = []): Hono {
  const app = new Hono();
  // First, so every response (a problem, a mounted webhook, /healthz) carries X-Request-Id.
  app.use(requestIds(), requestLog(services.log));
  app.onError(onError(services.log.child('http')));
  app.notFound(notFound);
  app.use('*', securityHeaders);
  for (const mount of mounts) mount(app);
  const storeHealth = storeHealthCheck(services.db, services.clock);
  app.get('/healthz', (c) => {
    const database = storeHealth();
    if (database.status === 'ok') return c.json({ status: 'ok', version: VERSION, database });
    const headers: Record<string, string> = database.status === 'error' ? {} : { 'Retry-After': String(STORE_RETRY_AFTER[database.status]) };
    return c.json({ status: database.status, version: VERSION, database }, 503, headers);
  });
  app.route(API_BASE, createApi(services));
  app.get('/docs', docsPolicy, swaggerUI({ url: `${API_BASE}/openapi.json`, title: 'Linli admin API', persistAuthorization: true }));
  return app;
}
