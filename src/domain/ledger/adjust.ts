import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { actsAsStaffFor, belongsTo } from '../org/authority.js';
import { currentMemberId, getMember } from '../org/members.js';
import { getUnit } from '../org/units.js';
import { memberAccount, poolAccount } from './accounts.js';
import { type Posted, post } from './post.js';

export interface AdjustInput {
  memberId: number;
  /** Whose pool the points come from (a grant) or go back to (a deduction). */
  unitId: number;
  /** Positive grants, negative deducts. */
  points: number;
  reason: string;
  idempotencyKey: string;
}

/** A grant from a unit's pool (garden adoption, a civic act) or a deduction back to it, with a reason. */
export function adjust(ctx: Ctx, input: AdjustInput): Posted {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError('INVALID_INPUT', 'ledger.reasonRequired');
  if (!Number.isSafeInteger(input.points) || input.points === 0) {
    throw new DomainError('INVALID_INPUT', 'ledger.badAmount', { amount: String(input.points) });
  }
  return inTransaction(ctx.db, () => {
    // A record merged into another is the same person: points for it go to the record they use now.
    const member = getMember(ctx.db, currentMemberId(ctx.db, input.memberId));
    const unit = getUnit(ctx.db, input.unitId);
    if (!actsAsStaffFor(ctx, unit.id)) throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    if (ctx.actor.kind === 'member' && ctx.actor.memberId === member.id) throw new DomainError('FORBIDDEN', 'ledger.notForYourself');
    if (!belongsTo(ctx.db, member.id, unit.id)) throw new DomainError('INVALID_INPUT', 'ledger.notInUnit', { name: member.name, unit: unit.name });
    const posted = post(ctx, {
      legs: [
        { account: poolAccount(unit.id), amount: -input.points },
        { account: memberAccount(member.id), amount: input.points },
      ],
      reason: 'adjust',
      ref: `member:${member.id}`,
      memo: reason,
      idempotencyKey: `adjust:${input.idempotencyKey}`,
    });
    if (!posted.repeated) {
      audit(ctx, 'ledger.adjust', { type: 'member', id: member.id }, { unitId: unit.id, points: input.points, reason, transactionId: posted.transaction.id });
    }
    return posted;
  });
}
