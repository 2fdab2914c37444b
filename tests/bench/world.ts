import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/clock.js';
import { inTransaction } from '../../src/db/client.js';
import { loadConfig } from '../../src/config.js';
import type { Ctx } from '../../src/domain/context.js';
import { ESCROW, openAccount } from '../../src/domain/ledger/accounts.js';
import { adjust } from '../../src/domain/ledger/adjust.js';
import { createReward } from '../../src/domain/rewards/rewards.js';
import { type DemoIds, seedDemo } from '../../src/domain/seed/demo.js';
import { silentLogger } from '../../src/log.js';
import { createServices, type Services } from '../../src/services.js';

/** Points the buyer starts with: enough for every 兑换 a long run makes. */
export const BUYER_POINTS = 5_000_000;
/** The bench reward's stock (the most one restock may add). */
export const BENCH_STOCK = 100_000;

/**
 * The demo neighbourhood in a database file of its own, opened as `npm start` opens it (createServices →
 * openDatabase: WAL, synchronous=FULL, foreign keys, busy timeout, migrations and their triggers), with:
 * - 金阿姨 (jin), a resident of grid 1 with a few points, who asks 积分 and 我的;
 * - 杨幼红 (yang), a resident of grid 1 with points for every 兑换 of a long run;
 * - the escrow account (which the first voucher would open);
 * - G3 「长街券」, a reward of 荷东社区 costing 1 point, with a large stock and no monthly limit.
 */
export interface World {
  dir: string;
  file: string;
  services: Services;
  ids: DemoIds;
  system: Ctx;
  rewardId: number;
  /** Member ids of the reader (jin) and the buyer (yang). */
  reader: number;
  buyer: number;
}

export function createWorld(options: { dir?: string; clock?: Clock } = {}): World {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'linli-bench-'));
  const file = join(dir, 'linli.db');
  const config = loadConfig({ LINLI_DB: file, LINLI_SEED: 'off', LINLI_LOG_LEVEL: 'warn' });
  const services = createServices({ config, log: silentLogger, ...(options.clock ? { clock: options.clock } : {}) });
  const ids = seedDemo(services.deps);
  const system: Ctx = { ...services.deps, actor: { kind: 'system', job: 'bench' } };
  const { grid1, community } = ids.units;
  const { jin, yang, barber } = ids.members;
  adjust(system, { memberId: jin.id, unitId: grid1.id, points: 120, reason: '助老', idempotencyKey: 'bench:jin' });
  adjust(system, { memberId: yang.id, unitId: grid1.id, points: BUYER_POINTS, reason: '长街', idempotencyKey: 'bench:yang' });
  const reward = createReward(system, {
    unitId: community.id,
    name: '长街券',
    description: '基准测试用',
    pointsCost: 1,
    stock: BENCH_STOCK,
    perMemberMonthlyLimit: null,
    validDays: 90,
    merchantId: barber.id,
  });
  // Opened by the first voucher ever bought; opened here so the hand-written reference can post to it too.
  inTransaction(services.db, () => openAccount(services.db, ESCROW, services.clock.now()));
  return { dir, file, services, ids, system, rewardId: reward.id, reader: jin.id, buyer: yang.id };
}
