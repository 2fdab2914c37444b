import { describe, expect, it } from 'vitest';
import { createToken, revokeToken } from '../../src/domain/tokens.js';
import { apiHarness, type Harness } from './harness.js';
import { type RouteCase, ROUTES, routeLabel } from './routes-table.js';

const label = routeLabel;

/** Every status each route answered below: each must be in its OpenAPI responses (checked last). */
const seen = new Map<string, Set<number>>();
function calling(h: Harness, route: RouteCase) {
  return async (...args: Parameters<Harness['call']>) => {
    const answer = await h.call(...args);
    const statuses = seen.get(label(route)) ?? new Set<number>();
    seen.set(label(route), statuses.add(answer.status));
    return answer;
  };
}

describe('every route', () => {
  it('is listed here and in the OpenAPI document, and nothing else is', async () => {
    const h = apiHarness();
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(ROUTES.map(label).sort());
  });

  describe.each(ROUTES.map((r) => [label(r), r] as const))('%s', (_, route) => {
    // A refused call changes nothing, so the refusals share one demo; the successful call gets its own.
    let refusing: Harness | undefined;
    const shared = () => (refusing ??= apiHarness());

    it('succeeds for the root token', async () => {
      const h = apiHarness();
      const { path, body } = route.request(h);
      const answer = await calling(h, route)(route.method, path, { token: h.tokens.root, body });
      expect(answer.status, answer.text).toBeLessThan(300);
    });

    it.each([
      ['no token', undefined],
      ['an unknown token', 'linli_not-a-real-token-at-all-0000000000000'],
      ['a malformed header', 'two words'],
    ])('refuses %s with 401', async (_, token) => {
      const h = shared();
      const { path, body } = route.request(h);
      const answer = await calling(h, route)(route.method, path, { token, body });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(answer.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    });

    it('refuses a revoked token with 401', async () => {
      const h = shared();
      const { token, secret } = createToken(h.system, { role: 'admin', unitId: null, label: 'soon gone' });
      revokeToken(h.system, token.id);
      const { path, body } = route.request(h);
      expect((await calling(h, route)(route.method, path, { token: secret, body })).status).toBe(401);
    });

    const merchant = route.merchant;
    if (merchant !== 'lists') {
      it(merchant ? "refuses a merchant token another merchant's voucher with 403" : 'refuses a merchant token with 403', async () => {
        const h = shared();
        const { path, body } = (merchant ?? route.request)(h);
        const answer = await calling(h, route)(route.method, path, { token: h.tokens.merchant, body });
        expect(answer.status, answer.text).toBe(403);
        expect(answer.body.code).toBe('FORBIDDEN');
      });
    }

    if (route.adminOnly) {
      it('refuses a staff token with 403', async () => {
        const h = shared();
        const { path, body } = route.request(h);
        const answer = await calling(h, route)(route.method, path, { token: h.tokens.staff, body });
        expect(answer.status).toBe(403);
        expect(answer.body).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringContaining('admin') });
      });
    }

    // The role is checked before the body is read: a refusal never lists the fields of a route the token may not use.
    if (route.request(shared()).body !== undefined) {
      const refusedBeforeTheBody = [
        ...(merchant === undefined ? [['a merchant', (h: Harness) => h.tokens.merchant] as const] : []),
        ...(route.adminOnly ? [['a staff', (h: Harness) => h.tokens.staff] as const] : []),
      ];
      it.each(refusedBeforeTheBody)('refuses %s token with 403 before reading a bad body', async (_, token) => {
        const h = shared();
        const { path } = route.request(h);
        const answer = await calling(h, route)(route.method, path, { token: token(h), body: { notAField: 1 } });
        expect(answer.status, answer.text).toBe(403);
        expect(answer.body.errors).toBeUndefined();
      });
    }

    // A key already used for another request is a 409: every route that takes one says so.
    it('answers an Idempotency-Key reused for another request with 409, if it takes one', async () => {
      const h = shared();
      const doc = (await h.call('GET', '/api/v1/openapi.json')).body;
      const takesKey = (doc.paths[route.route][route.method.toLowerCase()].parameters ?? []).some((p: { name: string }) => p.name === 'idempotency-key');
      if (!takesKey) return;
      const headers = { 'idempotency-key': `reused-${label(route).replaceAll(' ', '_')}` };
      const other =
        route.route === '/broadcasts'
          ? { path: '/tasks', body: { unitId: h.ids.units.grid1.id, title: '义诊', slots: 2 } }
          : { path: '/broadcasts', body: { unitId: h.ids.units.grid1.id, text: '提醒' } };
      expect((await h.call('POST', other.path, { token: h.tokens.root, body: other.body, headers })).status).toBeLessThan(300);
      const { path, body } = route.request(h);
      const answer = await calling(h, route)(route.method, path, { token: h.tokens.root, body, headers });
      expect(answer.status, answer.text).toBe(409);
    });

    const outside = route.outside;
    if (outside) {
      it("refuses another subtree's admin with 403", async () => {
        const h = shared();
        const { path, body } = outside(h);
        const answer = await calling(h, route)(route.method, path, { token: h.tokens.grid2, body });
        expect(answer.status, answer.text).toBe(403);
        expect(answer.body.code).toBe('FORBIDDEN');
      });
    }
  });

  it('documents every status the calls above were answered with', async () => {
    const h = apiHarness();
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const undocumented = ROUTES.flatMap((r) =>
      [...(seen.get(label(r)) ?? [])].filter((s) => !(String(s) in doc.paths[r.route]![r.method.toLowerCase()]!.responses)).map((s) => `${label(r)} ${s}`),
    );
    expect(seen.size).toBe(ROUTES.length);
    expect(undocumented).toEqual([]);
  });
});
