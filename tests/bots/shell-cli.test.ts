import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runScript } from '../helpers/spawn.js';
import { png } from '../helpers/images.js';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'linli-shell-')), 'linli.db');
const line = (o: object) => JSON.stringify(o) + '\n';

// Each case is its own process on its own database: they run side by side.
// Each case starts real processes, several at once: on a busy machine that takes longer than a unit test.
describe.concurrent('npm run chat -- --jsonl', { timeout: 60_000 }, () => {
  it('prints a help reply, answers a message id once, and ignores chatter', async () => {
    const input =
      line({ room: 'grid-1', user: 'jin', text: '帮助' }) +
      line({ room: 'grid-1', user: 'jin', text: '我的', id: 'same' }) +
      line({ room: 'grid-1', user: 'jin', text: '我的', id: 'same' }) +
      line({ room: 'grid-1', user: 'jin', text: '今天菜场的鱼很新鲜' });
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', tmpDb()], { input });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const out = jsonLines(ran.stdout);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ room: 'grid-1' });
    expect(out[0]!.text).toContain('可用命令');
    expect(out[1]!.text).toContain('金阿姨');
  });

  it('reports a bad line on stderr, goes on with the rest, and exits non-zero', async () => {
    const input = 'not json\n' + line({ room: 'grid-1', text: 'x' }) + line({ room: 'grid-1', user: 'jin', text: '/me' });
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', tmpDb()], { input });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/line 1: not JSON/);
    expect(ran.stderr).toMatch(/line 2: user: user must be a string/);
    expect(jsonLines(ran.stdout)).toHaveLength(1);
  });

  it('answers a sender with a blank name and refuses a blank user, going on with the next lines', async () => {
    const input =
      line({ room: 'grid-1', user: ' ', text: '/me' }) +
      line({ room: 'grid-1', user: 'newcomer', name: ' ', text: '/me' }) +
      line({ room: 'grid-1', user: 'jin', name: '', text: '/me' });
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', tmpDb()], { input });
    expect(ran.stderr).toMatch(/^line 1: user: user must not be empty\n$/);
    expect(ran.code).toBe(1);
    const out = jsonLines(ran.stdout);
    expect(out).toHaveLength(2);
    expect(out[0]!.text).toContain('newcomer');
    expect(out[1]!.text).toContain('金阿姨');
  });

  it('starts empty with --no-seed', async () => {
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--no-seed', '--db', tmpDb()], {
      input: line({ room: 'grid-1', user: 'jin', text: '/me' }),
    });
    // no demo: grid-1 is an unknown, unbound group and jin a newcomer without roles
    expect(jsonLines(ran.stdout)[0]!.text).toContain('暂无');
  });

  it('moves a simulated clock and refuses to move a real one', async () => {
    const input = line({ advance: 'PT2H' }) + line({ advance: 'two hours' }) + line({ room: 'grid-1', user: 'jin', text: '/me' });
    const real = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', tmpDb()], { input });
    expect(real.stderr).toMatch(/line 1: advance: the clock is real; start with --clock/);
    const simulated = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', tmpDb(), '--clock', '2026-03-02T09:00:00+08:00'], { input });
    expect(simulated.stderr).not.toMatch(/line 1/);
    expect(simulated.stderr).toMatch(/line 2: advance: "two hours" is not an ISO-8601 duration/);
    expect(jsonLines(simulated.stdout)).toHaveLength(1);
    const badClock = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', tmpDb(), '--clock', 'yesterday']);
    expect(badClock.code).toBe(2);
    expect(badClock.stderr).toMatch(/--clock: "yesterday" is not a time/);
  });

  it('stops with a clear message on a bad environment variable', async () => {
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', tmpDb()], { env: { LINLI_LANG: 'klingon' } });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('LINLI_LANG: expected zh or en (got "klingon")');
  });
});

describe('npm run chat -- --jsonl with a slow reader', { timeout: 60_000 }, () => {
  it('writes every line before it exits, however slowly its output is read', async () => {
    // Far more than a pipe holds: what the reader has not taken yet queues up in the process.
    const input = line({ room: 'grid-1', user: 'jin', text: '报事 3号楼电梯坏了' }) + line({ room: 'grid-1', user: 'jin', text: '帮助' }).repeat(300);
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', tmpDb()], { input, slowReaderMs: 15_000 });
    expect(ran.code).toBe(0);
    const out = jsonLines(ran.stdout);
    expect(out.filter((o) => o.text.includes('可用命令'))).toHaveLength(300);
    expect(out.some((o) => o.room === 'grid-1-staff')).toBe(true);
  });
});

describe('npm run chat -- --jsonl with images', { timeout: 60_000 }, () => {
  it('rejects a missing image file and sends an existing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-img-'));
    const photo = join(dir, 'photo.png');
    writeFileSync(photo, png(9));
    const input =
      line({ room: 'grid-1-staff', user: 'li', text: '巡查' }) +
      line({ room: 'grid-1-staff', user: 'li', images: [join(dir, 'nope.png')] }) +
      line({ room: 'grid-1-staff', user: 'li', images: [photo] });
    const db = tmpDb();
    const ran = await runScript('bots/shell/cli.ts', ['--jsonl', '--db', db], { input });
    expect(ran.stderr).toMatch(/line 2: images: no file at .*nope\.png/);
    const out = jsonLines(ran.stdout);
    expect(out).toHaveLength(2);
    expect(out[1]!.text).toContain('1 张照片');
    // stored next to the database given, not in the working directory
    expect(readdirSync(join(dirname(db), 'files'))).toHaveLength(1);
  });
});

describe('npm run chat, interactive', { timeout: 60_000 }, () => {
  it('refuses an unknown user and a mistyped : command locally, sending neither to the bot', async () => {
    const input = ':as nobody\n:wat\n:as\n我的\n:as newbie 李大爷\n我的\n:quit\n';
    const ran = await runScript('bots/shell/cli.ts', ['--db', tmpDb()], { input });
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('no user "nobody". Users: jin (金阿姨), wang (王阿姨), li (网格员小李)');
    expect(ran.stdout).toContain('unknown command :wat. The : commands: :as, :room, :rooms, :image, :advance, :time, :help, :quit');
    expect(ran.stdout).not.toContain('没听懂');
    // still jin after the refusals; a newcomer with a name is welcome
    expect(ran.stdout).toContain('👤 金阿姨');
    expect(ran.stdout).toContain('👤 李大爷');
  });
});
