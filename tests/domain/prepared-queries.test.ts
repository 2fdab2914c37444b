import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { memberActor, systemActor } from '../../src/domain/context.js';
import { adjust } from '../../src/domain/ledger/adjust.js';
import { queueReply } from '../../src/domain/notify.js';
import { balanceOf, findAccount, memberAccount, statement } from '../../src/domain/ledger/accounts.js';
import { belongsTo } from '../../src/domain/org/authority.js';
import { findIdentity } from '../../src/domain/org/identities.js';
import { activeGrants, getMember, hasRole, holdsAnyRole, unitsWithRole } from '../../src/domain/org/members.js';
import { findRoom, getRoom } from '../../src/domain/org/rooms.js';
import { getUnit, selfAndAncestors } from '../../src/domain/org/units.js';
import { redeem } from '../../src/domain/rewards/redeem.js';
import { createReward, getReward, shopFor } from '../../src/domain/rewards/rewards.js';
import { newVoucherCode, vouchersOf } from '../../src/domain/rewards/vouchers.js';
import { getCategory, inferCategory } from '../../src/domain/tickets/categories.js';
import { reportTicket } from '../../src/domain/tickets/report.js';
import { findSimilarOpen } from '../../src/domain/tickets/similarity.js';
import { getTicket, recordEvent } from '../../src/domain/tickets/store.js';
import { authenticateToken, createToken } from '../../src/domain/tokens.js';
import { demoServices } from '../helpers/services.js';

/** The statements the database is asked to prepare while `work` runs. */
function statementsDuring(db: Db, work: () => unknown): string[] {
  const sqlite = db.$client;
  const prepare = sqlite.prepare;
  const seen: string[] = [];
  sqlite.prepare = ((source: string) => {
    seen.push(source);
    return prepare.call(sqlite, source);
  }) as typeof sqlite.prepare;
  try {
    work();
  } finally {
    sqlite.prepare = prepare;
  }
  return seen;
}

const preparedDuring = (db: Db, work: () => unknown) => statementsDuring(db, work).length;

