/**
 * The reference server for the HTTP rows: a bare Hono app served by @hono/node-server, as Linli's is,
 * answering each path with the bytes Linli answered it with (captured by the harness and passed here in a
 * JSON file of path → body),
 * and nothing else: no auth, no database, no validation.
 */
import { serve } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { answerProbes } from './probe.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: bare-hono.ts <bodies.json>');
const bodies = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
const app = new Hono();
for (const [path, body] of Object.entries(bodies)) {
  app.get(path, (c) => c.body(body, 200, { 'content-type': 'application/json' }));
}
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  answerProbes(`http://127.0.0.1:${info.port}`, async () => {
    server.close();
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
});
