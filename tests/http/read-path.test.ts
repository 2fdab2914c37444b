import { describe, expect, it } from 'vitest';
import { activeGrants, revokeRole } from '../../src/domain/org/members.js';
import { createToken, revokeToken } from '../../src/domain/tokens.js';
import { createHttpApp } from '../../src/http/app.js';
import type { Logger } from '../../src/log.js';
import { captureLogs } from '../helpers/logs.js';
import { apiHarness } from './harness.js';

describe('the API read path', () => {
  it('refuses a token at once after it is revoked, though it was just used', async () => {
    const h = apiHarness();
    const { token, secret } = createToken(h.system, { role: 'admin', unitId: null, label: 'soon gone' });
    for (let i = 0; i < 3; i++) expect((await h.call('GET', '/rewards', { token: secret })).status).toBe(200);
    revokeToken(h.system, token.id);
    expect((await h.call('GET', '/rewards', { token: secret })).status).toBe(401);
  });

  it("refuses a merchant's token at once after the merchant role is revoked", async () => {
    const h = apiHarness();
    const barber = h.ids.members.barber.id;
    const lookup = () => h.call('GET', '/vouchers/NOSUCHCODE', { token: h.tokens.merchant });
    expect((await lookup()).status).toBe(404);
    const grant = activeGrants(h.services.db, barber).find((g) => g.role === 'merchant')!;
    revokeRole(h.system, barber, grant.id);
    const answer = await lookup();
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toMatch(/merchant|商户/);
  });

  it('lists rewards by every combination of filters, and sees a new reward at once', async () => {
    const h = apiHarness();
    const list = async (query: string, token = h.tokens.root) => {
      const answer = await h.call('GET', `/rewards${query}`, { token });
      expect(answer.status, answer.text).toBe(200);
      return (answer.body.data as { id: number; merchantId: number; active: boolean }[]).map((r) => r.id);
    };
    const all = await list('');
    const barber = h.ids.members.barber.id;
    const barbers = await list(`?merchantId=${barber}`);
    expect(barbers.length).toBeGreaterThan(0);
    expect(barbers.length).toBeLessThan(all.length);
    expect(await list('?active=false')).toEqual([]);
    expect(await list(`?active=true&merchantId=${barber}`)).toEqual(barbers);
    const firstPage = await h.call('GET', '/rewards?limit=1', { token: h.tokens.root });
    expect(await list(`?limit=1&cursor=${firstPage.body.nextCursor}`)).toEqual([all[1]]);
    expect(await list('', h.tokens.grid2)).toEqual(await list(`?unitId=${h.ids.units.grid2.id}`));

    const created = await h.call('POST', '/rewards', {
      token: h.tokens.root,
      body: { unitId: h.ids.units.community.id, name: '洗车券', pointsCost: 5, merchantId: barber },
    });
    expect(created.status, created.text).toBe(201);
    expect(await list(`?merchantId=${barber}`)).toEqual([...barbers, created.body.id]);
  });

  it('makes no request logger for a request that logs nothing, and one for a request that logs', async () => {
    const h = apiHarness();
    let children = 0;
    const counting = (log: Logger): Logger => ({ ...log, child: (component, fields) => (children++, counting(log.child(component, fields))) });
    const quiet = captureLogs('info');
    h.services.log = counting(quiet.log);
    const app = createHttpApp(h.services);
    children = 0;
    const answer = await app.request('/api/v1/rewards', { headers: { authorization: `Bearer ${h.tokens.root}` } });
    expect(answer.status).toBe(200);
    expect(children).toBe(0);
    expect(quiet.records).toEqual([]);

    const loud = captureLogs('debug');
    h.services.log = counting(loud.log);
    const debugApp = createHttpApp(h.services);
    children = 0;
    const logged = await debugApp.request('/api/v1/rewards', { headers: { authorization: `Bearer ${h.tokens.root}` } });
    expect(children).toBe(1);
    expect(loud.records.find((r) => r.msg === 'http request')).toMatchObject({ requestId: logged.headers.get('x-request-id'), status: 200 });
  });
});
