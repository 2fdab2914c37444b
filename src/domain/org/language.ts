import type { Lang } from '../../config.js';
import type { Ctx } from '../context.js';
import { getMember } from './members.js';

/** The language to word an answer to the actor in: a member's own, an API caller's, else the configured default. */
export function actorLanguage(ctx: Ctx): Lang {
  if (ctx.actor.kind === 'member') return getMember(ctx.db, ctx.actor.memberId).language;
  return (ctx.actor.kind === 'token' ? ctx.actor.lang : undefined) ?? ctx.settings.lang;
}
