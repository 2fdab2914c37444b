import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../../src/clock.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { claimTask } from '../../../src/domain/timebank/claim.js';
import { completeTask } from '../../../src/domain/timebank/complete.js';
import { confirmCompletion } from '../../../src/domain/timebank/confirm.js';
import { postWish } from '../../../src/domain/timebank/post-wish.js';
import { START } from '../../helpers/services.js';
import { as, buy, report } from '../fixtures.js';
import { apiHarness } from '../harness.js';

const q = (params: Record<string, string | number>) =>
  '?' + new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string])).toString();

describe('GET /reports/tickets', () => {
  it('gives the ticket numbers of a subtree over a window', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '3号楼路灯坏了');
    h.clock.advance(10 * MINUTE);
    takeTicket(as(h, 'li'), t.id);
    report(h, 'wang', '2单元水管漏水');
    const answer = await h.call(
      'GET',
      `/reports/tickets${q({ unitId: h.ids.units.grid1.id, from: START.toISOString(), to: new Date(START.getTime() + DAY).toISOString() })}`,
      {
        token: h.tokens.staff,
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      unitId: h.ids.units.grid1.id,
      from: START.toISOString(),
      total: 2,
      byStatus: { open: 1, taken: 1, resolved: 0, closed: 0, cancelled: 0 },
      timeToTake: { count: 1, medianMs: 10 * MINUTE },
      ratings: { rated: 0, average: null, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } },
      openByAge: { under1h: 0, under1d: 1, under3d: 1 },
    });
  });

  it("defaults to the token's unit and this month so far in LINLI_TZ", async () => {
    const h = apiHarness();
    report(h, 'jin', '3号楼路灯坏了');
    h.clock.advance(2 * HOUR);
    const answer = await h.call('GET', '/reports/tickets', { token: h.tokens.staff });
    expect(answer.body).toMatchObject({ unitId: h.ids.units.grid1.id, from: '2026-02-28T16:00:00.000Z', to: h.clock.now().toISOString(), total: 1 });
    expect(answer.body.openByAge).toEqual({ under1h: 0, under1d: 1, under3d: 0, under7d: 0, older: 0 });
  });

  it.each([
    ['no unit from a whole-tree token', {}, 400],
    ['from after to', { unitId: 1, from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 400],
    ['a malformed instant', { unitId: 1, from: 'March' }, 400],
    ['an unknown unit', { unitId: 999 }, 404],
  ])('refuses %s', async (_, params, status) => {
    const h = apiHarness();
    expect((await h.call('GET', `/reports/tickets${q(params)}`, { token: h.tokens.root })).status).toBe(status);
  });
});

describe('GET /reports/timebank', () => {
  it('gives hours, points, vouchers by state and the top volunteers', async () => {
    const h = apiHarness();
    const wish = postWish(as(h, 'wang'), { unitId: h.ids.units.grid1.id, title: '帮忙买菜' });
    claimTask(as(h, 'yang'), { taskId: wish.id });
    completeTask(as(h, 'yang'), { taskId: wish.id, minutes: 120 });
    confirmCompletion(as(h, 'wang'), { taskId: wish.id });
    buy(h, 'jin');
    h.clock.advance(MINUTE);
    const answer = await h.call('GET', `/reports/timebank${q({ unitId: h.ids.units.community.id })}`, { token: h.tokens.community });
    expect(answer.body).toMatchObject({
      unitId: h.ids.units.community.id,
      hours: { minutes: 120, completions: 1, volunteers: 1 },
      tasks: { wishes: 1, tasks: 0, done: 1 },
      points: { earned: 20, granted: 20, deducted: 0, spent: 20, returned: 0, paidToMerchants: 0 },
      vouchers: { issued: 1, used: 0, expired: 0, cancelled: 0 },
      topVolunteers: [{ memberId: h.ids.members.yang.id, name: '杨幼红', minutes: 120, points: 20 }],
    });
  });

  it('refuses a unit outside the token (403)', async () => {
    const h = apiHarness();
    expect((await h.call('GET', `/reports/timebank${q({ unitId: h.ids.units.community.id })}`, { token: h.tokens.staff })).status).toBe(403);
  });
});
