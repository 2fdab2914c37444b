import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { apiHarness } from './harness.js';

describe('response headers', () => {
  it.each([
    ['the API', '/units', true],
    ['a problem', '/units/999', true],
    ['an unknown route', '/nowhere', false],
    ['the health check', '/healthz', false],
    ['the docs', '/docs', false],
    ['the OpenAPI document', '/api/v1/openapi.json', false],
  ])('never lets %s be sniffed as another type', async (_, path, authed) => {
    const h = apiHarness();
    const answer = await h.call('GET', path, authed ? { token: h.tokens.root } : {});
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('keeps tokens, codes and vouchers out of every cache', async () => {
    const h = apiHarness();
    const code = fixtures(h).barberVoucher.code;
    const answers = [
      await h.call('POST', '/tokens', { token: h.tokens.root, body: { role: 'staff', unitId: h.ids.units.grid1.id, label: '一网格' } }),
      await h.call('GET', '/tokens', { token: h.tokens.root }),
      await h.call('POST', '/binding-codes', { token: h.tokens.root, body: { unitId: h.ids.units.grid1.id } }),
      await h.call('GET', '/vouchers', { token: h.tokens.root }),
      await h.call('GET', `/vouchers/${code}`, { token: h.tokens.merchant }),
      await h.call('POST', `/vouchers/${code}/redeem`, { token: h.tokens.merchant }),
    ];
    for (const answer of answers) {
      expect(answer.status, answer.text).toBeLessThan(300);
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('serves /docs with a content security policy that forbids framing', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', '/docs');
    expect(answer.status).toBe(200);
    const policy = answer.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("default-src 'none'");
    expect(policy).toMatch(/script-src [^;]*'sha256-[A-Za-z0-9+/=]+'/);
    expect(policy).not.toMatch(/script-src [^;]*'unsafe-inline'/);
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.text).toContain('SwaggerUIBundle');
  });
});

describe('GET /jobs', () => {
  it('tells what a run did to whole-tree tokens only', async () => {
    const h = apiHarness();
    h.services.jobs.run('housekeeping', h.clock.now(), 'manual');
    const detail = async (token: string) =>
      (await h.call('GET', '/jobs', { token })).body.data.find((j: { name: string }) => j.name === 'housekeeping').lastRun.detail;
    expect(await detail(h.tokens.root)).toEqual(expect.any(String));
    expect(await detail(h.tokens.street)).toBeNull();
    expect(await detail(h.tokens.community)).toBeNull();
  });
});
