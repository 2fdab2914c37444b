import type { Ctx } from '../context.js';
import type { DemoIds } from '../seed/demo.js';
import { createReward } from './rewards.js';

/** The demo's points supermarket: G1 理发券 at 海林理发店, G2 按摩券 at 渔港按摩坊, for all of 荷东社区. */
export function seedDemoRewards(ctx: Ctx, ids: DemoIds): void {
  const common = { unitId: ids.units.community.id, stock: 10, perMemberMonthlyLimit: 2, validDays: 90 };
  createReward(ctx, { ...common, name: '理发券', description: '洗剪吹一次', pointsCost: 20, merchantId: ids.members.barber.id });
  createReward(ctx, { ...common, name: '按摩券', description: '肩颈按摩30分钟', pointsCost: 30, merchantId: ids.members.spa.id });
}
