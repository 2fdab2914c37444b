import { eq } from 'drizzle-orm';
import { MINUTE } from '../../clock.js';
import { units } from '../../db/schema/index.js';
import type { RoomPurpose } from '../../db/schema/index.js';
import { createBindingCode, DEFAULT_CODE_TTL_MS, useBindingCode } from '../../domain/org/binding-codes.js';
import { decideLink, type LinkDecision, platformKey } from '../../domain/org/link-requests.js';
import { activeGrants, canActAsStaff, updateMember } from '../../domain/org/members.js';
import { getUnit } from '../../domain/org/units.js';
import { DomainError } from '../../errors.js';
import { firstWord } from '../args.js';
import { type CommandCtx, type CommandDef, defineCommand, hasUnit, UsageError } from '../command.js';
import { normalizeText } from '../parser.js';
import { t } from '../../i18n/index.js';

export function describePlace(ctx: CommandCtx): string {
  if (ctx.room.kind === 'private') return ctx.t('help.place.private');
  if (ctx.room.unitId === null || ctx.room.purpose === null) return ctx.t('help.place.unbound');
  return ctx.t('help.place.group', {
    unit: getUnit(ctx.db, ctx.room.unitId).name,
    purpose: ctx.t(`purpose.${ctx.room.purpose}`),
  });
}

/** Help lists only what this member may use in this room. */
export function createHelpCommand(all: () => readonly CommandDef[]): CommandDef {
  return defineCommand({
    name: 'help',
    words: ['帮助', '菜单'],
    readOnly: true,
    aliases: ['start_help', 'menu'],
    args: 'none',
    run(ctx) {
      const lines = all()
        .filter((c) => c.help && placeFits(c, ctx) && (c.offered?.(ctx) ?? true))
        .map((c) => '· ' + ctx.t(c.help!));
      return [ctx.t('help.header', { place: describePlace(ctx) }), ...lines, ...placeHint(ctx), ctx.t('help.footer')].join('\n');
    },
  });
}

/** Where the neighbourhood's commands are not on offer, how to get them: bind the group, or join one. */
function placeHint(ctx: CommandCtx): string[] {
  if (ctx.room.kind === 'group' && ctx.room.unitId === null) return [ctx.t('help.unbound')];
  if (!hasUnit(ctx)) return [ctx.t('help.noUnit')];
  return [];
}

export function placeFits(command: CommandDef, ctx: CommandCtx): boolean {
  if (command.where === 'group') return ctx.room.kind === 'group';
  if (command.where === 'private') return ctx.room.kind === 'private';
  return true;
}

const bind = defineCommand({
  name: 'bind',
  words: ['绑定'],
  aliases: ['start'],
  args: 'required',
  offered: (ctx) => ctx.room.kind === 'private' || ctx.room.unitId === null,
  run(ctx, { args }) {
    const [code] = firstWord(args);
    if (!code || !/^[A-Za-z0-9-]{4,32}$/.test(code)) throw new UsageError('bind.usage');
    const result = useBindingCode(ctx, {
      code,
      room: ctx.room,
      sender: { platform: ctx.message.platform, platformUserId: ctx.message.senderId, displayName: ctx.message.senderName },
      speakerId: ctx.member.id,
    });
    if (result.kind === 'room') {
      return ctx.t('bind.roomBound', { unit: result.unit.name, purpose: ctx.t(`purpose.${result.purpose}`) });
    }
    if (result.kind === 'pending') return ctx.t(result.asked ? 'bind.linkPending' : 'bind.linkPendingAdmin');
    return ctx.t('bind.memberLinked', { name: result.member.name });
  },
});

/** Typed words are looked up in Maps: in a plain object, `__proto__` or `constructor` would be found too. */
const PURPOSE_WORDS = new Map<string, RoomPurpose>([
  ['居民', 'residents'],
  ['居民群', 'residents'],
  ['residents', 'residents'],
  ['工作', 'staff'],
  ['工作群', 'staff'],
  ['员工', 'staff'],
  ['staff', 'staff'],
]);

