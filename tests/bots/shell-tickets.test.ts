import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runScript } from '../helpers/spawn.js';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'linli-tickets-')), 'linli.db');
const line = (o: object) => JSON.stringify(o) + '\n';

describe('tickets in the shell chat, on a simulated clock', () => {
  it("runs the issue's walkthrough: report, take, resolve, rate, 进度; escalation; a dispute at the community", async () => {
    const input = [
      line({ room: 'grid-1', user: 'jin', text: '报事 3号楼路灯坏了' }),
      line({ room: 'grid-1', user: 'jin', text: '接单 T1' }),
      line({ room: 'grid-1-staff', user: 'li', text: '接单 T1' }),
      line({ room: 'grid-1-staff', user: 'li', text: '办结 T1 已换灯泡' }),
      line({ room: 'dm:jin', user: 'jin', text: '评价 T1 5 修得很快' }),
      line({ room: 'grid-1', user: 'jin', text: '进度 T1' }),
      line({ room: 'grid-1', user: 'wang', text: '报事 5号楼门口垃圾没人清' }),
      line({ advance: 'PT30M' }),
      line({ advance: 'PT30M' }),
      line({ room: 'grid-1', user: 'jin', text: '报事 楼上装修噪音太大' }),
    ].join('');
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', tmpDb(), '--clock', '2026-03-02T09:00:00+08:00'], { input });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const out = jsonLines(ran.stdout);
    const next = (room: string, contains: string) => {
      const i = out.findIndex((o) => o.room === room && o.text.includes(contains));
      expect(i, `no message in ${room} containing "${contains}" in:\n${out.map((o) => `[${o.room}] ${o.text}`).join('\n')}`).toBeGreaterThanOrEqual(0);
      return out.splice(0, i + 1).at(-1)!.text;
    };

    next('grid-1', '工单号 T1（市政照明）');
    expect(next('grid-1-staff', '「3号楼路灯坏了」')).toContain('回复「接单 T1」接单');
    next('grid-1', '只有负责这片区域的网格员或工作人员才能接单 T1');
    next('grid-1-staff', '你已接单 T1');
    next('dm:jin', '已由 网格员小李 接单');
    next('grid-1-staff', 'T1 已办结');
    expect(next('dm:jin', '已办结（网格员小李）：已换灯泡')).toContain('回复「评价 T1 5」');
    next('dm:jin', 'T1 ⭐⭐⭐⭐⭐，工单已关闭');
    const status = next('grid-1', '☑️ 工单 T1 · 市政照明 · 已关闭');
    for (const step of ['金阿姨 报事', '网格员小李 接单', '网格员小李 办结：已换灯泡', '金阿姨 评价 ⭐⭐⭐⭐⭐：修得很快']) {
      expect(status).toContain(step);
    }

    next('grid-1', '工单号 T2');
    next('grid-1-staff', '工单 T2「5号楼门口垃圾没人清」还没人接单，6分钟后超时');
    expect(next('community', '工单 T2 转到荷东社区：30分钟内无人接单（已过30分钟）')).toContain('经过：');
    next('grid-1-staff', '工单 T2 已转到荷东社区');
    next('street', '工单 T2 转到沈家门街道：30分钟内无人接单（已过1小时）');

    next('grid-1', '工单号 T3（邻里纠纷），已转给荷东社区');
    expect(next('community', '「楼上装修噪音太大」')).toContain('回复「接单 T3」接单');
  });

  it("keeps a ticket from someone in another grid: the review's repro", async () => {
    const input = [
      line({ room: 'grid-1', user: 'jin', text: '报事 我家楼上302天天半夜吵架' }),
      line({ room: 'grid-2', user: 'zhang', text: '进度 T1' }),
      line({ room: 'grid-2', user: 'zhang', text: '附议 T1' }),
      line({ room: 'grid-2', user: 'zhang', text: '进度 T1' }),
      line({ room: 'grid-1-staff', user: 'li', text: '备注 T1 已上门调解' }),
    ].join('');
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', tmpDb(), '--clock', '2026-03-02T09:00:00+08:00'], { input });
    expect(ran.stderr).toBe('');
    const out = jsonLines(ran.stdout);
    const inGrid2 = out.filter((o) => o.room === 'grid-2').map((o) => o.text);
    expect(inGrid2).toEqual([
      '只有报事人、附议的居民和负责的工作人员可以查看 T1。',
      expect.stringContaining('只有 T1 所在网格的居民和工作人员可以附议'),
      '只有报事人、附议的居民和负责的工作人员可以查看 T1。',
    ]);
    expect(out.some((o) => o.room === 'dm:jin' && o.text.includes('已上门调解'))).toBe(true);
  });
});
