import { describe, expect, it } from 'vitest';
import type { DemoIds } from '../../../src/domain/seed/demo.js';
import { apiHarness } from '../harness.js';

describe('GET /units', () => {
  it("lists the caller's subtree", async () => {
    const h = apiHarness();
    const names = async (token: string, query = '') => (await h.call('GET', `/units${query}`, { token })).body.data.map((u: { name: string }) => u.name);
    expect(await names(h.tokens.root)).toEqual(['沈家门街道', '荷东社区', '荷东第一网格', '3号楼', '荷东第二网格']);
    expect(await names(h.tokens.staff)).toEqual(['荷东第一网格', '3号楼']);
    expect(await names(h.tokens.community, `?parent=${h.ids.units.community.id}`)).toEqual(['荷东第一网格', '荷东第二网格']);
  });

  it('shows own and effective points rates', async () => {
    const h = apiHarness();
    const unit = (await h.call('GET', `/units/${h.ids.units.building3.id}`, { token: h.tokens.staff })).body;
    expect(unit).toEqual({
      id: h.ids.units.building3.id,
      parentId: h.ids.units.grid1.id,
      kind: 'building',
      name: '3号楼',
      depth: 3,
      pointsPerHour: null,
      effectivePointsPerHour: 10,
      createdAt: h.clock.now().toISOString(),
    });
  });

  it('answers an unknown unit with 404 and a parent above the token with 403', async () => {
    const h = apiHarness();
    expect((await h.call('GET', '/units/777', { token: h.tokens.staff })).status).toBe(404);
    expect((await h.call('GET', '/units?parent=777', { token: h.tokens.staff })).status).toBe(404);
    expect((await h.call('GET', `/units?parent=${h.ids.units.community.id}`, { token: h.tokens.staff })).status).toBe(403);
  });
});

describe('POST /units', () => {
  it('creates a unit under one in the subtree', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/units', {
      token: h.tokens.community,
      body: { parentId: h.ids.units.community.id, kind: 'grid', name: ' 荷东第三网格 ', pointsPerHour: 15 },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      parentId: h.ids.units.community.id,
      kind: 'grid',
      name: '荷东第三网格',
      depth: 2,
      pointsPerHour: 15,
      effectivePointsPerHour: 15,
    });
    expect((await h.call('GET', `/units/${answer.body.id}`, { token: h.tokens.community })).status).toBe(200);
  });

  it.each([
    ['a name taken among siblings', { kind: 'grid', name: '荷东第一网格' }, 409, 'CONFLICT'],
    ['an unknown kind', { kind: 'castle', name: 'x' }, 400, 'INVALID_INPUT'],
    ['a negative rate', { kind: 'grid', name: 'x', pointsPerHour: -1 }, 400, 'INVALID_INPUT'],
    ['a missing name', { kind: 'grid' }, 400, 'INVALID_INPUT'],
  ])('refuses %s', async (_, fields, status, code) => {
    const h = apiHarness();
    const answer = await h.call('POST', '/units', { token: h.tokens.community, body: { parentId: h.ids.units.community.id, ...fields } });
    expect(answer.status).toBe(status);
    expect(answer.body.code).toBe(code);
  });

  it('lets only a whole-tree token create a root', async () => {
    const h = apiHarness();
    const body = { parentId: null, kind: 'street', name: '东港街道' };
    expect((await h.call('POST', '/units', { token: h.tokens.street, body })).status).toBe(403);
    expect((await h.call('POST', '/units', { token: h.tokens.root, body })).status).toBe(201);
  });

  it('answers an unknown parent with 404', async () => {
    const h = apiHarness();
    expect((await h.call('POST', '/units', { token: h.tokens.root, body: { parentId: 777, kind: 'grid', name: 'x' } })).status).toBe(404);
  });
});

