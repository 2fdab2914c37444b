import { SimulatedClock } from '../../src/clock.js';
import type { Ctx } from '../../src/domain/context.js';
import { adjust } from '../../src/domain/ledger/adjust.js';
import { seedDemo, type DemoIds } from '../../src/domain/seed/demo.js';
import { outbox } from '../../src/db/schema/index.js';
import type { Services } from '../../src/services.js';
import { START, testServices } from './services.js';

export type Who = keyof DemoIds['members'];

/** The demo neighbourhood without a chat: domain calls as any of its people, on a simulated clock. */
export interface DemoDomain {
  services: Services;
  ids: DemoIds;
  clock: SimulatedClock;
  as(who: Who): Ctx;
  system: Ctx;
  /** Gives a demo member points from their grid's pool, as the street admin. */
  grant(who: Who, points: number): void;
  /** Outbox texts for a shell room, in order. */
  outboxTo(room: string): string[];
}

let grants = 0;

export function demoDomain(start: Date = START): DemoDomain {
  const clock = new SimulatedClock(start);
  const services = testServices({ clock });
  const ids = seedDemo(services.deps);
  const as = (who: Who): Ctx => ({ ...services.deps, actor: { kind: 'member', memberId: ids.members[who].id } });
  return {
    services,
    ids,
    clock,
    as,
    system: { ...services.deps, actor: { kind: 'system', job: 'test' } },
    grant(who, points) {
      adjust(as('admin'), { memberId: ids.members[who].id, unitId: ids.units.community.id, points, reason: 'test grant', idempotencyKey: `test-${++grants}` });
    },
    outboxTo: (room) =>
      services.db
        .select()
        .from(outbox)
        .all()
        .filter((row) => row.roomId === room)
        .map((row) => row.text),
  };
}
