import { count } from 'drizzle-orm';
import { inTransaction } from '../../db/client.js';
import { identities, members, type Role, rooms, type RoomPurpose, units } from '../../db/schema/index.js';
import type { Ctx, Deps } from '../context.js';
import { createMember, grantRole, type Member } from '../org/members.js';
import { createUnit, type Unit } from '../org/units.js';
import { seedDemoRewards } from '../rewards/demo.js';

/** The shell platform's name; the demo's ids below are part of the shell chat's contract. */
export const SHELL = 'shell';

export interface DemoIds {
  units: Record<'street' | 'community' | 'grid1' | 'building3' | 'grid2', Unit>;
  members: Record<'jin' | 'wang' | 'li' | 'chen' | 'zhao' | 'yang' | 'barber' | 'spa' | 'admin', Member>;
}

/**
 * Nothing recorded yet: no unit, member, identity or room. A database started without the demo and then
 * used (rooms and people seen in chats) is not empty, and the demo would clash with what is in it.
 */
export const isEmpty = (deps: Deps) => [units, members, identities, rooms].every((table) => (deps.db.select({ n: count() }).from(table).get()?.n ?? 0) === 0);

/**
 * Seeds the demo if the database is empty, deciding under the write lock: of several processes starting
 * together on one new file, one seeds and the others find it done. True when this call seeded it.
 */
export function seedDemoIfEmpty(deps: Deps): boolean {
  return inTransaction(deps.db, () => {
    if (!isEmpty(deps)) return false;
    seedDemo(deps);
    return true;
  });
}

/**
 * A small neighbourhood to try Linli with: Shenjiamen street, Hedong community, two grids, building 3,
 * their group chats on the shell platform, and the people of the README's walkthrough.
 */
export function seedDemo(deps: Deps, extra: ((ctx: Ctx, ids: DemoIds) => void)[] = []): DemoIds {
  const ctx: Ctx = { ...deps, actor: { kind: 'system', job: 'seed' } };
  return inTransaction(deps.db, () => {
    const street = createUnit(ctx, { parentId: null, kind: 'street', name: '沈家门街道', pointsPerHour: 10 });
    const community = createUnit(ctx, { parentId: street.id, kind: 'community', name: '荷东社区' });
    const grid1 = createUnit(ctx, { parentId: community.id, kind: 'grid', name: '荷东第一网格' });
    const building3 = createUnit(ctx, { parentId: grid1.id, kind: 'building', name: '3号楼' });
    const grid2 = createUnit(ctx, { parentId: community.id, kind: 'grid', name: '荷东第二网格' });

    const group = (id: string, name: string, unit: Unit, purpose: RoomPurpose) => {
      const now = deps.clock.now();
      deps.db
        .insert(rooms)
        .values({ platform: SHELL, platformRoomId: id, name, kind: 'group', unitId: unit.id, purpose, boundAt: now, lastSeenAt: now, createdAt: now })
        .run();
    };
    group('grid-1', '荷东第一网格居民群', grid1, 'residents');
    group('grid-1-staff', '荷东第一网格工作群', grid1, 'staff');
    group('grid-2', '荷东第二网格居民群', grid2, 'residents');
    group('grid-2-staff', '荷东第二网格工作群', grid2, 'staff');
    group('community', '荷东社区工作群', community, 'staff');
    group('street', '沈家门街道工作群', street, 'staff');

    const person = (id: string, name: string, grants: [Role, Unit][], extraFields: { partyMember?: boolean; notes?: string } = {}) => {
      const member = createMember(ctx, { name, ...extraFields });
      for (const [role, unit] of grants) grantRole(ctx, { memberId: member.id, role, unitId: unit.id });
      const now = deps.clock.now();
      deps.db.insert(identities).values({ platform: SHELL, platformUserId: id, memberId: member.id, displayName: name, createdAt: now }).run();
      deps.db
        .insert(rooms)
        .values({ platform: SHELL, platformRoomId: `dm:${id}`, name: `${name}（私聊）`, kind: 'private', memberId: member.id, lastSeenAt: now, createdAt: now })
        .run();
      return member;
    };
    const members = {
      jin: person('jin', '金阿姨', [['resident', grid1]]),
      wang: person('wang', '王阿姨', [['resident', grid1]], { notes: '独居老人' }),
      li: person('li', '网格员小李', [['staff', grid1]]),
      chen: person('chen', '网格员小陈', [['staff', grid2]]),
      zhao: person('zhao', '社区书记老赵', [['staff', community]], { partyMember: true }),
      yang: person(
        'yang',
        '杨幼红',
        [
          ['resident', grid1],
          ['volunteer', community],
        ],
        { partyMember: true },
      ),
      barber: person('barber', '海林理发店', [['merchant', community]]),
      spa: person('spa', '渔港按摩坊', [['merchant', community]]),
      admin: person('admin', '街道管理员', [['admin', street]]),
    };
    const ids: DemoIds = { units: { street, community, grid1, building3, grid2 }, members };
    seedDemoRewards(ctx, ids);
    for (const seed of extra) seed(ctx, ids);
    return ids;
  });
}
