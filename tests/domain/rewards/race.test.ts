import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderNotice } from '../../../src/chat/render/index.js';
import { SimulatedClock } from '../../../src/clock.js';
import { openDatabase } from '../../../src/db/client.js';
import type { Ctx } from '../../../src/domain/context.js';
import { balanceOf, memberAccount } from '../../../src/domain/ledger/accounts.js';
import { adjust } from '../../../src/domain/ledger/adjust.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { createReward, getReward } from '../../../src/domain/rewards/rewards.js';
import { vouchersOf } from '../../../src/domain/rewards/vouchers.js';
import { seedDemo } from '../../../src/domain/seed/demo.js';
import { raceWorker } from '../../helpers/spawn.js';
import { START } from '../../helpers/services.js';

const WORKER = fileURLToPath(new URL('./redeem-worker.ts', import.meta.url));

const worker = (args: string[]) => raceWorker<{ ok: boolean; code?: string; message?: string }>(WORKER, args);

/** A database file with the demo, a reward with one left, and two members able to pay for it. */
function lastVoucher() {
  const file = join(mkdtempSync(join(tmpdir(), 'linli-race-')), 'linli.db');
  const db = openDatabase(file);
  const deps = { db, clock: new SimulatedClock(START), settings: { lang: 'zh' as const, timeZone: 'Asia/Shanghai', dataDir: tmpdir() }, render: renderNotice };
  const ids = seedDemo(deps);
  const staff: Ctx = { ...deps, actor: { kind: 'member', memberId: ids.members.zhao.id } };
  const reward = createReward(staff, {
    unitId: ids.units.community.id,
    merchantId: ids.members.spa.id,
    name: '最后一张',
    pointsCost: 10,
    stock: 1,
    validDays: 30,
  });
  for (const who of ['jin', 'yang'] as const) {
    adjust(staff, { memberId: ids.members[who].id, unitId: ids.units.community.id, points: 10, reason: 'race', idempotencyKey: who });
  }
  db.$client.close();
  return { file, ids, rewardId: reward.id };
}

describe('redeeming across processes on one database file', () => {
  it('lets exactly one of two racing processes have the last voucher; the other is told it is out of stock', async () => {
    const { file, ids, rewardId } = lastVoucher();
    const racers = [ids.members.jin.id, ids.members.yang.id].map((memberId) => worker([file, String(memberId), String(rewardId)]));
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.go();
    const outcomes = await Promise.all(racers.map((r) => r.done));
    for (const o of outcomes) expect(o).toMatchObject({ code: 0, stderr: '' });
    const results = outcomes.map((o) => o.result!);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok)!;
    expect(loser).toMatchObject({ code: 'OUT_OF_STOCK' });
    expect(loser.message).toContain('最后一张（G3）已经兑完了');

    const db = openDatabase(file);
    expect(getReward(db, rewardId).stock).toBe(0);
    const balances = [ids.members.jin.id, ids.members.yang.id].map((id) => balanceOf(db, memberAccount(id))).sort();
    expect(balances).toEqual([0, 10]);
    expect([ids.members.jin.id, ids.members.yang.id].flatMap((id) => vouchersOf(db, id))).toHaveLength(1);
    expect(reconcile(db).ok).toBe(true);
    db.$client.close();
  });

  it('loses nothing when a process dies in the middle of a redeem', async () => {
    const { file, ids, rewardId } = lastVoucher();
    const crasher = worker([file, String(ids.members.jin.id), String(rewardId), 'crash']);
    await crasher.ready;
    crasher.go();
    const died = await crasher.done;
    expect(died.result).toBeUndefined();
    expect(died.signal === 'SIGKILL' || died.code === 137).toBe(true); // tsx passes the kill on as 128 + 9

    const db = openDatabase(file);
    expect(getReward(db, rewardId).stock).toBe(1);
    expect(balanceOf(db, memberAccount(ids.members.jin.id))).toBe(10);
    expect(vouchersOf(db, ids.members.jin.id)).toEqual([]);
    expect(reconcile(db).ok).toBe(true);
    db.$client.close();
    // The database is whole: the next buyer gets the voucher.
    const next = worker([file, String(ids.members.yang.id), String(rewardId)]);
    await next.ready;
    next.go();
    expect((await next.done).result).toMatchObject({ ok: true });
  });
});
