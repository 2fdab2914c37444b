import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.js';
import { REQUEST_ID_MAX_LENGTH } from '../../src/http/request-id.js';
import { captureLogs } from '../helpers/logs.js';
import { demoServices } from '../helpers/services.js';
import { apiHarness } from './harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it.each([
    ['a missing token', 'GET', '/units', undefined],
    ['an unknown route', 'GET', '/api/v1/nothing-here', 'root'],
    ['an invalid body', 'POST', '/tickets', 'root'],
  ] as const)("names %s's problem by the id sent back in X-Request-Id", async (_what, method, path, who) => {
    const h = apiHarness();
    const answer = await h.call(method, path, { ...(who ? { token: h.tokens[who] } : {}), body: method === 'POST' ? {} : undefined });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    const id = answer.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    expect(answer.body.instance).toBe(`urn:linli:request:${id}`);
  });

  it('gives every response an id of its own, a success too', async () => {
    const h = apiHarness();
    const first = await h.call('GET', '/healthz');
    const second = await h.call('GET', '/units', { token: h.tokens.root });
    expect(second.status).toBe(200);
    expect(first.headers.get('x-request-id')).toMatch(UUID);
    expect(second.headers.get('x-request-id')).toMatch(UUID);
    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  });

  it('keeps a plain id the client sent', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', '/units', { headers: { 'x-request-id': 'gateway-7f3a_01=' } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-request-id')).toBe('gateway-7f3a_01=');
    expect(answer.body.instance).toBe('urn:linli:request:gateway-7f3a_01=');
  });

  it.each([
    ['too long', 'a'.repeat(REQUEST_ID_MAX_LENGTH + 1)],
    ['with a space', 'two words'],
    ['with markup', '<script>'],
    ['with a path', '../../etc'],
    ['with a quote', 'a"b'],
  ])('replaces an id %s by its own', async (_what, sent) => {
    const h = apiHarness();
    const answer = await h.call('GET', '/units', { headers: { 'x-request-id': sent } });
    const id = answer.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    expect(answer.body.instance).toBe(`urn:linli:request:${id}`);
  });

  it('logs an unexpected failure with the request id the client got', async () => {
    const { services } = demoServices();
    const { log, records } = captureLogs();
    services.log = log;
    const app = createHttpApp(services, [
      (a) =>
        a.get('/boom', () => {
          throw new Error('disk on fire');
        }),
    ]);
    const response = await app.request('/boom');
    expect(response.status).toBe(500);
    const id = response.headers.get('x-request-id');
    expect(((await response.json()) as { instance: string }).instance).toBe(`urn:linli:request:${id}`);
    const failed = records.find((r) => r.msg === 'http request failed');
    expect(failed).toMatchObject({
      level: 'error',
      component: 'http',
      requestId: id,
      method: 'GET',
      path: '/boom',
      error: { type: 'Error', message: 'disk on fire', stack: expect.stringContaining('disk on fire') },
    });
    // and one debug line for the request, under the same id
    expect(records.find((r) => r.msg === 'http request')).toMatchObject({ requestId: id, status: 500, method: 'GET', path: '/boom' });
  });
});
