import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { reconcile } from '../../src/domain/ledger/reconcile.js';
import { jsonLines, runScript } from '../helpers/spawn.js';

const line = (room: string, user: string, text: string) => JSON.stringify({ room, user, text }) + '\n';

describe('npm run chat: the time-bank walkthrough', () => {
  it('takes a wish to a used voucher, the code only in the private chat', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'linli-tb-')), 'linli.db');
    const first =
      line('grid-1', 'wang', '心愿 帮忙买菜') +
      line('grid-1', 'yang', '认领 W1') +
      line('grid-1', 'yang', '完成 W1 2小时') +
      line('grid-1', 'wang', '确认 W1') +
      line('grid-1', 'yang', '积分') +
      line('grid-1', 'yang', '兑换 G1');
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', db], { input: first });
    expect(ran.stderr).toBe('');
    const out = jsonLines(ran.stdout);
    const code = out.map((o) => /券码：([A-Z0-9]{12})/.exec(o.text)?.[1]).find(Boolean);
    expect(code).toBeDefined();
    expect(out.filter((o) => o.text.includes(code!)).map((o) => o.room)).toEqual(['dm:yang']);
    expect(out.find((o) => o.text.includes('的积分：'))).toMatchObject({ room: 'dm:yang', text: expect.stringContaining('杨幼红 的积分：20') });

    const second = line('dm:barber', 'barber', `核销 ${code}`) + line('dm:barber', 'barber', `核销 ${code}`);
    const verified = jsonLines((await runScript('bots/shell/cli.ts', ['--jsonl', '--db', db], { input: second })).stdout);
    expect(verified.filter((o) => o.room === 'dm:barber').map((o) => o.text)).toEqual([
      expect.stringContaining('核销成功'),
      expect.stringMatching(/已于 .+ 核销过/),
    ]);
    const after = openDatabase(db);
    expect(reconcile(after).ok).toBe(true);
    after.$client.close();
  });
});
