import type { Db } from '../../db/client.js';
import { childrenOf, getUnit } from '../org/units.js';
import { patrolledUnits } from '../patrols/patrols.js';
import type { Period } from './periods.js';
import { type UnitSummary, unitSummary } from './summary.js';

export type Shortfall = 'sla' | 'satisfaction' | 'patrols';

export interface RankedGrid extends UnitSummary {
  rank: number;
  /** Where this grid falls behind its community ("后进赶超"). */
  behind: Shortfall[];
}

/** 季调度: a community's grids side by side, ranked, with those falling behind named. */
export interface QuarterlyReport {
  period: Period;
  community: UnitSummary;
  grids: RankedGrid[];
}

/** A grid that missed more than this share of its patrols is behind on patrols. */
const PATROL_SHORTFALL = 0.2;

export function quarterlyReport(db: Db, communityId: number, period: Period, timeZone: string): QuarterlyReport {
  const community = unitSummary(db, communityId, period.from, period.to, timeZone);
  const gridIds = gridsOf(db, communityId);
  const summaries = gridIds.map((id) => unitSummary(db, id, period.from, period.to, timeZone));
  const ranked = [...summaries].sort(
    (a, b) =>
      (b.tickets.withinSlaShare ?? -1) - (a.tickets.withinSlaShare ?? -1) ||
      (b.satisfaction.average ?? -1) - (a.satisfaction.average ?? -1) ||
      b.minutesServed - a.minutesServed ||
      a.unitId - b.unitId,
  );
  return {
    period,
    community,
    grids: ranked.map((grid, i) => ({ ...grid, rank: i + 1, behind: shortfalls(grid, community, summaries.length) })),
  };
}

function shortfalls(grid: UnitSummary, community: UnitSummary, gridCount: number): Shortfall[] {
  const behind: Shortfall[] = [];
  if (gridCount > 1) {
    const sla = grid.tickets.withinSlaShare;
    if (sla !== null && community.tickets.withinSlaShare !== null && sla < community.tickets.withinSlaShare) behind.push('sla');
    const rating = grid.satisfaction.average;
    if (rating !== null && community.satisfaction.average !== null && rating < community.satisfaction.average) behind.push('satisfaction');
  }
  const p = grid.patrols;
  if (p && p.halfDaysExpected > 0 && (p.halfDaysExpected - p.halfDaysDone) / p.halfDaysExpected > PATROL_SHORTFALL) behind.push('patrols');
  return behind;
}

/** The grids of a community: patrolling grids below it, or its children when it has none. */
export function gridsOf(db: Db, unitId: number): number[] {
  const grids = patrolledUnits(db, unitId)
    .map((u) => u.id)
    .filter((id) => id !== unitId);
  return grids.length ? grids : childrenOf(db, getUnit(db, unitId).id).map((u) => u.id);
}
