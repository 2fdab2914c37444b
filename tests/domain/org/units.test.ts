import { describe, expect, it } from 'vitest';
import { createUnit, isWithin, pointsPerHour, selfAndAncestors, subtreeIds, updateUnit } from '../../../src/domain/org/units.js';
import { canActAsStaff, grantRole, hasRole, revokeRole } from '../../../src/domain/org/members.js';
import { DomainError } from '../../../src/errors.js';
import { demoChat } from '../../helpers/services.js';

describe('the organisation tree', () => {
  it('allows any depth and answers subtree and ancestor questions', () => {
    const { system, ids } = demoChat();
    const estate = createUnit(system, { parentId: ids.units.community.id, kind: 'estate', name: '渔港小区' });
    const grid = createUnit(system, { parentId: estate.id, kind: 'grid', name: '渔港一网格' });
    const micro = createUnit(system, { parentId: grid.id, kind: 'building', name: '7号楼' });
    expect(selfAndAncestors(system.db, micro.id).map((u) => u.name)).toEqual(['7号楼', '渔港一网格', '渔港小区', '荷东社区', '沈家门街道']);
    expect(micro.depth).toBe(4);
    expect(subtreeIds(system.db, estate.id)).toEqual([estate.id, grid.id, micro.id]);
    expect(isWithin(system.db, micro.id, ids.units.street.id)).toBe(true);
    expect(isWithin(system.db, micro.id, ids.units.grid1.id)).toBe(false);
  });

  it('moves a subtree and keeps paths consistent', () => {
    const { system, ids } = demoChat();
    updateUnit(system, ids.units.building3.id, { parentId: ids.units.grid2.id });
    expect(isWithin(system.db, ids.units.building3.id, ids.units.grid2.id)).toBe(true);
    expect(selfAndAncestors(system.db, ids.units.building3.id).map((u) => u.name)).toEqual(['3号楼', '荷东第二网格', '荷东社区', '沈家门街道']);
    expect(() => updateUnit(system, ids.units.community.id, { parentId: ids.units.grid1.id })).toThrow(DomainError);
  });

  it('refuses two units of one name under the same parent', () => {
    const { system, ids } = demoChat();
    expect(() => createUnit(system, { parentId: ids.units.community.id, kind: 'grid', name: '荷东第一网格' })).toThrow(/nameTaken/);
  });

  it('inherits the points rate down the tree', () => {
    const { system, ids } = demoChat();
    expect(pointsPerHour(system.db, ids.units.building3.id)).toBe(10);
    updateUnit(system, ids.units.grid1.id, { pointsPerHour: 12 });
    expect(pointsPerHour(system.db, ids.units.building3.id)).toBe(12);
    expect(pointsPerHour(system.db, ids.units.grid2.id)).toBe(10);
  });

  it('grants roles on a subtree and revokes them', () => {
    const { system, ids } = demoChat();
    const { li, jin } = ids.members;
    expect(canActAsStaff(system.db, li.id, ids.units.building3.id)).toBe(true);
    expect(canActAsStaff(system.db, li.id, ids.units.grid2.id)).toBe(false);
    expect(canActAsStaff(system.db, ids.members.admin.id, ids.units.grid2.id)).toBe(true);
    const grant = grantRole(system, { memberId: jin.id, role: 'volunteer', unitId: ids.units.grid1.id });
    expect(grantRole(system, { memberId: jin.id, role: 'volunteer', unitId: ids.units.grid1.id }).id).toBe(grant.id);
    expect(hasRole(system.db, jin.id, 'volunteer', ids.units.building3.id)).toBe(true);
    revokeRole(system, jin.id, grant.id);
    expect(hasRole(system.db, jin.id, 'volunteer', ids.units.building3.id)).toBe(false);
  });
});
