import { timingSafeEqual } from 'node:crypto';
import type { Update } from 'grammy/types';
import type { Mount } from '../../src/http/app.js';

export const WEBHOOK_PATH = '/telegram/webhook';
export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

function sameSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

const isUpdate = (body: unknown): body is Update =>
  typeof body === 'object' && body !== null && Number.isSafeInteger((body as { update_id?: unknown }).update_id);

export interface WebhookOptions {
  secret: string;
  /** Takes the update for handling in the background; false when the adapter is stopping. */
  accept(update: Update): boolean;
}

/**
 * The route Telegram posts updates to. Only a request carrying the secret given to setWebhook is
 * handled. It is answered at once and handled afterwards: Telegram resends an update whose request is
 * slow to answer, and a command may take a while.
 */
export function webhookMount(options: WebhookOptions): Mount {
  return (app) => {
    app.post(WEBHOOK_PATH, async (c) => {
      if (!sameSecret(c.req.header(SECRET_HEADER), options.secret)) return c.json({ ok: false, error: 'unauthorized' }, 401);
      const body: unknown = await c.req.json().catch(() => undefined);
      if (!isUpdate(body)) return c.json({ ok: false, error: 'expected an Update' }, 400);
      // While stopping, a 503 makes Telegram deliver the update again to whoever serves next.
      if (!options.accept(body)) return c.json({ ok: false, error: 'stopping' }, 503);
      return c.json({ ok: true });
    });
  };
}
