import { describe, expect, it } from 'vitest';
import { report } from '../fixtures.js';
import { apiHarness } from '../harness.js';

describe('GET /categories', () => {
  it('lists the categories with their SLA and routing', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', '/categories', { token: h.tokens.staff });
    expect(answer.body.data.map((c: { name: string }) => c.name)).toEqual(['市政照明', '水电', '环境卫生', '停车', '安全隐患', '邻里纠纷', '物业', '其他']);
    expect(answer.body.data[5]).toEqual({
      id: 6,
      name: '邻里纠纷',
      keywords: ['纠纷', '吵架', '噪音', '扰民'],
      takeMinutes: 30,
      resolveMinutes: 1440,
      startLevel: 'community',
      urgent: false,
      active: true,
    });
  });

  it('filters active and inactive ones', async () => {
    const h = apiHarness();
    await h.call('PATCH', '/categories/7', { token: h.tokens.root, body: { active: false } });
    expect((await h.call('GET', '/categories?active=false', { token: h.tokens.root })).body.data.map((c: { name: string }) => c.name)).toEqual(['物业']);
    expect((await h.call('GET', '/categories?active=true', { token: h.tokens.root })).body.data).toHaveLength(7);
  });
});

describe('POST /categories', () => {
  it('adds a category that new reports are sorted into', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/categories', {
      token: h.tokens.root,
      body: { name: '电梯', keywords: ['电梯', '困人'], takeMinutes: 10, resolveMinutes: 240, urgent: true },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ id: 9, name: '电梯', startLevel: null, urgent: true, active: true });
    expect(report(h, 'jin', '2号楼电梯坏了').categoryId).toBe(9);
  });

  it.each([
    ['a taken name', { name: '水电' }, 409],
    ['no name', { name: '' }, 400],
    ['zero minutes', { name: 'x', takeMinutes: 0 }, 400],
    ['an empty keyword', { name: 'x', keywords: [' '] }, 400],
    ['an unknown level', { name: 'x', startLevel: 'planet' }, 400],
  ])('refuses %s', async (_, body, status) => {
    const h = apiHarness();
    expect((await h.call('POST', '/categories', { token: h.tokens.root, body })).status).toBe(status);
  });

  it('is for whole-tree admin tokens: a street admin is refused', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/categories', { token: h.tokens.street, body: { name: '电梯' } });
    expect(answer).toMatchObject({ status: 403, body: { detail: 'Only an admin token for the whole tree can do that.' } });
  });
});

describe('PATCH /categories/{id}', () => {
  it('changes keywords, SLA, starting level and urgency', async () => {
    const h = apiHarness();
    const answer = await h.call('PATCH', '/categories/4', {
      token: h.tokens.root,
      body: { keywords: ['停车', '堵车'], takeMinutes: 15, resolveMinutes: 120, startLevel: 'community', urgent: true },
    });
    expect(answer.body).toMatchObject({
      name: '停车',
      keywords: ['停车', '堵车'],
      takeMinutes: 15,
      resolveMinutes: 120,
      startLevel: 'community',
      urgent: true,
    });
    const t = report(h, 'jin', '小区门口堵车');
    expect(t).toMatchObject({ categoryId: 4, responsibleUnitId: h.ids.units.community.id });
  });

  it.each([
    ['nothing', 99, {}, 400],
    ['an unknown category', 99, { urgent: true }, 404],
    ["another category's name", 1, { name: '水电' }, 409],
  ])('refuses %s', async (_, id, body, status) => {
    const h = apiHarness();
    expect((await h.call('PATCH', `/categories/${id}`, { token: h.tokens.root, body })).status).toBe(status);
  });
});
