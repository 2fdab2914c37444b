import { eq } from 'drizzle-orm';
import { rooms } from '../../src/db/schema/index.js';
import { type Ctx, memberActor } from '../../src/domain/context.js';
import { adjust } from '../../src/domain/ledger/adjust.js';
import type { DemoIds } from '../../src/domain/seed/demo.js';
import { redeem } from '../../src/domain/rewards/redeem.js';
import type { Voucher } from '../../src/domain/rewards/vouchers.js';
import { type ReportInput, reportTicket } from '../../src/domain/tickets/report.js';
import type { Ticket } from '../../src/domain/tickets/store.js';
import { postTask } from '../../src/domain/timebank/post-wish.js';
import type { Task } from '../../src/domain/timebank/tasks.js';
import type { Harness } from './harness.js';

export type Who = keyof DemoIds['members'];

/** A domain context acting as one of the demo's people. */
export const as = (h: Harness, who: Who): Ctx => ({ ...h.services.deps, actor: memberActor(h.ids.members[who].id) });

export const roomId = (h: Harness, platformRoomId: string) => h.services.db.select().from(rooms).where(eq(rooms.platformRoomId, platformRoomId)).get()!.id;

let keys = 0;

/** Gives a demo member points from the community's pool, as the street admin. */
export function grant(h: Harness, who: Who, points: number): void {
  adjust(as(h, 'admin'), {
    memberId: h.ids.members[who].id,
    unitId: h.ids.units.community.id,
    points,
    reason: 'test grant',
    idempotencyKey: `fixture-${++keys}`,
  });
}

/** `who` buys a voucher of the reward (G1 理发券 at the barber's, or G2 按摩券 at the spa), with the points for it. */
export function buy(h: Harness, who: Who, rewardId = 1): Voucher {
  grant(h, who, rewardId === 1 ? 20 : 30);
  return redeem(as(h, who), { rewardId, idempotencyKey: `fixture-${++keys}` }).voucher;
}

/** `who` reports in grid 1's residents' group (or where `input` says). */
export function report(h: Harness, who: Who, text: string, input: Partial<ReportInput> = {}): Ticket {
  const result = reportTicket(as(h, who), { unitId: h.ids.units.grid1.id, roomId: roomId(h, 'grid-1'), text, force: true, ...input });
  return result.ticket;
}

interface Fixtures {
  ticket: Ticket;
  task: Task;
  /** 杨幼红's 理发券, and 金阿姨's 按摩券 (another merchant's). */
  barberVoucher: Voucher;
  spaVoucher: Voucher;
}

const made = new WeakMap<Harness, Fixtures>();

/** One of each thing the routes act on, in grid 1 and the community, made once per harness. */
export function fixtures(h: Harness): Fixtures {
  let found = made.get(h);
  if (!found) {
    found = {
      ticket: report(h, 'jin', '3号楼路灯坏了'),
      task: postTask(as(h, 'li'), { unitId: h.ids.units.grid1.id, title: '周五夜间巡逻', slots: 3 }),
      barberVoucher: buy(h, 'yang', 1),
      spaVoucher: buy(h, 'jin', 2),
    };
    made.set(h, found);
  }
  return found;
}

/** Gives any member points from the community's pool. */
export function grantTo(h: Harness, memberId: number, points: number): void {
  adjust(as(h, 'admin'), { memberId, unitId: h.ids.units.community.id, points, reason: 'test grant', idempotencyKey: `fixture-${++keys}` });
}
