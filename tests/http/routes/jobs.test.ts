import { describe, expect, it } from 'vitest';
import { DAY } from '../../../src/clock.js';
import { CronScheduler } from '../../../src/jobs/scheduler.js';
import { apiHarness } from '../harness.js';

describe('GET /jobs', () => {
  it('lists every job with its schedule, last and next run', async () => {
    const h = apiHarness();
    h.services.jobs.run('housekeeping', h.clock.now(), 'manual');
    const answer = await h.call('GET', '/jobs', { token: h.tokens.street });
    expect(answer.status).toBe(200);
    expect(answer.body.nextCursor).toBeNull();
    const housekeeping = answer.body.data.find((j: { name: string }) => j.name === 'housekeeping');
    expect(housekeeping).toMatchObject({
      cron: '40 3 * * *',
      defaultCron: '40 3 * * *',
      enabled: true,
      catchUp: true,
      lastRun: { job: 'housekeeping', outcome: 'ok', trigger: 'manual' },
      nextRun: new Date('2026-03-03T03:40:00+08:00').toISOString(),
    });
    expect(answer.body.data.map((j: { name: string }) => j.name)).toEqual(h.services.jobs.names);
  });

  it('pages like every list', async () => {
    const h = apiHarness();
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await h.call('GET', `/jobs?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: h.tokens.root });
      expect(answer.body.data.length).toBeLessThanOrEqual(2);
      names.push(...answer.body.data.map((j: { name: string }) => j.name));
      cursor = answer.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(names).toEqual(h.services.jobs.names);
    expect(pages).toBe(Math.ceil(h.services.jobs.names.length / 2));
    expect((await h.call('GET', '/jobs?limit=0', { token: h.tokens.root })).status).toBe(400);
    expect((await h.call('GET', '/jobs?cursor=nonsense', { token: h.tokens.root })).body.code).toBe('INVALID_INPUT');
  });
});

describe('PATCH /jobs/{name}', () => {
  it('changes the schedule, audited, and the running scheduler follows at once', async () => {
    const h = apiHarness();
    const scheduler = new CronScheduler(h.services.jobs);
    await scheduler.start();
    try {
      expect(scheduler.scheduled.housekeeping).toBe('40 3 * * *');
      const changed = await h.call('PATCH', '/jobs/housekeeping', { token: h.tokens.root, body: { cron: '15 2 * * *' } });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ cron: '15 2 * * *', defaultCron: '40 3 * * *', nextRun: new Date('2026-03-03T02:15:00+08:00').toISOString() });
      expect(scheduler.scheduled.housekeeping).toBe('15 2 * * *');
      const off = await h.call('PATCH', '/jobs/housekeeping', { token: h.tokens.root, body: { enabled: false } });
      expect(off.body).toMatchObject({ enabled: false, nextRun: null });
      expect(scheduler.scheduled).not.toHaveProperty('housekeeping');
      const audit = await h.call('GET', '/audit?targetType=job', { token: h.tokens.root });
      expect(audit.body.data.map((a: { action: string; data: unknown }) => [a.action, a.data])).toEqual([
        ['job.configure', { cron: '15 2 * * *', enabled: false }],
        ['job.configure', { cron: '15 2 * * *', enabled: true }],
      ]);
    } finally {
      await scheduler.stop();
    }
  });

  it.each([
    ['a bad cron expression', { cron: '0 99 * * *' }, 400],
    ['six fields', { cron: '0 0 9 * * *' }, 400],
    ['nothing to change', {}, 400],
  ])('refuses %s', async (_, body, status) => {
    const h = apiHarness();
    const answer = await h.call('PATCH', '/jobs/housekeeping', { token: h.tokens.root, body });
    expect(answer.status).toBe(status);
  });

  it('refuses a schedule that would never run, saying why, and keeps the old one', async () => {
    const h = apiHarness();
    const answer = await h.call('PATCH', '/jobs/housekeeping', { token: h.tokens.root, body: { cron: '0 0 29 2 1' }, headers: { 'accept-language': 'zh' } });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'INVALID_INPUT', detail: expect.stringContaining('5 年内一次也不会运行') });
    const jobs = await h.call('GET', '/jobs', { token: h.tokens.root });
    expect(jobs.status).toBe(200);
    expect(jobs.body.data.find((j: { name: string }) => j.name === 'housekeeping').cron).toBe('40 3 * * *');
    // rare is not never: 29 February comes round within the years looked at
    expect((await h.call('PATCH', '/jobs/housekeeping', { token: h.tokens.root, body: { cron: '0 0 29 2 *' } })).status).toBe(200);
  });

  it('answers an unknown job with 404', async () => {
    const h = apiHarness();
    expect((await h.call('PATCH', '/jobs/nope', { token: h.tokens.root, body: { enabled: false } })).status).toBe(404);
  });
});

describe('POST /jobs/{name}/run', () => {
  it('runs the job now and returns its record', async () => {
    const h = apiHarness();
    h.clock.advance(DAY);
    const answer = await h.call('POST', '/jobs/idempotency-prune/run', { token: h.tokens.root });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      job: 'idempotency-prune',
      trigger: 'manual',
      outcome: 'ok',
      scheduledFor: h.clock.now().toISOString(),
      detail: 'removed 0 idempotency keys',
    });
    const audit = await h.call('GET', '/audit?action=job.run', { token: h.tokens.root });
    expect(audit.body.data[0]).toMatchObject({ targetId: 'idempotency-prune', data: { runId: answer.body.id, outcome: 'ok' } });
  });

  it('refuses a second run for the same instant with 409', async () => {
    const h = apiHarness();
    expect((await h.call('POST', '/jobs/housekeeping/run', { token: h.tokens.root })).status).toBe(200);
    const again = await h.call('POST', '/jobs/housekeeping/run', { token: h.tokens.root });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
  });

  it('answers an unknown job with 404', async () => {
    const h = apiHarness();
    expect((await h.call('POST', '/jobs/nope/run', { token: h.tokens.root })).status).toBe(404);
  });

  it('lets only whole-tree admins change or run jobs', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/jobs/housekeeping/run', { token: h.tokens.street });
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toContain('whole tree');
  });
});
