import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { renderNotice } from '../../src/chat/render/index.js';
import { systemClock } from '../../src/clock.js';
import { openDatabase } from '../../src/db/client.js';
import type { Ctx } from '../../src/domain/context.js';
import { adjust } from '../../src/domain/ledger/adjust.js';
import { redeem } from '../../src/domain/rewards/redeem.js';
import { createReward } from '../../src/domain/rewards/rewards.js';
import { seedDemo } from '../../src/domain/seed/demo.js';
import { raceWorker } from '../helpers/spawn.js';
import { identities, vouchers } from '../../src/db/schema/index.js';
import { balanceOf, ESCROW } from '../../src/domain/ledger/accounts.js';
import { reconcile } from '../../src/domain/ledger/reconcile.js';
import { createMember, grantRole } from '../../src/domain/org/members.js';
import { getReward } from '../../src/domain/rewards/rewards.js';
import { SHELL } from '../../src/domain/seed/demo.js';
import { grantTo } from './fixtures.js';
import { type Answer, apiHarness, type Harness } from './harness.js';

/** `n` residents of grid 1 with 100 points each, known to the shell chat as n0, n1, …. */
function neighbours(h: Harness, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const member = createMember(h.system, { name: `邻居${i}` });
    grantRole(h.system, { memberId: member.id, role: 'resident', unitId: h.ids.units.grid1.id });
    h.services.db
      .insert(identities)
      .values({ platform: SHELL, platformUserId: `n${i}`, memberId: member.id, displayName: `邻居${i}`, createdAt: h.clock.now() })
      .run();
    grantTo(h, member.id, 100);
    return `n${i}`;
  });
}

let messages = 0;
/** `兑换 G<id>` said in grid 1's group, through the chat core as the shell chat would. */
const buyInChat = (h: Harness, user: string, rewardId: number) =>
  h.services.core.handle({
    platform: SHELL,
    roomId: 'grid-1',
    roomName: 'grid-1',
    isPrivate: false,
    senderId: user,
    senderName: user,
    messageId: `race-${++messages}`,
    text: `兑换 G${rewardId}`,
  });

/**
 * Starts each call a turn of the event loop after the one before, without waiting for it, so their
 * requests are in flight together (a purchase runs to its first await before a request reaches its
 * handler, so starting all at once would just put the purchases first).
 */
