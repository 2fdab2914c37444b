import { describe, expect, it } from 'vitest';
import { ticketCategories } from '../../../src/db/schema/index.js';
import { createUnit } from '../../../src/domain/org/units.js';
import { grantRole, revokeRole } from '../../../src/domain/org/members.js';
import { createCategory, findCategoryByName, inferCategory, listCategories, updateCategory } from '../../../src/domain/tickets/categories.js';
import { escalationTarget, routeTicket, suggestTaker } from '../../../src/domain/tickets/routing.js';
import { nearestOfKind } from '../../../src/domain/org/units.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { DomainError } from '../../../src/errors.js';
import { freshDb } from '../../helpers/db.js';
import { ticketsDemo } from '../../helpers/tickets.js';

describe('ticket categories', () => {
  it('exist in every new database, with the SLA and start levels of the issue', () => {
    const rows = freshDb().select().from(ticketCategories).all();
    expect(rows.map((c) => c.name)).toEqual(['市政照明', '水电', '环境卫生', '停车', '安全隐患', '邻里纠纷', '物业', '其他']);
    const byName = Object.fromEntries(rows.map((c) => [c.name, c]));
    expect(byName['市政照明']).toMatchObject({ takeMinutes: 30, resolveMinutes: 1440, urgent: false, startLevel: null });
    expect(byName['安全隐患']).toMatchObject({ takeMinutes: 10, urgent: true });
    expect(byName['邻里纠纷']).toMatchObject({ startLevel: 'community' });
    expect(byName['其他']!.keywords).toEqual([]);
  });

  it.each([
    ['3号楼路灯坏了', '市政照明'],
    ['2单元楼道漏水了', '水电'],
    ['楼道里堆满了杂物', '环境卫生'],
    ['电动车停车占道', '停车'],
    ['有人在楼道飞线充电', '安全隐患'],
    ['电表箱着火了', '安全隐患'],
    ['电梯困人了', '安全隐患'],
    ['楼上装修噪音太大', '邻里纠纷'],
    ['两家人在吵架', '邻里纠纷'],
    ['物业不管事', '物业'],
    ['想问一下社区什么时候发口罩', '其他'],
  ])('reads "%s" as %s', (text, name) => {
    const { db } = ticketsDemo();
    expect(inferCategory(db, text).name).toBe(name);
  });

  it('are edited by admins (and API tokens), and checked', () => {
    const demo = ticketsDemo();
    const token = { ...demo.services.deps, actor: { kind: 'token' as const, tokenId: 1, label: 'ops' } };
    const pets = createCategory(token, { name: '宠物', keywords: ['狗', '猫'], takeMinutes: 60 });
    expect(pets).toMatchObject({ resolveMinutes: 1440, urgent: false, active: true });
    expect(inferCategory(demo.db, '楼下的狗一直叫').name).toBe('宠物');
    updateCategory(demo.as('admin'), pets.id, { active: false });
    expect(inferCategory(demo.db, '楼下的狗一直叫').name).toBe('其他');
    expect(listCategories(demo.db, { activeOnly: true }).map((c) => c.name)).not.toContain('宠物');
    expect(() => createCategory(demo.as('li'), { name: '绿化' })).toThrow(/auth.adminOnly/);
    expect(() => createCategory(token, { name: '宠物' })).toThrow(/category.nameTaken/);
    expect(() => createCategory(token, { name: ' ' })).toThrow(/category.nameRequired/);
    expect(() => createCategory(token, { name: '绿化', takeMinutes: 0 })).toThrow(/category.badMinutes/);
    expect(() => createCategory(token, { name: '绿化', keywords: [''] })).toThrow(/category.badKeywords/);
    expect(() => createCategory(token, { name: '绿化', startLevel: 'galaxy' as never })).toThrow(/category.badLevel/);
    const lamp = findCategoryByName(demo.db, '市政照明')!;
    expect(updateCategory(token, lamp.id, { takeMinutes: 15 }).takeMinutes).toBe(15);
  });
});

