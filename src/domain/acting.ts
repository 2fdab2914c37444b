import { DomainError } from '../errors.js';
import type { Ctx } from './context.js';

/** How each area refuses a token or a job trying what only a person may do. */
const MEMBERS_ONLY = {
  ticket: 'ticket.memberOnly',
  task: 'task.memberOnly',
  redeem: 'redeem.memberOnly',
} as const;

/** The member behind the call, or the area's refusal when a token or a job is acting. */
export function requireMember(ctx: Ctx, area: keyof typeof MEMBERS_ONLY): number {
  if (ctx.actor.kind !== 'member') throw new DomainError('FORBIDDEN', MEMBERS_ONLY[area]);
  return ctx.actor.memberId;
}

/** The member behind the call, if a member is acting. */
export const actingMemberId = (ctx: Pick<Ctx, 'actor'>): number | undefined => (ctx.actor.kind === 'member' ? ctx.actor.memberId : undefined);
