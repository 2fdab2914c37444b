import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/** Responses that carry a secret: a token, a binding code, a voucher. No cache, proxy or browser keeps them. */
const SECRETS = /^\/api\/v1\/(tokens|binding-codes|vouchers)(\/|$)/;

/** On every response: no content sniffing (a CSV or JSON answer is never run as a page), and no caching of secrets. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
  if (SECRETS.test(c.req.path)) c.res.headers.set('Cache-Control', 'no-store');
};

/**
 * For /docs, the Swagger UI page: its own inline scripts (by hash) and the UI's files from the CDN it
 * loads them from, requests to this server only, and never inside another site's frame.
 */
export const docsPolicy: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.get('content-type')?.includes('text/html')) return;
  const html = await c.res.text();
  const hashes = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    ([, body]) =>
      `'sha256-${createHash('sha256')
        .update(body ?? '')
        .digest('base64')}'`,
  );
  const cdn = 'https://cdn.jsdelivr.net';
  const policy = [
    "default-src 'none'",
    `script-src ${[cdn, ...hashes].join(' ')}`,
    `style-src ${cdn} 'unsafe-inline'`,
    `img-src 'self' data: ${cdn}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  c.res = new Response(html, c.res);
  c.res.headers.set('Content-Security-Policy', policy);
  c.res.headers.set('X-Frame-Options', 'DENY');
};
