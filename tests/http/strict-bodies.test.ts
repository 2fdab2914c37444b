import { describe, expect, it } from 'vitest';
import { apiHarness } from './harness.js';
import { ROUTES, routeLabel } from './routes-table.js';

describe('request bodies are strict', () => {
  const probe = apiHarness();
  const withBody = ROUTES.filter((r) => r.method !== 'GET' && r.request(probe).body !== undefined);

  it.each(withBody.map((r) => [routeLabel(r), r] as const))('%s refuses an unknown field, naming it', async (_, route) => {
    const h = apiHarness();
    const { path, body } = route.request(h);
    const answer = await h.call(route.method, path, { token: h.tokens.root, body: { ...(body as object), zzTypo: 1 } });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('INVALID_INPUT');
    expect(answer.body.errors).toContainEqual({ path: 'body.zzTypo', message: expect.stringContaining('Unknown field') });
    expect(answer.body.detail).toContain('body.zzTypo');
  });

  it('a misspelt category field is refused, not dropped for a default', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/categories', {
      token: h.tokens.root,
      headers: { 'accept-language': 'zh' },
      body: { name: '宠物', takeSlaMinutes: 60 },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: 'body.takeSlaMinutes', message: '没有这个字段，请对照 /docs 检查拼写' }]);
    expect(answer.body.detail).toBe('输入有误：body.takeSlaMinutes: 没有这个字段，请对照 /docs 检查拼写');
    const list = await h.call('GET', '/categories?limit=500', { token: h.tokens.root });
    expect(list.body.data.map((c: { name: string }) => c.name)).not.toContain('宠物');
  });

  it('says so in the OpenAPI document: no request body takes other properties', async () => {
    const h = apiHarness();
    const doc = (await h.call('GET', '/openapi.json')).body;
    const resolve = (schema: { $ref?: string }) => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema);
    const bodies: [string, any][] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const schema = op.requestBody?.content?.['application/json']?.schema;
        if (schema) bodies.push([`${method.toUpperCase()} ${path}`, resolve(schema)]);
      }
    }
    expect(bodies.length).toBeGreaterThan(15);
    for (const [label, schema] of bodies) {
      const shapes = schema.anyOf ?? schema.oneOf ?? [schema];
      for (const shape of shapes) expect({ label, additionalProperties: resolve(shape).additionalProperties }).toEqual({ label, additionalProperties: false });
    }
  });
});
