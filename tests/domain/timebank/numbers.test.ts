import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../../src/clock.js';
import { adjust } from '../../../src/domain/ledger/adjust.js';
import { expireVouchers } from '../../../src/domain/rewards/expire.js';
import { redeem } from '../../../src/domain/rewards/redeem.js';
import { refundVoucher } from '../../../src/domain/rewards/refund.js';
import { verifyVoucher } from '../../../src/domain/rewards/verify.js';
import { claimTask } from '../../../src/domain/timebank/claim.js';
import { completeTask } from '../../../src/domain/timebank/complete.js';
import { confirmCompletion } from '../../../src/domain/timebank/confirm.js';
import { timebankNumbers } from '../../../src/domain/timebank/numbers.js';
import { postTask, postWish } from '../../../src/domain/timebank/post-wish.js';
import { START } from '../../helpers/services.js';
import { type DemoDomain, demoDomain, type Who } from '../../helpers/timebank.js';

/** A wish served and confirmed: `minutes` of service by `volunteer`, in grid 1 unless said otherwise. */
function served(demo: DemoDomain, volunteer: Who, minutes: number, unit: 'grid1' | 'grid2' = 'grid1') {
  const requester: Who = unit === 'grid1' ? 'wang' : 'chen';
  const task = postWish(demo.as(requester), { unitId: demo.ids.units[unit].id, title: '帮忙' });
  claimTask(demo.as(volunteer), { taskId: task.id });
  completeTask(demo.as(volunteer), { taskId: task.id, minutes });
  confirmCompletion(demo.as(requester), { taskId: task.id });
  return task;
}

let keys = 0;
const buy = (demo: DemoDomain, who: Who, rewardId = 1) => redeem(demo.as(who), { rewardId, idempotencyKey: `n${++keys}` }).voucher;

describe('timebankNumbers', () => {
  it('adds up hours, tasks, points and vouchers of a subtree over a window', () => {
    const demo = demoDomain();
    const { units, members } = demo.ids;
    served(demo, 'yang', 120);
    served(demo, 'jin', 90);
    served(demo, 'yang', 30);
    postTask(demo.as('li'), { unitId: units.grid1.id, title: '夜间巡逻', slots: 3 });
    demo.grant('wang', 100); // from the community's pool
    adjust(demo.as('admin'), { memberId: members.jin.id, unitId: units.grid1.id, points: -5, reason: '重复记账', idempotencyKey: 'deduct' });
    const used = buy(demo, 'yang');
    verifyVoucher(demo.as('barber'), { code: used.code });
    const cancelled = buy(demo, 'wang', 2);
    refundVoucher(demo.as('wang'), { code: cancelled.code });
    buy(demo, 'wang');
    const to = new Date(START.getTime() + DAY);

    const numbers = timebankNumbers(demo.services.db, units.community.id, START, to);
    expect(numbers).toMatchObject({
      unitId: units.community.id,
      hours: { minutes: 240, completions: 3, volunteers: 2 },
      tasks: { wishes: 3, tasks: 1, done: 3 },
      points: { earned: 40, granted: 100, deducted: 5, spent: 70, returned: 30, paidToMerchants: 20 },
      vouchers: { issued: 1, used: 1, cancelled: 1, expired: 0 },
    });
    expect(numbers.topVolunteers.map((s) => [s.name, s.minutes, s.points])).toEqual([
      ['杨幼红', 150, 25],
      ['金阿姨', 90, 15],
    ]);
  });

  it('keeps to the subtree: grid 2 sees its own service, and no rewards of the community', () => {
    const demo = demoDomain();
    served(demo, 'jin', 60);
    served(demo, 'yang', 60, 'grid2');
    demo.grant('yang', 50);
    buy(demo, 'yang');
    const grid2 = timebankNumbers(demo.services.db, demo.ids.units.grid2.id, START, new Date(START.getTime() + DAY));
    expect(grid2).toMatchObject({
      hours: { minutes: 60, completions: 1, volunteers: 1 },
      points: { earned: 10, granted: 0, spent: 0 },
      vouchers: { issued: 0, used: 0, cancelled: 0, expired: 0 },
    });
    expect(grid2.topVolunteers.map((s) => s.name)).toEqual(['杨幼红']);
  });

  it('counts only the window [from, to)', () => {
    const demo = demoDomain();
    served(demo, 'yang', 60);
    demo.grant('yang', 20);
    const voucher = buy(demo, 'yang');
    demo.clock.advance(100 * DAY);
    expireVouchers(demo.system);
    const later = new Date(START.getTime() + 2 * HOUR);
    const first = timebankNumbers(demo.services.db, demo.ids.units.street.id, START, later);
    expect(first.points).toMatchObject({ earned: 10, spent: 20, returned: 0 });
    expect(first.vouchers.expired).toBe(1);
    const after = timebankNumbers(demo.services.db, demo.ids.units.street.id, later, new Date(demo.clock.now().getTime() + 1));
    expect(after).toMatchObject({ hours: { minutes: 0, completions: 0 }, points: { earned: 0, spent: 0, returned: voucher.pointsCost }, topVolunteers: [] });
    expect(after.vouchers).toEqual({ issued: 0, used: 0, expired: 0, cancelled: 0 });
  });

  it('answers an unknown unit with NOT_FOUND', () => {
    const demo = demoDomain();
    expect(() => timebankNumbers(demo.services.db, 999, START, new Date())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
