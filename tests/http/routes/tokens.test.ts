import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiTokens, auditLog } from '../../../src/db/schema/index.js';
import type { DemoIds } from '../../../src/domain/seed/demo.js';
import { activeTokenCount, ensureAdminToken, revokeToken } from '../../../src/domain/tokens.js';
import { apiHarness } from '../harness.js';

describe('POST /tokens', () => {
  it('shows the token once and stores only its sha256', async () => {
    const h = apiHarness();
    const created = await h.call('POST', '/tokens', {
      token: h.tokens.community,
      body: { role: 'staff', unitId: h.ids.units.grid1.id, label: '一网格工作站' },
    });
    expect(created.status).toBe(201);
    const { token, id } = created.body;
    expect(token).toMatch(/^linli_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ role: 'staff', unitId: h.ids.units.grid1.id, label: '一网格工作站', hint: token.slice(0, 10), revokedAt: null });
    const row = h.services.db.select().from(apiTokens).where(eq(apiTokens.id, id)).get()!;
    expect(row.hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token);
    const listed = await h.call('GET', '/tokens', { token: h.tokens.community });
    expect(listed.text).not.toContain(token);
    expect(listed.text).not.toContain(row.hash);
    expect(listed.body.data.find((t: { id: number }) => t.id === id)).not.toHaveProperty('token');
    // and it works
    const used = await h.call('GET', `/units/${h.ids.units.grid1.id}`, { token });
    expect(used.status).toBe(200);
    expect(h.services.db.select().from(apiTokens).where(eq(apiTokens.id, id)).get()!.lastUsedAt).toEqual(h.clock.now());
  });

  it('audits creation and revocation with the token that did it', async () => {
    const h = apiHarness();
    const created = await h.call('POST', '/tokens', { token: h.tokens.root, body: { role: 'admin', unitId: null, label: '街道' } });
    await h.call('DELETE', `/tokens/${created.body.id}`, { token: h.tokens.root });
    const rows = h.services.db.select().from(auditLog).where(eq(auditLog.targetType, 'token')).all();
    expect(rows.slice(-2).map((r) => [r.action, r.actorKind, r.actorId, r.targetId])).toEqual([
      ['token.create', 'token', '0', String(created.body.id)],
      ['token.revoke', 'token', '0', String(created.body.id)],
    ]);
  });

  it('makes merchant tokens for merchants', async () => {
    const h = apiHarness();
    const ok = await h.call('POST', '/tokens', {
      token: h.tokens.street,
      body: { role: 'merchant', unitId: h.ids.units.community.id, merchantId: h.ids.members.spa.id, label: '渔港按摩坊' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.merchantId).toBe(h.ids.members.spa.id);
  });

  it.each([
    ['a merchant token without merchantId', (ids: DemoIds) => ({ role: 'merchant', unitId: ids.units.community.id, label: 'x' }), 400, 'merchantId'],
    [
      'merchantId on a staff token',
      (ids: DemoIds) => ({ role: 'staff', unitId: ids.units.community.id, merchantId: ids.members.spa.id, label: 'x' }),
      400,
      'merchant',
    ],
    [
      'a merchantId who is no merchant',
      (ids: DemoIds) => ({ role: 'merchant', unitId: ids.units.community.id, merchantId: ids.members.jin.id, label: 'x' }),
      400,
      '金阿姨',
    ],
    ['an unknown unit', () => ({ role: 'staff', unitId: 9999, label: 'x' }), 404, '9999'],
    ['an empty label', (ids: DemoIds) => ({ role: 'staff', unitId: ids.units.grid1.id, label: '  ' }), 400, 'label'],
    ['an unknown role', (ids: DemoIds) => ({ role: 'owner', unitId: ids.units.grid1.id, label: 'x' }), 400, 'role'],
  ])('refuses %s', async (_, body, status, mention) => {
    const h = apiHarness();
    const answer = await h.call('POST', '/tokens', { token: h.tokens.root, body: body(h.ids) });
    expect(answer.status).toBe(status);
    expect(answer.text).toContain(mention);
  });

  it('lets only a whole-tree token make a whole-tree token', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/tokens', { token: h.tokens.street, body: { role: 'admin', unitId: null, label: 'x' } });
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toContain('whole tree');
  });
});