describe('PATCH /units/{id}', () => {
  it('renames, sets the rate and moves a subtree', async () => {
    const h = apiHarness();
    const { building3, grid1, grid2 } = h.ids.units;
    expect((await h.call('PATCH', `/units/${grid1.id}`, { token: h.tokens.community, body: { name: '荷东一网格', pointsPerHour: 12 } })).body).toMatchObject({
      name: '荷东一网格',
      pointsPerHour: 12,
      effectivePointsPerHour: 12,
    });
    const moved = await h.call('PATCH', `/units/${building3.id}`, { token: h.tokens.community, body: { parentId: grid2.id } });
    expect(moved.body).toMatchObject({ parentId: grid2.id, depth: 3, effectivePointsPerHour: 10 });
    const cleared = await h.call('PATCH', `/units/${grid1.id}`, { token: h.tokens.community, body: { pointsPerHour: null } });
    expect(cleared.body).toMatchObject({ pointsPerHour: null, effectivePointsPerHour: 10 });
  });

  it.each([
    ['nothing to change', () => ({}), 400],
    ['a move under itself', (ids: DemoIds) => ({ parentId: ids.units.building3.id }), 400],
    ['a move out of the subtree', (ids: DemoIds) => ({ parentId: ids.units.street.id }), 403],
    ['a move under an unknown unit', () => ({ parentId: 777 }), 404],
    ['a name taken among siblings', () => ({ name: '荷东第二网格' }), 409],
  ])('refuses %s', async (_, body, status) => {
    const h = apiHarness();
    const answer = await h.call('PATCH', `/units/${h.ids.units.grid1.id}`, { token: h.tokens.community, body: body(h.ids) });
    expect(answer.status).toBe(status);
  });

  it('answers an unknown unit with 404', async () => {
    const h = apiHarness();
    expect((await h.call('PATCH', '/units/777', { token: h.tokens.root, body: { name: 'x' } })).status).toBe(404);
  });
});

describe('the kinds of the tree and the unit a token stands on', () => {
  it.each([
    ['its kind', { kind: 'community' }],
    ['its points rate', { pointsPerHour: 100_000 }],
    ['its name', { name: '荷东二网格' }],
    ['its place', { parentId: 2 }],
  ])('refuses a token changing %s on its own unit, and lets the token above do it', async (_, body) => {
    const h = apiHarness();
    const { grid2 } = h.ids.units;
    const own = await h.call('PATCH', `/units/${grid2.id}`, { token: h.tokens.grid2, body, headers: { 'accept-language': 'zh' } });
    expect(own.status, own.text).toBe(403);
    expect(own.body).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringContaining('上级单位的令牌') });
    if (!('kind' in body)) expect((await h.call('PATCH', `/units/${grid2.id}`, { token: h.tokens.community, body })).status).toBe(200);
  });

  it.each([
    ['a street under a grid', (ids: DemoIds) => ({ parentId: ids.units.grid1.id, kind: 'street', name: '新街道' })],
    ['a grid under a building', (ids: DemoIds) => ({ parentId: ids.units.building3.id, kind: 'grid', name: '新网格' })],
    ['a community beside grids', (ids: DemoIds) => ({ parentId: ids.units.community.id, kind: 'community', name: '新社区' })],
  ])('refuses to create %s', async (_, body) => {
    const h = apiHarness();
    const answer = await h.call('POST', '/units', { token: h.tokens.root, body: body(h.ids) });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body).toMatchObject({ code: 'INVALID_INPUT', detail: expect.stringContaining('lower kind than its parent') });
  });

  it.each([
    ['a grid made a community under its community', (ids: DemoIds) => [ids.units.grid1.id, { kind: 'community' }]],
    ['a grid made a building above its building', (ids: DemoIds) => [ids.units.grid1.id, { kind: 'building' }]],
    ['a grid moved under a grid', (ids: DemoIds) => [ids.units.grid2.id, { parentId: ids.units.grid1.id }]],
  ] as const)('refuses %s', async (_, make) => {
    const h = apiHarness();
    const [id, body] = make(h.ids);
    const answer = await h.call('PATCH', `/units/${id}`, { token: h.tokens.street, body });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.code).toBe('INVALID_INPUT');
  });

  it('lets a kind change that keeps the order', async () => {
    const h = apiHarness();
    const answer = await h.call('PATCH', `/units/${h.ids.units.grid2.id}`, { token: h.tokens.street, body: { kind: 'estate' } });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.kind).toBe('estate');
  });
});
