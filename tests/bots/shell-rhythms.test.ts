import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runScript } from '../helpers/spawn.js';

const line = (o: object) => JSON.stringify(o) + '\n';

describe('npm run chat -- --jsonl --clock: the rhythms', () => {
  it("reminds, logs a patrol, names the grid that missed, reports the month, and returns an expired voucher's points", async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'linli-rhythms-')), 'linli.db');
    const input = [
      { advance: 'PT1M' }, // Monday 08:00
      { room: 'grid-1-staff', user: 'li', text: '巡查 3号楼一切正常' },
      { room: 'grid-1', user: 'wang', text: '心愿 想学用手机挂号' },
      { room: 'grid-1', user: 'yang', text: '认领 W1' },
      { room: 'grid-1', user: 'yang', text: '完成 W1 2小时' },
      { room: 'grid-1', user: 'wang', text: '确认 W1' },
      { room: 'grid-1', user: 'yang', text: '兑换 G1' },
      { advance: 'PT4H' }, // noon
      { room: 'dm:yang', user: 'yang', text: '积分' },
      { advance: 'P30D' }, // past April 1 09:00
      { advance: 'P62D' }, // past the voucher's 90 days
      { room: 'dm:yang', user: 'yang', text: '积分' },
    ]
      .map(line)
      .join('');
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', db, '--clock', '2026-03-02T07:59:00+08:00'], { input });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const out = jsonLines(ran.stdout);
    const index = (room: string, fragment: string) => out.findIndex((o) => o.room === room && o.text.includes(fragment));

    const reminder = index('grid-1-staff', '巡查提醒');
    const logged = index('grid-1-staff', '已登记 荷东第一网格 的巡查');
    const missed = out.findIndex((o) => o.room === 'community' && /荷东第二网格.*没有登记巡查/.test(o.text));
    expect(reminder).toBe(0);
    expect(logged).toBeGreaterThan(reminder);
    expect(missed).toBeGreaterThan(logged);
    expect(out[missed]!.text).not.toContain('荷东第一网格');

    const monthly = index('grid-1-staff', '2026年3月 月报');
    expect(monthly).toBeGreaterThan(missed);
    expect(out[monthly]!.text).toContain('志愿服务');

    const balances = out.filter((o) => o.room === 'dm:yang' && o.text.includes('的积分：')).map((o) => /的积分：(\d+)/.exec(o.text)?.[1]);
    expect(balances).toEqual(['0', '20']);
    expect(index('dm:yang', '过期')).toBeGreaterThan(monthly);
  });
});