describe('routing', () => {
  it('sends a building ticket to its grid, and a grid ticket to the grid', () => {
    const { db, ids } = ticketsDemo();
    const lamp = findCategoryByName(db, '市政照明')!;
    expect(routeTicket(db, ids.units.building3.id, lamp).id).toBe(ids.units.grid1.id);
    expect(routeTicket(db, ids.units.grid1.id, lamp).id).toBe(ids.units.grid1.id);
    expect(routeTicket(db, ids.units.community.id, lamp).id).toBe(ids.units.community.id);
  });

  it('starts a dispute at the community: 大事不出社区', () => {
    const { db, ids } = ticketsDemo();
    const dispute = findCategoryByName(db, '邻里纠纷')!;
    expect(routeTicket(db, ids.units.building3.id, dispute).id).toBe(ids.units.community.id);
    expect(routeTicket(db, ids.units.grid2.id, dispute).id).toBe(ids.units.community.id);
    // reported above the start level, it stays where it was reported
    expect(routeTicket(db, ids.units.street.id, dispute).id).toBe(ids.units.street.id);
  });

  it('skips units without staff, going up', () => {
    const demo = ticketsDemo();
    const { db, ids, system } = demo;
    const estate = createUnit(system, { parentId: ids.units.community.id, kind: 'estate', name: '渔港小区' });
    const grid = createUnit(system, { parentId: estate.id, kind: 'grid', name: '渔港一网格' });
    const lamp = findCategoryByName(db, '市政照明')!;
    expect(routeTicket(db, grid.id, lamp).id).toBe(ids.units.community.id);
    const grant = grantRole(system, { memberId: ids.members.chen.id, role: 'staff', unitId: grid.id });
    expect(routeTicket(db, grid.id, lamp).id).toBe(grid.id);
    // escalation skips the staffless estate too
    expect(escalationTarget(db, grid.id)?.id).toBe(ids.units.community.id);
    revokeRole(system, ids.members.chen.id, grant.id);
    expect(routeTicket(db, grid.id, lamp).id).toBe(ids.units.community.id);
  });

  it('escalates grid → community → street (the admin answers there), and no further', () => {
    const { db, ids } = ticketsDemo();
    expect(escalationTarget(db, ids.units.grid1.id)?.id).toBe(ids.units.community.id);
    expect(escalationTarget(db, ids.units.community.id)?.id).toBe(ids.units.street.id);
    expect(escalationTarget(db, ids.units.street.id)).toBeUndefined();
    expect(nearestOfKind(db, ids.units.building3.id, 'community')?.id).toBe(ids.units.community.id);
    expect(nearestOfKind(db, ids.units.street.id, 'community')).toBeUndefined();
  });

  it('suggests the staff member with the fewest tickets in hand', () => {
    const demo = ticketsDemo();
    const { db, ids, system } = demo;
    const second = demo.ids.members.yang;
    grantRole(system, { memberId: second.id, role: 'staff', unitId: ids.units.grid1.id });
    expect(suggestTaker(db, ids.units.grid1.id)?.id).toBe(ids.members.li.id);
    takeTicket(demo.as('li'), demo.report('jin', '3号楼路灯坏了').id);
    expect(suggestTaker(db, ids.units.grid1.id)?.id).toBe(second.id);
    expect(suggestTaker(db, ids.units.street.id)?.id).toBe(ids.members.admin.id);
    expect(suggestTaker(db, ids.units.building3.id)).toBeUndefined();
  });

  it('refuses to infer when no category is active', () => {
    const demo = ticketsDemo();
    const token = { ...demo.services.deps, actor: { kind: 'token' as const, tokenId: 1, label: 'ops' } };
    for (const c of listCategories(demo.db)) updateCategory(token, c.id, { active: false });
    expect(() => inferCategory(demo.db, '路灯坏了')).toThrow(DomainError);
  });
});
