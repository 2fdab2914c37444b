import { describe, expect, it } from 'vitest';
import { apiHarness } from './harness.js';

/** Actions whose path says it all. */
const BODILESS = ['post /jobs/{name}/run', 'post /rewards/{id}/archive', 'post /vouchers/{code}/redeem', 'post /vouchers/{code}/cancel'];

describe('the OpenAPI document', () => {
  it('is public OpenAPI 3.1 with the bearer scheme and the API base', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', '/api/v1/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      openapi: '3.1.0',
      info: { title: 'Linli admin API' },
      servers: [{ url: '/api/v1' }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    });
  });

  it('documents each operation with its security, request and every error as a problem', async () => {
    const h = apiHarness();
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body;
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ name: `${method} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(22);
    for (const { name, op } of operations) {
      expect(op.summary, name).toEqual(expect.any(String));
      expect(op.security, name).toEqual([{ bearerAuth: [] }]);
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith('2')),
        name,
      ).toBe(true);
      for (const s of ['400', '401', '403', '429', '503']) expect(statuses, name).toContain(s);
      for (const s of statuses.filter((s) => Number(s) >= 400)) {
        expect(op.responses[s].content['application/problem+json'].schema, `${name} ${s}`).toEqual({ $ref: '#/components/schemas/Problem' });
      }
      if (['post', 'patch'].includes(name.split(' ')[0]!) && !BODILESS.includes(name)) {
        expect(op.requestBody?.content['application/json'].schema, name).toBeDefined();
      }
    }
  });

  it('gives every operation a unique operationId', async () => {
    const h = apiHarness();
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body;
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId),
    );
    expect(
      ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id)),
      ids.join(),
    ).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/units/{id}'].patch.operationId).toBe('patchUnitsById');
  });

  it('documents the Idempotency-Key header and CSV where they apply', async () => {
    const h = apiHarness();
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body;
    const headers = doc.paths['/broadcasts'].post.parameters.filter((p: { in: string }) => p.in === 'header');
    expect(headers.map((p: { name: string }) => p.name)).toEqual(['idempotency-key']);
    expect(Object.keys(doc.paths['/audit'].get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
  });
});

describe('/docs', () => {
  it('serves the interactive docs for the document', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', '/docs');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(answer.text).toContain('/api/v1/openapi.json');
    expect(answer.text).toContain('SwaggerUIBundle');
  });
});
