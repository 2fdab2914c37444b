import type { Db } from '../../db/client.js';
import { childrenOf } from '../org/units.js';
import { type MemberHours, partyMemberHours } from './hours.js';
import type { Period } from './periods.js';
import { gridsOf } from './quarterly.js';
import { type UnitSummary, unitSummary } from './summary.js';

/** 年评审: the street's year per community and grid, and each party member's hours for the 综合评价. */
export interface AnnualReport {
  period: Period;
  street: UnitSummary;
  communities: (UnitSummary & { grids: UnitSummary[] })[];
  partyMembers: MemberHours[];
}

export function annualReport(db: Db, streetId: number, period: Period, timeZone: string): AnnualReport {
  const summary = (id: number) => unitSummary(db, id, period.from, period.to, timeZone);
  return {
    period,
    street: summary(streetId),
    communities: childrenOf(db, streetId).map((community) => ({
      ...summary(community.id),
      grids: gridsOf(db, community.id).map(summary),
    })),
    partyMembers: partyMemberHours(db, streetId, period.from, period.to),
  };
}