const bindcode = defineCommand({
  name: 'bindcode',
  words: ['绑定码', '生成绑定码'],
  args: 'required',
  offered: (ctx) => activeGrants(ctx.db, ctx.member.id).some((g) => g.role === 'admin' || g.role === 'staff'),
  run(ctx, { args }) {
    const parts = normalizeText(args).split(' ').filter(Boolean);
    const last = parts.at(-1);
    const purpose = last !== undefined && PURPOSE_WORDS.get(last.toLowerCase());
    if (purpose) parts.pop();
    const name = parts.join(' ');
    if (!name) throw new UsageError('bindcode.usage');
    const candidates = ctx.db.select().from(units).where(eq(units.name, name)).all();
    if (!candidates.length) throw new DomainError('NOT_FOUND', 'unit.notFoundByName', { name });
    const unit = candidates.find((u) => canActAsStaff(ctx.db, ctx.member.id, u.id));
    if (!unit) throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    const row = createBindingCode(ctx, { unitId: unit.id, purpose: purpose || 'residents' });
    return ctx.t('bindcode.created', {
      unit: unit.name,
      purpose: ctx.t(`purpose.${purpose || 'residents'}`),
      code: row.code,
      days: Math.round(DEFAULT_CODE_TTL_MS / (24 * 60 * MINUTE)),
    });
  },
});

const LINK_CODE_TTL_MS = 15 * MINUTE;

const linkcode = defineCommand({
  name: 'linkcode',
  words: ['关联码', '我的关联码'],
  args: 'none',
  where: 'private',
  run(ctx) {
    const row = createBindingCode(ctx, { memberId: ctx.member.id }, LINK_CODE_TTL_MS);
    return ctx.t('linkcode.created', { code: row.code, minutes: LINK_CODE_TTL_MS / MINUTE });
  },
});

/** The answer of a member asked whether another platform's account is theirs (a link code someone else made). */
function linkDecision(name: 'linkconfirm' | 'linkrefuse', words: string[], decision: LinkDecision): CommandDef {
  return defineCommand({
    name,
    words,
    args: 'required',
    where: 'private',
    offered: () => false,
    run(ctx, { args }) {
      const ref = args.split(' ')[0] ?? '';
      if (!/^\d{1,9}$/.test(ref)) throw new UsageError(`${name}.usage`);
      const { request } = decideLink(ctx, Number(ref), decision);
      const platform = platformKey(request.platform);
      const said = { name: request.displayName, platform: platform ? ctx.t(platform) : request.platform };
      return ctx.t(decision === 'confirm' ? 'link.confirmedByYou' : 'link.refusedByYou', said);
    },
  });
}

const linkconfirm = linkDecision('linkconfirm', ['确认关联'], 'confirm');
const linkrefuse = linkDecision('linkrefuse', ['拒绝关联'], 'refuse');

const me = defineCommand({
  name: 'me',
  words: ['我的', '我的信息', '我是谁'],
  readOnly: true,
  aliases: ['whoami'],
  args: 'none',
  run(ctx) {
    const grants = activeGrants(ctx.db, ctx.member.id);
    const roles = grants.length ? grants.map((g) => `${ctx.t(`role.${g.role}`)}@${g.unitName}`) : ctx.t('me.noRoles');
    return ctx.t('me.summary', {
      name: ctx.member.name,
      roles,
      party: ctx.member.partyMember ? ctx.t('me.party') : '',
    });
  },
});

const LANG_WORDS = new Map<string, 'zh' | 'en'>([
  ['zh', 'zh'],
  ['中文', 'zh'],
  ['汉语', 'zh'],
  ['chinese', 'zh'],
  ['en', 'en'],
  ['english', 'en'],
  ['英文', 'en'],
  ['英语', 'en'],
]);

const lang = defineCommand({
  name: 'lang',
  words: ['语言'],
  aliases: ['language'],
  args: 'required',
  run(ctx, { args }) {
    const chosen = LANG_WORDS.get(normalizeText(args).toLowerCase());
    if (!chosen) throw new UsageError('lang.usage');
    updateMember(ctx, ctx.member.id, { language: chosen });
    return t(chosen, 'lang.set');
  },
});

export const foundationCommands: CommandDef[] = [bind, me, lang, linkcode, bindcode, linkconfirm, linkrefuse];
