import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, openDatabaseImage } from '../../src/db/client.js';
import { createHttpApp } from '../../src/http/app.js';
import type { Services } from '../../src/services.js';
import { testServices } from '../helpers/services.js';
import { ROOT_TOKEN } from './harness.js';

const open: { close(): unknown }[] = [];
afterEach(() => {
  for (const handle of open.splice(0)) handle.close();
});

/** The API over a database file, whose writes wait only `busyTimeoutMs` for another connection's lock. */
function apiOnFile(busyTimeoutMs = 50) {
  const file = join(mkdtempSync(join(tmpdir(), 'linli-store-')), 'linli.db');
  const services = testServices({ db: openDatabase(file, { busyTimeoutMs }), env: { LINLI_ADMIN_TOKEN: ROOT_TOKEN } });
  open.push(services.db.$client);
  return { file, services, ...client(services) };
}

function client(services: Services) {
  const app = createHttpApp(services);
  let streets = 0;
  return {
    /** A write: a new street at the top of the tree. */
    addStreet: () =>
      app.request('/api/v1/units', {
        method: 'POST',
        headers: { authorization: `Bearer ${ROOT_TOKEN}`, 'content-type': 'application/json', 'accept-language': 'zh-CN' },
        body: JSON.stringify({ parentId: null, kind: 'street', name: `街道 ${++streets}` }),
      }),
    health: async () => {
      const response = await app.request('/healthz');
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
    },
  };
}

describe('a database locked by another process', () => {
  it('answers a write 503 STORE_BUSY with Retry-After, and /healthz says busy, until the lock is let go', async () => {
    const api = apiOnFile();
    expect((await api.addStreet()).status).toBe(201);

    const other = new Database(api.file);
    open.push(other);
    other.exec('BEGIN IMMEDIATE');

    const refused = await api.addStreet();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('5');
    const problem = (await refused.json()) as { code: string; type: string; detail: string };
    expect(problem).toMatchObject({ code: 'STORE_BUSY', type: 'urn:linli:problem:store-busy', status: 503 });
    expect(problem.detail).toContain('5 秒后重试');

    const busy = await api.health();
    expect(busy).toMatchObject({ status: 503, retryAfter: '5', body: { status: 'busy', database: { status: 'busy', quickCheck: 'ok' } } });
    expect(busy.body.database.detail).toMatch(/locked/);

    other.exec('ROLLBACK');
    expect((await api.addStreet()).status).toBe(201);
    expect(await api.health()).toMatchObject({ status: 200, body: { status: 'ok', database: { status: 'ok', quickCheck: 'ok' } } });
  });
});

describe('a database that cannot grow', () => {
  it('answers a write 503 STORE_FULL with Retry-After, and /healthz says full, until it has room', async () => {
    const api = apiOnFile();
    const sqlite = api.services.db.$client;
    // As a full disk would: no page may be added beyond those the file has now.
    const pages = sqlite.pragma('page_count', { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages}`);

    let refused: Response | undefined;
    for (let i = 0; i < 500 && !refused; i++) {
      const answer = await api.addStreet();
      if (answer.status !== 201) refused = answer;
    }
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toBe('60');
    expect(await refused?.json()).toMatchObject({ code: 'STORE_FULL', type: 'urn:linli:problem:store-full', detail: expect.stringContaining('磁盘已满') });
    expect(await api.health()).toMatchObject({ status: 503, retryAfter: '60', body: { status: 'full', database: { status: 'full', quickCheck: 'ok' } } });

    sqlite.pragma(`max_page_count = ${pages * 2}`);
    expect((await api.addStreet()).status).toBe(201);
    expect(await api.health()).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

describe('/healthz on a damaged database', () => {
  it('reports the first fault quick_check finds, with 503', async () => {
    const healthy = openDatabase(':memory:');
    const root = healthy.$client.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'units'").pluck().get() as number;
    const pageSize = healthy.$client.pragma('page_size', { simple: true }) as number;
    const image = healthy.$client.serialize();
    healthy.$client.close();
    image.fill(0xa5, (root - 1) * pageSize, root * pageSize);

    const services = testServices({ db: openDatabaseImage(image) });
    open.push(services.db.$client);
    const health = await client(services).health();
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'error', database: { status: 'error' } });
    expect(health.body.database.quickCheck).toMatch(new RegExp(`page ${root}`));
  });
});
