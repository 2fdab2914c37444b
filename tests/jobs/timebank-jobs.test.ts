import { describe, expect, it } from 'vitest';
import { DAY } from '../../src/clock.js';
import { scheduleTable } from '../../src/jobs/schedule.js';
import { claimTask } from '../../src/domain/timebank/claim.js';
import { completeTask } from '../../src/domain/timebank/complete.js';
import { postWish } from '../../src/domain/timebank/post-wish.js';
import { completionsOf } from '../../src/domain/timebank/tasks.js';
import { demoChat } from '../helpers/services.js';

describe('time-bank jobs', () => {
  it('are in the cron table: voucher expiry daily at 00:10, task lapse hourly, both caught up after downtime', () => {
    const jobs = Object.fromEntries(scheduleTable().map((j) => [j.name, j]));
    expect(jobs['voucher-expiry']).toMatchObject({ cron: '10 0 * * *', catchUp: true });
    expect(jobs['task-lapse']).toMatchObject({ cron: '15 * * * *', catchUp: true });
  });

  it('lapse a report a week after it was made, as the simulated clock passes, and tell the volunteer', async () => {
    const demo = demoChat();
    const yang = { ...demo.services.deps, actor: { kind: 'member' as const, memberId: demo.ids.members.yang.id } };
    const task = postWish({ ...yang, actor: { kind: 'member', memberId: demo.ids.members.wang.id } }, { unitId: demo.ids.units.grid1.id, title: '买菜' });
    claimTask(yang, { taskId: task.id });
    completeTask(yang, { taskId: task.id, minutes: 60 });
    await demo.advance(6 * DAY);
    expect(completionsOf(demo.services.db, task.id)[0]!.status).toBe('pending');
    const sent = await demo.advance(DAY + 60 * 60_000);
    expect(completionsOf(demo.services.db, task.id)[0]!.status).toBe('lapsed');
    expect(demo.textsIn(sent, 'dm:yang').join()).toContain('已失效');
    expect(demo.textsIn(sent, 'grid-1-staff').join()).toContain('裁定 W1');
  });
});
