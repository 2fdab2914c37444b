import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ShellOutput } from '../bots/shell/shell.js';
import { reconcile } from '../src/domain/ledger/reconcile.js';
import { meStep, pointsStep, redeemStep, reportStep, type Said, shellReportStep } from './bench/chat.js';
import { fetchBody, load, startServer } from './bench/http.js';
import { interleave, median, percentile, type Step, timedRound } from './bench/measure.js';
import { handRedeem, pointSelect, rawInsert } from './bench/reference.js';
import { BENCH_STOCK, BUYER_POINTS, createWorld } from './bench/world.js';

// `npm run bench` times these building blocks; here each runs a few times, untimed, to show that it does
// the work its row claims (so the benchmark cannot silently measure nothing, or something cheaper).

const world = createWorld();
const { $client: sqlite } = world.services.db;
afterAll(async () => {
  await world.services.close();
  rmSync(world.dir, { recursive: true, force: true });
});

const count = (table: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const times = async (step: Step, n: number) => {
  for (let i = 0; i < n; i++) await step();
};
const text = (said: Said) => said.last!.replies.map((r) => r.text).join('\n');

describe('the side-by-side benchmark', () => {
  it('works on a database file opened as production opens it', () => {
    expect(world.file.endsWith('linli.db')).toBe(true);
    expect(sqlite.memory).toBe(false);
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const triggers = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all();
    expect(triggers).toEqual(expect.arrayContaining(['ledger_legs_balance', 'stock_movements_stock']));
  });

  it('报事 through the core opens a ticket a message, announced; the reference commits a row a step', async () => {
    const tickets = count('tickets');
    const said: Said = { last: undefined };
    await times(reportStep(world, said), 3);
    expect(count('tickets')).toBe(tickets + 3);
    expect(text(said)).toContain(`T${tickets + 3}`);
    expect(sqlite.prepare("SELECT count(*) FROM outbox WHERE room_id = 'grid-1-staff'").pluck().get()).toBeGreaterThanOrEqual(3);

    await times(rawInsert(sqlite), 1);
    const rows = count('bench_reference');
    await times(rawInsert(sqlite), 3);
    expect(count('bench_reference')).toBe(rows + 3);
    expect(sqlite.inTransaction).toBe(false);
  });

  it('the shell chat answers each 报事 and delivers its announcement to the staff room', async () => {
    const emitted: ShellOutput[] = [];
    const say = await shellReportStep(world, emitted);
    const tickets = count('tickets');
    emitted.length = 0;
    await times(say, 2);
    expect(count('tickets')).toBe(tickets + 2);
    expect(emitted.filter((o) => o.reply && o.room === 'grid-1').map((o) => o.text)).toEqual([
      expect.stringContaining(`T${tickets + 1}`),
      expect.stringContaining(`T${tickets + 2}`),
    ]);
    expect(emitted.filter((o) => !o.reply && o.room === 'grid-1-staff')).toHaveLength(2);
    expect(sqlite.prepare("SELECT count(*) FROM outbox WHERE status = 'pending' AND platform = 'shell'").pluck().get()).toBe(0);
  });

  it('积分 and 我的 answer what was asked; the reference reads the same balance', async () => {
    const said: Said = { last: undefined };
    await times(pointsStep(world, said), 2);
    expect(text(said)).toContain('120');
    await times(meStep(world, said), 2);
    expect(text(said)).toContain('金阿姨');
    expect(pointSelect(sqlite, world.reader)()).toEqual({ balance: 120 });
  });

  it('兑换 through the core and by hand each buy a voucher: points to escrow, one from stock, and the ledger reconciles', async () => {
    const balance = () => sqlite.prepare('SELECT balance FROM ledger_accounts WHERE key = ?').pluck().get(`member:${world.buyer}`);
    const stock = () => sqlite.prepare('SELECT stock FROM rewards WHERE id = ?').pluck().get(world.rewardId);
    const vouchers = count('vouchers');
    const said: Said = { last: undefined };
    await times(redeemStep(world, said), 2);
    expect(text(said)).toContain('长街券');
    await times(handRedeem(sqlite, { memberId: world.buyer, rewardId: world.rewardId }), 2);
    expect(count('vouchers')).toBe(vouchers + 4);
    expect(balance()).toBe(BUYER_POINTS - 4);
    expect(stock()).toBe(BENCH_STOCK - 4);
    expect(sqlite.prepare("SELECT balance FROM ledger_accounts WHERE key = 'escrow'").pluck().get()).toBe(4);
    expect(count("audit_log WHERE action = 'voucher.redeem'")).toBe(4);
    expect(reconcile(world.services.db)).toMatchObject({ ok: true });
  });

  it('rounds run until their time is up and alternate which side goes first; medians and percentiles are plain', async () => {
    let n = 0;
    const round = await timedRound(() => n++, 0, 5);
    expect(round).toMatchObject({ ops: 5 });
    expect(n).toBe(5);
    const order: string[] = [];
    await interleave(
      3,
      async () => order.push('L'),
      async () => order.push('R'),
    );
    expect(order.join('')).toBe('LR' + 'LR' + 'RL' + 'LR');
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([...Array(100).keys()], 0.99)).toBe(98);
  });

  it('the bare Hono server answers with the very bytes Linli answered; the load loop counts real answers', { timeout: 60_000 }, async () => {
    const token = `bench-${'t'.repeat(40)}`;
    const auth = { authorization: `Bearer ${token}` };
    const linli = await startServer('linli', [world.file, token]);
    let bare: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      const tickets = await fetchBody(linli.url, '/api/v1/tickets?limit=50', auth);
      const rewards = await fetchBody(linli.url, '/api/v1/rewards', auth);
      expect(tickets.status).toBe(200);
      expect((JSON.parse(tickets.body) as { data: unknown[] }).data.length).toBeGreaterThan(3);
      expect((JSON.parse(rewards.body) as { data: { name: string }[] }).data.map((r) => r.name)).toContain('长街券');
      const file = join(world.dir, 'bodies.json');
      writeFileSync(file, JSON.stringify({ '/api/v1/tickets': tickets.body, '/api/v1/rewards': rewards.body }));
      bare = await startServer('bare-hono', [file]);
      expect(await fetchBody(bare.url, '/api/v1/tickets?limit=50')).toEqual(tickets);
      expect(await fetchBody(bare.url, '/api/v1/rewards')).toEqual(rewards);

      const expectBytes = Buffer.byteLength(tickets.body);
      const ours = await load(linli.url, '/api/v1/tickets?limit=50', { ms: 0, connections: 2, minRequests: 6, headers: auth, expectBytes });
      expect(ours).toMatchObject({ errors: 0 });
      expect(ours.requests).toBeGreaterThanOrEqual(6);
      // Without the token Linli refuses: the loop counts that as failing, not as served.
      const refused = await load(linli.url, '/api/v1/tickets?limit=50', { ms: 0, connections: 1, minRequests: 2, expectBytes });
      expect(refused.errors).toBe(refused.requests);

      const cpu = await linli.cpuMs();
      expect(cpu).toBeGreaterThan(0);
      const memory = await linli.memory();
      expect(memory.gc).toBe(true);
      expect(memory.rss).toBeGreaterThan(memory.heapUsed);
    } finally {
      await bare?.stop();
      await linli.stop();
    }
  });
});