async function together<T>(calls: (() => Promise<T>)[]): Promise<T[]> {
  const started: Promise<T>[] = [];
  for (const call of calls) {
    started.push(call());
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Promise.all(started);
}

/** Mixes lists: a, b, c, a, b, c, … */
function interleave<T>(...lists: T[][]): T[] {
  const mixed: T[] = [];
  for (let i = 0; i < Math.max(...lists.map((l) => l.length)); i++) for (const l of lists) if (i < l.length) mixed.push(l[i]!);
  return mixed;
}

/** The answer of a call that did something: not refused, not a replay of an earlier one. */
const acted = (a: Answer) => a.status === 200 && a.headers.get('idempotent-replayed') === null;

describe('concurrent restocks, purchases, uses and refunds', () => {
  it('never break the stock or the ledger: stock = added − issued + returned', async () => {
    const h = apiHarness();
    const buyers = neighbours(h, 30);
    const created = await h.call('POST', '/rewards', {
      token: h.tokens.community,
      body: { unitId: h.ids.units.community.id, name: '体检券', pointsCost: 10, stock: 3, validDays: 30, merchantId: h.ids.members.spa.id },
    });
    const rewardId: number = created.body.id;
    const restock = (quantity: number, key?: string) =>
      h.call('POST', `/rewards/${rewardId}/restock`, { token: h.tokens.community, body: { quantity }, headers: key ? { 'idempotency-key': key } : {} });

    // Round one: twelve restocks (four of them one retried delivery) race forty purchases.
    type Outcome = { restocked: Answer; quantity: number } | { bought: string };
    const restocks = [
      ...Array.from({ length: 8 }, () => async (): Promise<Outcome> => ({ restocked: await restock(2), quantity: 2 })),
      ...Array.from({ length: 4 }, () => async (): Promise<Outcome> => ({ restocked: await restock(3, 'delivery-1'), quantity: 3 })),
    ];
    const purchases = Array.from(
      { length: 40 },
      (_, i) => async (): Promise<Outcome> => ({ bought: (await buyInChat(h, buyers[i % buyers.length]!, rewardId)).replies[0]!.text }),
    );
    const first = await together(interleave(purchases.slice(0, 20), restocks, purchases.slice(20)));
    const restocked = first.flatMap((o) => ('restocked' in o ? [o] : []));
    const replies = first.flatMap((o) => ('bought' in o ? [o.bought] : []));
    const sold = replies.filter((t) => t.startsWith('🎟 兑换成功')).length;
    expect(sold + replies.filter((t) => t.includes('已经兑完了')).length).toBe(40);
    expect(sold).toBeGreaterThan(3);
    expect(sold).toBeLessThan(40);

    // Round two: uses, refunds (some retried with their key), write-offs and more purchases, all at once.
    const issued = h.services.db.select().from(vouchers).where(eq(vouchers.rewardId, rewardId)).all();
    type Done = { kind: string; answer?: Answer };
    const call = (make: () => Promise<Answer>, kind: string) => async (): Promise<Done> => ({ kind, answer: await make() });
    const use = issued.slice(0, 6).map((v) => call(() => h.call('POST', `/vouchers/${v.code}/redeem`, { token: h.tokens.community }), 'used'));
    const refund = issued
      .slice(6, 12)
      .flatMap((v) =>
        [0, 1].map(() =>
          call(() => h.call('POST', `/vouchers/${v.code}/cancel`, { token: h.tokens.community, headers: { 'idempotency-key': `refund-${v.id}` } }), 'refunded'),
        ),
      );
    const writeOffs = Array.from({ length: 3 }, () => call(() => restock(-1), 'writtenOff'));
    const more = Array.from({ length: 10 }, (_, i) => async (): Promise<Done> => {
      await buyInChat(h, buyers[i]!, rewardId);
      return { kind: 'bought' };
    });
    const second = await together(interleave(use, refund, more, writeOffs));
    const of = (kind: string) => second.filter((o) => o.kind === kind).map((o) => o.answer!);
    const [used, refunded, writtenOff] = [of('used'), of('refunded'), of('writtenOff')];

    expect(used.every((a) => a.status === 200)).toBe(true);
    expect(refunded.every((a) => a.status === 200)).toBe(true);
    const returned = refunded.filter(acted).length;
    expect(returned).toBe(6);
    const stockAdded = 3 + restocked.filter((r) => acted(r.restocked)).reduce((sum, r) => sum + r.quantity, 0) - writtenOff.filter(acted).length;
    const issuedCount = h.services.db.select().from(vouchers).where(eq(vouchers.rewardId, rewardId)).all().length;
    const reward = getReward(h.services.db, rewardId);
    expect(reward.stock).toBe(stockAdded - issuedCount + returned);
    expect(reward.stock).toBeGreaterThanOrEqual(0);
    // The retried delivery added once.
    expect(stockAdded).toBe(3 + 8 * 2 + 3 - writtenOff.filter(acted).length);
    const report = reconcile(h.services.db);
    expect(report, JSON.stringify(report)).toMatchObject({ ok: true });
    const outstanding = h.services.db.select().from(vouchers).where(eq(vouchers.status, 'issued')).all();
    expect(balanceOf(h.services.db, ESCROW)).toBe(outstanding.reduce((s, v) => s + v.pointsCost, 0));
  });
});

const WORKER = fileURLToPath(new URL('./stock-worker.ts', import.meta.url));

/** Starts a worker; `go()` lets it run, `done` is its JSON result. */
const worker = (args: string[]) => raceWorker(WORKER, args);

describe('two processes on one database file', () => {
  it('restocking and refunding in one while the other buys and uses keep stock = added − issued + returned', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'linli-stock-')), 'linli.db');
    const db = openDatabase(file);
    // The workers run on the real clock: the vouchers must be current for it.
    const deps = { db, clock: systemClock, settings: { lang: 'zh' as const, timeZone: 'Asia/Shanghai', dataDir: tmpdir() }, render: renderNotice };
    const ids = seedDemo(deps);
    const system: Ctx = { ...deps, actor: { kind: 'system', job: 'test' } };
    const reward = createReward(system, {
      unitId: ids.units.community.id,
      merchantId: ids.members.spa.id,
      name: '体检券',
      pointsCost: 10,
      stock: 20,
      validDays: 30,
    });
    const buyers = Array.from({ length: 12 }, (_, i) => {
      const member = createMember(system, { name: `邻居${i}` });
      grantRole(system, { memberId: member.id, role: 'resident', unitId: ids.units.grid1.id });
      adjust(system, { memberId: member.id, unitId: ids.units.community.id, points: 100, reason: 'race', idempotencyKey: `race-${i}` });
      return member.id;
    });
    // Twenty bought up front: ten for the restocker to refund, ten for the buyer to use.
    const held = Array.from(
      { length: 20 },
      (_, i) => redeem({ ...system, actor: { kind: 'member', memberId: buyers[i % 12]! } }, { rewardId: reward.id, idempotencyKey: `held-${i}` }).voucher.code,
    );
    db.$client.close();

    // The buyer tries forty purchases (three rounds of its twelve members, and four more).
    const purchases = Array.from({ length: 40 }, (_, i) => buyers[i % 12]!);
    const restocker = worker([file, String(reward.id), 'restock', '30', held.slice(0, 10).join(',')]);
    const buyer = worker([file, String(reward.id), 'buy', purchases.join(','), held.slice(10).join(',')]);
    await Promise.all([restocker.ready, buyer.ready]);
    restocker.go();
    buyer.go();
    const [r, b] = await Promise.all([restocker.done, buyer.done]);
    expect(r, r.stderr).toMatchObject({ code: 0, result: { restocked: 30, cancelled: 10, failed: [] } });
    expect(b, b.stderr).toMatchObject({ code: 0, result: { used: 10, failed: [] } });
    expect(b.result.bought + b.result.outOfStock).toBe(40);

    const after = openDatabase(file);
    const added = 20 + r.result.restocked;
    const issued = 20 + b.result.bought;
    const returned = r.result.cancelled;
    expect(getReward(after, reward.id).stock).toBe(added - issued + returned);
    expect(after.select().from(vouchers).where(eq(vouchers.rewardId, reward.id)).all()).toHaveLength(issued);
    const report = reconcile(after);
    expect(report, JSON.stringify(report)).toMatchObject({ ok: true });
    after.$client.close();
  }, 60_000);
});
