import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inSubtree } from '../org/subtree.js';
import { getUnit } from '../org/units.js';

export interface MemberHours {
  memberId: number;
  name: string;
  minutes: number;
}

/**
 * Every party member holding a role in the unit's subtree, with the minutes of service credited to them
 * in [from, to) anywhere: the numbers for their 综合评价. Those who served nothing are listed too.
 */
export function partyMemberHours(db: Db, unitId: number, from: Date, to: Date): MemberHours[] {
  const root = getUnit(db, unitId);
  return db.all<MemberHours>(sql`
    SELECT m.id AS memberId, m.name AS name,
      coalesce((SELECT sum(c.credited_minutes) FROM task_completions c
        WHERE c.volunteer_id = m.id AND c.status IN ('confirmed', 'ruled')
          AND c.decided_at >= ${from.getTime()} AND c.decided_at < ${to.getTime()}), 0) AS minutes
    FROM members m
    WHERE m.party_member = 1 AND m.merged_into IS NULL AND EXISTS (
      SELECT 1 FROM role_grants g JOIN units u ON u.id = g.unit_id
      WHERE g.member_id = m.id AND g.revoked_at IS NULL AND ${inSubtree(sql`u.path`, root.path)})
    ORDER BY minutes DESC, m.id`);
}
