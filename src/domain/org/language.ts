import type { Lang } from '../../config.js';
import type { Ctx } from '../context.js';
import { getMember } from './members.js';

/** The language to word an answer to the actor in: a member's own, else the configured default. */
export function actorLanguage(ctx: Ctx): Lang {
  return ctx.actor.kind === 'member' ? getMember(ctx.db, ctx.actor.memberId).language : ctx.settings.lang;
}
