import { Hono } from 'hono';
import { schemaVersion } from '../db/client.js';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';

export function createHttpApp(services: Services): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => {
    try {
      services.db.$client.prepare('SELECT 1').get();
      const { applied } = schemaVersion(services.db);
      return c.json({ status: 'ok', version: VERSION, database: { status: 'ok', migrations: applied } });
    } catch (error) {
      return c.json(
        { status: 'error', version: VERSION, database: { status: 'error', detail: (error as Error).message } },
        503,
      );
    }
  });
  return app;
}