describe('GET /tokens', () => {
  it("lists the tokens of the caller's subtree only", async () => {
    const h = apiHarness();
    const labels = async (token: string) => (await h.call('GET', '/tokens', { token })).body.data.map((t: { label: string }) => t.label);
    const { street, community, grid1, grid2 } = h.ids.units;
    expect(await labels(h.tokens.root)).toEqual([
      `admin@${street.id}`,
      `admin@${community.id}`,
      `admin@${grid2.id}`,
      `staff@${grid1.id}`,
      `merchant@${community.id}`,
    ]);
    expect(await labels(h.tokens.community)).toEqual([`admin@${community.id}`, `admin@${grid2.id}`, `staff@${grid1.id}`, `merchant@${community.id}`]);
    expect(await labels(h.tokens.grid2)).toEqual([`admin@${grid2.id}`]);
  });

  it('filters revoked tokens', async () => {
    const h = apiHarness();
    const [first] = h.services.db.select().from(apiTokens).all();
    revokeToken(h.system, first!.id);
    const revoked = await h.call('GET', '/tokens?revoked=true', { token: h.tokens.root });
    expect(revoked.body.data.map((t: { id: number }) => t.id)).toEqual([first!.id]);
    expect(revoked.body.data[0].revokedAt).toBe(h.clock.now().toISOString());
    expect((await h.call('GET', '/tokens?revoked=false', { token: h.tokens.root })).body.data).toHaveLength(4);
  });
});

describe('DELETE /tokens/{id}', () => {
  it('revokes: the token gets 401 from then on; revoking again changes nothing', async () => {
    const h = apiHarness();
    const created = await h.call('POST', '/tokens', { token: h.tokens.root, body: { role: 'staff', unitId: h.ids.units.grid1.id, label: 'x' } });
    const revoked = await h.call('DELETE', `/tokens/${created.body.id}`, { token: h.tokens.community });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBe(h.clock.now().toISOString());
    expect((await h.call('GET', '/units', { token: created.body.token })).status).toBe(401);
    h.clock.advance(1000);
    expect((await h.call('DELETE', `/tokens/${created.body.id}`, { token: h.tokens.community })).body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('answers an unknown token with 404', async () => {
    const h = apiHarness();
    expect((await h.call('DELETE', '/tokens/999', { token: h.tokens.root })).status).toBe(404);
  });

  it('keeps whole-tree tokens out of reach of unit tokens', async () => {
    const h = apiHarness();
    const created = await h.call('POST', '/tokens', { token: h.tokens.root, body: { role: 'admin', unitId: null, label: 'x' } });
    expect((await h.call('DELETE', `/tokens/${created.body.id}`, { token: h.tokens.street })).status).toBe(403);
  });
});

describe('the root token and the first token', () => {
  it('accepts LINLI_ADMIN_TOKEN as a whole-tree admin acting as token 0', async () => {
    const h = apiHarness();
    const created = await h.call('POST', '/units', { token: h.tokens.root, body: { parentId: null, kind: 'street', name: '东港街道' } });
    expect(created.status).toBe(201);
    const row = h.services.db.select().from(auditLog).where(eq(auditLog.action, 'unit.create')).all().at(-1)!;
    expect(row).toMatchObject({ actorKind: 'token', actorId: '0', targetId: String(created.body.id) });
  });

  it('refuses a token that only starts like the root token', async () => {
    const h = apiHarness();
    expect((await h.call('GET', '/units', { token: h.tokens.root.slice(0, -1) })).status).toBe(401);
    expect((await h.call('GET', '/units', { token: h.tokens.root + 'x' })).status).toBe(401);
  });

  it('creates a first admin token only while no token is active', () => {
    const h = apiHarness();
    expect(ensureAdminToken(h.services.deps)).toBeUndefined();
    for (const t of h.services.db.select().from(apiTokens).all()) revokeToken(h.system, t.id);
    const secret = ensureAdminToken(h.services.deps);
    expect(secret).toMatch(/^linli_/);
    expect(activeTokenCount(h.services.db)).toBe(1);
    expect(h.services.db.select().from(apiTokens).all().at(-1)).toMatchObject({ role: 'admin', unitId: null, label: 'first admin token' });
    expect(ensureAdminToken(h.services.deps)).toBeUndefined();
  });
});
