import { Hono } from 'hono';
import { schemaVersion } from '../db/client.js';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';

/** Adds routes that belong to another part (the Telegram webhook) to the one HTTP server. */
export type Mount = (app: Hono) => void;

export function createHttpApp(services: Services, mounts: readonly Mount[] = []): Hono {
  const app = new Hono();
  for (const mount of mounts) mount(app);
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
