import { describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../../src/clock.js';
import { autocloseUnrated } from '../../../src/domain/tickets/autoclose.js';
import { cancelTicket } from '../../../src/domain/tickets/cancel.js';
import { ageBucket, percentile, ticketNumbers } from '../../../src/domain/tickets/numbers.js';
import { rateTicket } from '../../../src/domain/tickets/rate.js';
import { resolveTicket } from '../../../src/domain/tickets/resolve.js';
import { sweepSla } from '../../../src/domain/tickets/sla.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { START } from '../../helpers/services.js';
import { ticketsDemo } from '../../helpers/tickets.js';

/**
 * Five tickets reported on 2 March at 09:00, handled by hand at known times:
 *   T1 lamp (grid 1):        taken 09:10, resolved 10:00, rated 5
 *   T2 leak (grid 1):        escalated to the community 09:30, taken 09:40, resolved 11:00, rated 3
 *   T3 clutter (building 3): taken 09:20, resolved 09:30, closed unrated on 5 March
 *   T4 parking (grid 2):     never taken: community 09:30, street 10:00, overdue 10:30
 *   T5 noise (grid 1):       starts at the community, cancelled 09:05
 * and T6 (grid 1) on 10 March, outside the range.
 */
function scenario() {
  const demo = ticketsDemo();
  const at = (minutes: number) => demo.clock.set(new Date(START.getTime() + minutes * MINUTE));
  const sweep = (minutes: number) => sweepSla(demo.services.deps, new Date(START.getTime() + minutes * MINUTE));
  const { units } = demo.ids;
  const t1 = demo.report('jin', '3号楼路灯坏了');
  const t2 = demo.report('wang', '2单元漏水');
  const t3 = demo.report('jin', '楼道堆满杂物', { unitId: units.building3.id });
  demo.report('chen', '门口占道停车', { unitId: units.grid2.id, roomId: demo.roomId('grid-2') });
  const t5 = demo.report('jin', '楼上噪音');
  at(5);
  cancelTicket(demo.as('jin'), t5.id);
  at(10);
  takeTicket(demo.as('li'), t1.id);
  at(20);
  takeTicket(demo.as('li'), t3.id);
  sweep(24);
  at(30);
  resolveTicket(demo.as('li'), t3.id);
  sweep(30);
  at(40);
  takeTicket(demo.as('zhao'), t2.id);
  sweep(54);
  at(60);
  resolveTicket(demo.as('li'), t1.id);
  sweep(60);
  sweep(84);
  sweep(90);
  at(120);
  resolveTicket(demo.as('zhao'), t2.id);
  rateTicket(demo.as('jin'), t1.id, { rating: 5 });
  rateTicket(demo.as('wang'), t2.id, { rating: 3 });
  at(3 * 24 * 60 + 60);
  autocloseUnrated(demo.services.deps, demo.clock.now());
  at(8 * 24 * 60);
  demo.report('jin', '10号楼门口路灯坏了');
  return { demo, from: START, to: new Date(START.getTime() + 15 * 60 * MINUTE) };
}

describe('ticket numbers', () => {
  it('for the community: every figure, hand-computed', () => {
    const { demo, from, to } = scenario();
    const n = ticketNumbers(demo.db, demo.ids.units.community.id, from, to);
    expect(n.total).toBe(5);
    expect(n.byStatus).toEqual({ open: 1, taken: 0, resolved: 0, closed: 3, cancelled: 1 });
    expect(n.byCategory.map((c) => [c.name, c.count])).toEqual([
      ['市政照明', 1],
      ['水电', 1],
      ['环境卫生', 1],
      ['停车', 1],
      ['邻里纠纷', 1],
    ]);
    // take: 10, 20, 40 minutes; resolve: 30, 60, 120 minutes
    expect(n.timeToTake).toEqual({ count: 3, medianMs: 20 * MINUTE, p90Ms: 36 * MINUTE });
    expect(n.timeToResolve).toEqual({ count: 3, medianMs: 60 * MINUTE, p90Ms: 108 * MINUTE });
    // T2 escalated before it was resolved; T4, never resolved, went overdue: both count against the share
    expect(n.withinSla).toEqual({ resolved: 3, within: 2, overdue: 1, share: 2 / 4 });
    expect(n.escalations).toEqual({ total: 3, tickets: 2, byLevel: { community: 2, street: 1 } });
    expect(n.ratings).toEqual({ rated: 2, average: 4, distribution: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 }, unrated: 1 });
    // T4, 15 hours old at the end of the range
    expect(n.openByAge).toEqual({ under1h: 0, under1d: 1, under3d: 0, under7d: 0, older: 0 });
  });

  it('for one grid: only its subtree (building 3 included)', () => {
    const { demo, from, to } = scenario();
    const n = ticketNumbers(demo.db, demo.ids.units.grid1.id, from, to);
    expect(n.total).toBe(4);
    expect(n.byStatus).toMatchObject({ open: 0, closed: 3, cancelled: 1 });
    expect(n.escalations).toEqual({ total: 1, tickets: 1, byLevel: { community: 1 } });
    expect(n.timeToTake.medianMs).toBe(20 * MINUTE);
    expect(n.openByAge.under1d).toBe(0);
    const grid2 = ticketNumbers(demo.db, demo.ids.units.grid2.id, from, to);
    expect(grid2).toMatchObject({
      total: 1,
      timeToTake: { count: 0, medianMs: null, p90Ms: null },
      withinSla: { resolved: 0, within: 0, overdue: 1, share: 0 }, // resolving nothing is not "no figure"
      ratings: { rated: 0, average: null, unrated: 0 },
      escalations: { total: 2, tickets: 1, byLevel: { community: 1, street: 1 } },
    });
  });

  it('counts a ticket as overdue only once its deadline passed before the end of the range', () => {
    const { demo, from } = scenario();
    // T4 was reported at 09:00 and first escalated at 09:30: not yet late in a range ending at 09:30
    const early = ticketNumbers(demo.db, demo.ids.units.grid2.id, from, new Date(from.getTime() + 30 * MINUTE));
    expect(early.withinSla).toEqual({ resolved: 0, within: 0, overdue: 0, share: null });
    const later = ticketNumbers(demo.db, demo.ids.units.grid2.id, from, new Date(from.getTime() + 31 * MINUTE));
    expect(later.withinSla).toMatchObject({ overdue: 1, share: 0 });
  });

  it('counts tickets reported in [from, to) only', () => {
    const { demo, from } = scenario();
    expect(ticketNumbers(demo.db, demo.ids.units.community.id, from, from).total).toBe(0);
    const later = new Date(from.getTime() + 8 * DAY);
    expect(ticketNumbers(demo.db, demo.ids.units.grid1.id, later, new Date(later.getTime() + DAY)).total).toBe(1);
    expect(ticketNumbers(demo.db, demo.ids.units.street.id, from, new Date(from.getTime() + 30 * DAY)).total).toBe(6);
  });

  it.each([
    [[], 0.5, null],
    [[7], 0.9, 7],
    [[10, 20], 0.5, 15],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1],
    [[10, 20, 40], 0.9, 36],
  ])('percentile(%j, %d) = %d', (values, p, expected) => {
    const got = percentile(values, p);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected);
  });

  it.each([
    [59 * MINUTE, 'under1h'],
    [60 * MINUTE, 'under1d'],
    [DAY, 'under3d'],
    [3 * DAY, 'under7d'],
    [7 * DAY, 'older'],
  ] as const)('an open ticket %d ms old is %s', (ms, bucket) => {
    expect(ageBucket(ms)).toBe(bucket);
  });
});
