import type { Db } from '../../db/client.js';
import { patrolNumbers } from '../patrols/numbers.js';
import { ticketNumbers } from '../tickets/numbers.js';
import { getUnit } from '../org/units.js';
import { hoursServed } from '../timebank/numbers.js';

/** One unit's figures for a period: what every report is built from. */
export interface UnitSummary {
  unitId: number;
  name: string;
  kind: string;
  tickets: {
    total: number;
    /** Resolved or closed. */
    done: number;
    /** Still open or taken. */
    open: number;
    /** Share resolved within their SLA, of those resolved or left overdue; null when there is neither. */
    withinSlaShare: number | null;
    escalations: number;
    medianTakeMs: number | null;
    medianResolveMs: number | null;
  };
  satisfaction: { average: number | null; rated: number; unrated: number };
  patrols: { halfDaysDone: number; halfDaysExpected: number; nightsDone: number; nightsExpected: number } | null;
  minutesServed: number;
}

export function unitSummary(db: Db, unitId: number, from: Date, to: Date, timeZone: string): UnitSummary {
  const unit = getUnit(db, unitId);
  const t = ticketNumbers(db, unitId, from, to);
  const grids = patrolNumbers(db, unitId, from, to, timeZone);
  const sum = (pick: (g: (typeof grids)[number]) => number) => grids.reduce((n, g) => n + pick(g), 0);
  return {
    unitId,
    name: unit.name,
    kind: unit.kind,
    tickets: {
      total: t.total,
      done: t.byStatus.resolved + t.byStatus.closed,
      open: t.byStatus.open + t.byStatus.taken,
      withinSlaShare: t.withinSla.share,
      escalations: t.escalations.total,
      medianTakeMs: t.timeToTake.medianMs,
      medianResolveMs: t.timeToResolve.medianMs,
    },
    satisfaction: { average: t.ratings.average, rated: t.ratings.rated, unrated: t.ratings.unrated },
    patrols: grids.length
      ? {
          halfDaysDone: sum((g) => g.halfDaysDone),
          halfDaysExpected: sum((g) => g.halfDaysExpected),
          nightsDone: sum((g) => g.nightsDone),
          nightsExpected: sum((g) => g.nightsExpected),
        }
      : null,
    minutesServed: hoursServed(db, unitId, from, to).minutes,
  };
}
