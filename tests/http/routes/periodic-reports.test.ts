import { describe, expect, it } from 'vitest';
import { MINUTE } from '../../../src/clock.js';
import { resolveTicket } from '../../../src/domain/tickets/resolve.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { as, report } from '../fixtures.js';
import { apiHarness } from '../harness.js';

describe('GET /reports/monthly, /quarterly, /annual', () => {
  it('serve as JSON what the scheduled reports say in chat', async () => {
    const h = apiHarness();
    const t = report(h, 'jin', '3号楼路灯坏了');
    h.clock.advance(10 * MINUTE);
    takeTicket(as(h, 'li'), t.id);
    resolveTicket(as(h, 'li'), t.id);
    report(h, 'wang', '2单元水管漏水');
    const grid1 = h.ids.units.grid1.id;

    const month = await h.call('GET', `/reports/monthly?unitId=${grid1}&month=2026-03`, { token: h.tokens.staff });
    expect(month.status).toBe(200);
    expect(month.body).toMatchObject({
      period: { kind: 'month', label: '2026-03', from: '2026-02-28T16:00:00.000Z' },
      summary: { name: '荷东第一网格', tickets: { total: 2, done: 1, open: 1, medianTakeMs: 10 * MINUTE } },
      stillOpen: { count: 1, oldest: [{ ref: 'T2', status: 'open' }] },
    });

    const quarter = await h.call('GET', `/reports/quarterly?unitId=${h.ids.units.community.id}&quarter=2026-q1`, { token: h.tokens.community });
    expect(quarter.status).toBe(200);
    expect(quarter.body.grids.map((g: { name: string; rank: number }) => [g.rank, g.name])).toEqual([
      [1, '荷东第一网格'],
      [2, '荷东第二网格'],
    ]);

    const year = await h.call('GET', `/reports/annual?unitId=${h.ids.units.street.id}&year=2026`, { token: h.tokens.street });
    expect(year.status).toBe(200);
    // no service yet: both at zero hours, in the order they joined
    expect(year.body.partyMembers.map((m: { name: string }) => m.name)).toEqual(['社区书记老赵', '杨幼红']);
  });

  it('default to the last period completed, as the job sends', async () => {
    const h = apiHarness(); // the harness clock stands in March 2026
    const month = await h.call('GET', `/reports/monthly?unitId=${h.ids.units.grid1.id}`, { token: h.tokens.staff });
    expect(month.body.period.label).toBe('2026-02');
    const year = await h.call('GET', `/reports/annual?unitId=${h.ids.units.street.id}`, { token: h.tokens.street });
    expect(year.body.period.label).toBe('2025');
  });

  it.each([
    ['/reports/monthly?month=2026-Q1', 'a quarter where a month belongs'],
    ['/reports/monthly?month=March', 'words'],
    ['/reports/quarterly?quarter=2026-Q5', 'a fifth quarter'],
    ['/reports/annual?year=26', 'a short year'],
  ])('refuse %s (%s) with a problem saying how to write it', async (path, _what) => {
    const h = apiHarness();
    const answer = await h.call('GET', `${path}&unitId=${h.ids.units.grid1.id}`, { token: h.tokens.staff });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.detail).toMatch(/2026-03.*2026-Q1.*2026/);
  });
});
