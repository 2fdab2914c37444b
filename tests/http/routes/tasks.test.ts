import { describe, expect, it } from 'vitest';
import { outbox } from '../../../src/db/schema/index.js';
import { claimTask } from '../../../src/domain/timebank/claim.js';
import { completeTask } from '../../../src/domain/timebank/complete.js';
import { postWish } from '../../../src/domain/timebank/post-wish.js';
import { as } from '../fixtures.js';
import { apiHarness } from '../harness.js';

describe('POST /tasks', () => {
  it("posts a task with slots, announced in the unit's residents' group", async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/tasks', { token: h.tokens.staff, body: { unitId: h.ids.units.grid1.id, title: '周五夜间巡逻', slots: 3 } });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      ref: 'W1',
      kind: 'task',
      title: '周五夜间巡逻',
      slots: 3,
      claimed: 0,
      requesterId: null,
      postedBy: null,
      capMinutes: 480,
      status: 'open',
      claims: [],
      completions: [],
    });
    const announced = h.services.db
      .select()
      .from(outbox)
      .all()
      .filter((r) => r.roomId === 'grid-1');
    expect(announced.at(-1)!.text).toContain('志愿任务 W1');
  });

  it('posts once per Idempotency-Key', async () => {
    const h = apiHarness();
    const send = () =>
      h.call('POST', '/tasks', {
        token: h.tokens.root,
        body: { unitId: h.ids.units.grid1.id, title: '义诊', slots: 2 },
        headers: { 'idempotency-key': 'fair' },
      });
    expect((await send()).body.id).toBe((await send()).body.id);
    expect((await h.call('GET', '/tasks', { token: h.tokens.root })).body.data).toHaveLength(1);
  });

  it.each([
    ['no title', { title: ' ' }, 400],
    ['no slots', { slots: 0 }, 400],
    ['too many slots', { slots: 101 }, 400],
    ['a cap above a day', { capMinutes: 1441 }, 400],
    ['an unknown unit', { unitId: 999 }, 404],
    ['a unit outside', { unitId: 'grid2' }, 403],
  ])('refuses %s', async (_, change: Record<string, unknown>, status) => {
    const h = apiHarness();
    const body: Record<string, unknown> = { unitId: h.ids.units.grid1.id, title: '巡逻', slots: 2, ...change };
    if (body.unitId === 'grid2') body.unitId = h.ids.units.grid2.id;
    expect((await h.call('POST', '/tasks', { token: h.tokens.staff, body })).status).toBe(status);
  });
});

describe('GET /tasks and /tasks/{id}', () => {
  it("lists the subtree's wishes and tasks newest first, filtered", async () => {
    const h = apiHarness();
    postWish(as(h, 'wang'), { unitId: h.ids.units.grid1.id, title: '帮忙买菜' });
    await h.call('POST', '/tasks', { token: h.tokens.root, body: { unitId: h.ids.units.grid2.id, title: '巡逻', slots: 2 } });
    const refs = async (query = '', token = h.tokens.community) =>
      (await h.call('GET', `/tasks${query}`, { token })).body.data.map((t: { ref: string }) => t.ref);
    expect(await refs()).toEqual(['W2', 'W1']);
    expect(await refs('', h.tokens.staff)).toEqual(['W1']);
    expect(await refs('?kind=wish')).toEqual(['W1']);
    expect(await refs(`?unitId=${h.ids.units.grid2.id}`)).toEqual(['W2']);
    expect(await refs('?status=done')).toEqual([]);
  });

  it('shows who claimed it and the time reported', async () => {
    const h = apiHarness();
    const wish = postWish(as(h, 'wang'), { unitId: h.ids.units.grid1.id, title: '帮忙买菜' });
    claimTask(as(h, 'yang'), { taskId: wish.id });
    completeTask(as(h, 'yang'), { taskId: wish.id, minutes: 90 });
    const answer = await h.call('GET', `/tasks/${wish.id}`, { token: h.tokens.staff });
    expect(answer.body).toMatchObject({
      kind: 'wish',
      requesterId: h.ids.members.wang.id,
      postedBy: h.ids.members.wang.id,
      claimed: 1,
      claims: [{ volunteerId: h.ids.members.yang.id, name: '杨幼红' }],
      completions: [{ volunteerId: h.ids.members.yang.id, minutes: 90, status: 'pending', creditedMinutes: null, points: null }],
    });
    expect((await h.call('GET', '/tasks/99', { token: h.tokens.root })).status).toBe(404);
  });
});
