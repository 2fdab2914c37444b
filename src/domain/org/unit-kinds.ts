import type { UnitKind } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';

/**
 * The levels of the tree, top down: 街道 › 社区 › 小区 › 网格 › 楼栋. Where disputes are routed and whose
 * rates apply follow the kinds, so a unit's kind is always below its parent's. `other` (a park, a school)
 * is a leaf, like a building. The one place this order is written.
 */
const LEVEL: Record<UnitKind, number> = { street: 0, community: 1, estate: 2, grid: 3, building: 4, other: 4 };

/** Kinds from the top down, as the error message lists them. */
export const KIND_ORDER = 'street › community › estate › grid › building / other';

export const fitsUnder = (kind: UnitKind, parentKind: UnitKind): boolean => LEVEL[kind] > LEVEL[parentKind];

/** A unit of `kind` may sit under a unit of `parentKind` (a root, with no parent, may be of any kind). */
export function requireFitsUnder(kind: UnitKind, parentKind: UnitKind | null): void {
  if (parentKind !== null && !fitsUnder(kind, parentKind)) {
    throw new DomainError('INVALID_INPUT', 'unit.kindOrder', { kind, parentKind, order: KIND_ORDER });
  }
}
