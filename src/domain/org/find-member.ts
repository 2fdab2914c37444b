import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { identities, members, roleGrants } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import type { Member } from './members.js';

/**
 * The member called `name` (their name, or the name they show on a platform) among those holding a role
 * on one of `unitIds`: how staff name a resident they act for ("代 王阿姨 心愿 …").
 */
export function findMemberByName(db: Db, name: string, unitIds: number[]): Member {
  const wanted = name.trim().replace(/^@/, '');
  const found = db
    .selectDistinct({ member: members })
    .from(members)
    .innerJoin(roleGrants, and(eq(roleGrants.memberId, members.id), isNull(roleGrants.revokedAt)))
    .leftJoin(identities, eq(identities.memberId, members.id))
    .where(
      and(
        inArray(roleGrants.unitId, unitIds.length ? unitIds : [-1]),
        isNull(members.mergedInto),
        or(eq(members.name, wanted), eq(identities.displayName, wanted)),
      ),
    )
    .all()
    .map((r) => r.member);
  const unique = [...new Map(found.map((m) => [m.id, m])).values()];
  if (!unique.length) throw new DomainError('NOT_FOUND', 'member.notFoundByName', { name: wanted });
  if (unique.length > 1) throw new DomainError('CONFLICT', 'member.ambiguousName', { name: wanted, count: unique.length });
  return unique[0]!;
}