/** A demo with points and a reward to buy, and the domain calls 报事, 积分, 我的 and 兑换 make. */
function hotPaths(options: { record?: string[] } = {}) {
  const { services, ids } = demoServices();
  const { db } = services;
  if (options.record) {
    const record = options.record;
    const prepare = db.$client.prepare;
    db.$client.prepare = ((source: string) => {
      record.push(source);
      return prepare.call(db.$client, source);
    }) as typeof prepare;
  }
  const jin = ids.members.jin.id;
  const grid = ids.units.grid1.id;
  const staff = { ...services.deps, actor: memberActor(ids.members.li.id) };
  adjust(staff, { memberId: jin, unitId: grid, points: 500, reason: '花园认领', idempotencyKey: 'prepared-1' });
  const asJin = { ...services.deps, actor: memberActor(jin) };
  const system = { ...services.deps, actor: systemActor('test') };
  const bag = createReward(system, {
    unitId: ids.units.community.id,
    name: '环保袋',
    pointsCost: 20,
    stock: 100,
    validDays: 90,
    merchantId: ids.members.barber.id,
  });
  const secret = createToken(system, { role: 'admin', unitId: ids.units.street.id, label: 'api' }).secret;
  const reported = reportTicket(asJin, { unitId: grid, roomId: null, text: '5号楼路灯坏了' });
  if (reported.kind !== 'created') throw new Error('taken for a duplicate');
  const { ticket } = reported;
  let key = 0;

  // What 报事, 积分, 我的 and 兑换 look up and write, each through the domain function the chat core calls.
  const calls: [string, () => unknown][] = [
    ['findRoom', () => findRoom(db, 'shell', 'grid-1')],
    ['getRoom', () => getRoom(db, findRoom(db, 'shell', 'dm:jin')!.id)],
    ['findIdentity', () => findIdentity(db, 'shell', 'jin')],
    ['getMember', () => getMember(db, jin)],
    ['activeGrants', () => activeGrants(db, jin)],
    ['holdsAnyRole', () => holdsAnyRole(db, jin)],
    ['hasRole', () => hasRole(db, jin, ['staff', 'admin'], grid)],
    ['unitsWithRole', () => unitsWithRole(db, jin, ['resident'])],
    ['belongsTo', () => belongsTo(db, jin, ids.units.community.id)],
    ['getUnit', () => getUnit(db, grid)],
    ['selfAndAncestors', () => selfAndAncestors(db, ids.units.building3.id)],
    ['findAccount', () => findAccount(db, memberAccount(jin))],
    ['balanceOf', () => balanceOf(db, memberAccount(jin))],
    ['statement', () => statement(db, memberAccount(jin), { limit: 5 })],
    ['getReward', () => getReward(db, 1)],
    ['shopFor', () => shopFor(db, grid)],
    ['vouchersOf', () => vouchersOf(db, jin)],
    ['newVoucherCode', () => newVoucherCode(db)],
    ['redeem', () => redeem(asJin, { rewardId: bag.id, idempotencyKey: `prepared-${key++}` })],
    ['findSimilarOpen', () => findSimilarOpen(db, { originUnitId: grid, categoryId: 1, text: '3号楼门口路灯坏了', now: services.clock.now() })],
    ['inferCategory', () => inferCategory(db, '3号楼路灯坏了')],
    ['getCategory', () => getCategory(db, 1)],
    ['getTicket', () => getTicket(db, ticket.id)],
    ['recordEvent', () => recordEvent(asJin, ticket, { kind: 'photo', data: { count: 1 } })],
    ['queueReply', () => queueReply(services.deps, 'shell', 'grid-1', { text: '收到' }, 'test')],
    ['authenticateToken', () => expect(authenticateToken(services.deps, secret, 'root')?.role).toBe('admin')],
  ];
  return { db, ids, jin, grid, bag, calls };
}

describe('the queries of the hot chat paths and API reads', () => {
  const { db, ids, jin, grid, bag, calls } = hotPaths();

  it.each(calls)('%s prepares its statements once, on the first call', (_, call) => {
    preparedDuring(db, call);
    expect(preparedDuring(db, call)).toBe(0);
    expect(preparedDuring(db, call)).toBe(0);
  });

  it('answers as before', () => {
    expect(statement(db, memberAccount(jin), { limit: 1 })[0]).toMatchObject({ reason: 'redeem', amount: -20 });
    expect(balanceOf(db, memberAccount(jin))).toBe(500 - 3 * 20);
    expect(vouchersOf(db, jin)).toHaveLength(3);
    expect(shopFor(db, grid).map((r) => r.name)).toEqual(['理发券', '按摩券', '环保袋']);
    expect(getReward(db, bag.id).stock).toBe(100 - 3);
    expect(selfAndAncestors(db, ids.units.building3.id).map((u) => u.id)).toEqual([ids.units.building3.id, grid, ids.units.community.id, ids.units.street.id]);
    expect(hasRole(db, ids.members.li.id, 'staff', ids.units.building3.id)).toBe(true);
    expect(hasRole(db, ids.members.li.id, 'staff', ids.units.grid2.id)).toBe(false);
    expect(unitsWithRole(db, ids.members.yang.id, ['volunteer', 'resident']).sort()).toEqual([ids.units.community.id, grid].sort());
    expect(activeGrants(db, jin).map((g) => [g.role, g.unitName])).toEqual([['resident', '荷东第一网格']]);
  });
});

describe('the statements of the hot chat paths', () => {
  it('bind no LIMIT or LIKE pattern, which SQLite would plan again each time the statement runs', () => {
    const record: string[] = [];
    for (const [, call] of hotPaths({ record }).calls) call();
    expect(record.length).toBeGreaterThan(20);
    expect(record.filter((source) => /\blimit \?|\blike \?/i.test(source))).toEqual([]);
  });
});
