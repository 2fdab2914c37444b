import { firstWord } from '../args.js';
import { type CommandCtx, type CommandDef, defineCommand, hasUnit, isStaffHere, refOrUsage, unitOf, UsageError } from '../command.js';
import { normalizeText } from '../parser.js';
import type { HandleResult, OutMessage } from '../types.js';
import { typed } from '../render/speech.js';
import { balanceOf, findAccount, memberAccount, merchantAccount, statement } from '../../domain/ledger/accounts.js';
import { monthRange } from '../../domain/month.js';
import { findMemberByName } from '../../domain/org/find-member.js';
import { activeGrants, getMember } from '../../domain/org/members.js';
import { getUnit, subtree } from '../../domain/org/units.js';
import { taskCardNotice } from '../../domain/timebank/cards.js';
import { claimTask, withdrawClaim } from '../../domain/timebank/claim.js';
import { completeTask } from '../../domain/timebank/complete.js';
import { confirmCompletion } from '../../domain/timebank/confirm.js';
import { disputeCompletion } from '../../domain/timebank/dispute.js';
import { chineseNumber, hoursOf, parseHours } from '../../domain/timebank/hours.js';
import { formatHours } from '../../time.js';
import { topVolunteers } from '../../domain/timebank/leaderboard.js';
import { communityOf } from '../../domain/org/units.js';
import { postTask, postWish } from '../../domain/timebank/post-wish.js';
import { ruleCompletion } from '../../domain/timebank/rule.js';
import { completionsOf, getTask, openTasksFor, type Task, taskRef } from '../../domain/timebank/tasks.js';
import { DomainError } from '../../errors.js';
import { formatDateTime, localParts } from '../../time.js';
import type { MessageKey, PlainKey, Translate } from '../../i18n/index.js';
import type { Lang } from '../../config.js';
import { notifyMember } from '../../domain/notify.js';
import { privateHint } from './rewards.js';

/** "W3" → 3, or the usage line. */
const taskIdFrom = (token: string | undefined, usage: PlainKey) => refOrUsage('W', token, usage);

/** The task's card as the groups see it, with its 认领 button while a slot is open. */
const taskCard = (ctx: CommandCtx, task: Task): OutMessage => ctx.render(taskCardNotice(ctx.db, task), ctx.lang);

/** A wish posted in a residents' group is shown there as its card; elsewhere it is announced and confirmed. */
function wishPosted(ctx: CommandCtx, task: Task): string | HandleResult {
  if (ctx.room.kind === 'group' && ctx.room.purpose === 'residents') return { replies: [taskCard(ctx, task)] };
  return ctx.t(task.kind === 'wish' ? 'wish.posted' : 'posttask.posted', {
    ref: taskRef(task.id),
    title: task.title,
    unit: getUnit(ctx.db, task.unitId).name,
  });
}

/**
 * Staff posting for a resident name them; the resident is looked up among the members of this room's
 * unit and below, and the wish goes to the unit where they live.
 */
function postWishFor(ctx: CommandCtx, name: string, title: string): string | HandleResult {
  if (!title.trim()) throw new UsageError('wish.usage');
  const here = unitOf(ctx);
  const units = subtree(ctx.db, here);
  const requester = findMemberByName(
    ctx.db,
    name,
    units.map((u) => u.id),
  );
  const homes = activeGrants(ctx.db, requester.id).filter((g) => units.some((u) => u.id === g.unitId));
  const deepest = units.filter((u) => homes.some((g) => g.unitId === u.id)).sort((a, b) => b.depth - a.depth)[0];
  const task = postWish(ctx, { unitId: deepest?.id ?? here, title, requesterId: requester.id, skipRoomId: ctx.room.id });
  return wishPosted(ctx, task);
}

const wish = defineCommand({
  name: 'wish',
  words: ['心愿', '微心愿'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    // "心愿达成了" in passing is talk, not a wish: unaddressed, the word must stand apart.
    if (!ctx.addressed && /^微?心愿[^\s:：,，]/.test(normalizeText(ctx.message.text))) return undefined;
    if (normalizeText(args).startsWith('@')) {
      const [name, title] = firstWord(args);
      return postWishFor(ctx, name!.slice(1), title);
    }
    if (!args) throw new UsageError('wish.usage');
    const task = postWish(ctx, { unitId: unitOf(ctx), title: args, skipRoomId: ctx.room.id });
    return wishPosted(ctx, task);
  },
});

const WISH_WORDS = ['心愿', '微心愿', '/wish', 'wish'];

const onBehalf = defineCommand({
  name: 'onbehalf',
  words: ['代'],
  aliases: ['for'],
  args: 'required',
  offered: isStaffHere,
  run(ctx, { args }) {
    const [name, rest] = firstWord(args);
    // Full-width forms fold one character to one, so the word's length cuts the text as written.
    const word = WISH_WORDS.find((w) => normalizeText(rest).toLowerCase().startsWith(w));
    if (!name || !word) throw new UsageError('onbehalf.usage');
    return postWishFor(ctx, name.replace(/^@/, ''), rest.slice(word.length).replace(/^[\s:：,，]+/, ''));
  },
});

/** "3人 夜间巡逻", "三人 巡逻", "3 patrol" → [3, "夜间巡逻"]; no number means one volunteer. */
function slotsAndTitle(args: string): [number, string] {
  const m =
    /^([\d０-９]+|[一二两三四五六七八九十]+)\s*(?:人|名|位)?\s+(.+)$/.exec(args) ?? /^([\d０-９]+|[一二两三四五六七八九十]+)\s*(?:人|名|位)\s*(.+)$/.exec(args);
  if (!m) return [1, args];
  return [/^[\d０-９]+$/.test(m[1]!) ? Number(m[1]!.normalize('NFKC')) : chineseNumber(m[1]!), m[2]!];
}

const postTaskCommand = defineCommand({
  name: 'posttask',
  words: ['发布任务'],
  args: 'required',
  offered: isStaffHere,
  run(ctx, { args }) {
    const [slots, title] = slotsAndTitle(args);
    if (!title.trim()) throw new UsageError('posttask.usage');
    const task = postTask(ctx, { unitId: unitOf(ctx), title, slots, skipRoomId: ctx.room.id });
    return wishPosted(ctx, task);
  },
});

const tasksCommand = defineCommand({
  name: 'tasks',
  words: ['任务', '心愿墙'],
  readOnly: true,
  args: 'none',
  offered: hasUnit,
  run(ctx) {
    const open = openTasksFor(ctx.db, unitOf(ctx));
    if (!open.length) return ctx.t('tasks.none');
    const lines = open.map((task) =>
      ctx.t('tasks.line', {
        ref: taskRef(task.id),
        title: task.title,
        unit: task.unitName,
        left: task.slots - task.claimed,
        kind: ctx.t(task.kind === 'wish' ? 'tasks.kind.wish' : 'tasks.kind.task'),
      }),
    );
    return {
      text: [ctx.t('tasks.header'), ...lines, ctx.t('tasks.footer')].join('\n'),
      buttons: open.slice(0, 8).map((task) => [{ label: `${ctx.t('task.button.claim')} ${taskRef(task.id)}`, command: typed(claimCommand, taskRef(task.id)) }]),
    };
  },
});

const claimCommand = defineCommand({
  name: 'claim',
  words: ['认领'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const taskId = taskIdFrom(firstWord(args)[0], 'claim.usage');
    const { task } = claimTask(ctx, { taskId, roomId: ctx.room.id });
    const card = taskCard(ctx, getTask(ctx.db, task.id));
    return { replies: [{ text: ctx.t('claim.done', { ref: taskRef(task.id), title: task.title, name: ctx.member.name }) }], card };
  },
});

const unclaim = defineCommand({
  name: 'unclaim',
  words: ['放弃认领', '取消认领'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const taskId = taskIdFrom(firstWord(args)[0], 'unclaim.usage');
    const { task } = withdrawClaim(ctx, { taskId });
    const card = taskCard(ctx, getTask(ctx.db, task.id));
    return { replies: [{ text: ctx.t('unclaim.done', { ref: taskRef(task.id) }) }], card };
  },
});

const done = defineCommand({
  name: 'done',
  words: ['完成'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const [token, rest] = firstWord(args);
    const taskId = taskIdFrom(token, 'done.usage');
    if (!rest) throw new UsageError('done.usage');
    const minutes = parseHours(rest);
    if (minutes === null) throw new DomainError('INVALID_INPUT', 'complete.badDuration', { text: rest.slice(0, 20) });
    const result = completeTask(ctx, { taskId, minutes });
    const { task } = result;
    const params = {
      ref: taskRef(task.id),
      hours: formatHours(minutes, ctx.lang),
      points: result.points,
      requester: task.requesterId === null ? '' : getMember(ctx.db, task.requesterId).name,
      cap: formatHours(task.capMinutes, ctx.lang),
    };
    const key: MessageKey = result.overCap ? 'done.overCap' : task.requesterId === null ? 'done.staffTask' : 'done.reported';
    return (result.corrected ? ctx.t('done.corrected') : '') + ctx.t(key, params);
  },
});

/** "W3 杨幼红" names the volunteer among those who reported on the task. */
function volunteerNamed(ctx: CommandCtx, taskId: number, name: string | undefined): number | undefined {
  if (!name) return undefined;
  const wanted = name.replace(/^@/, '');
  const found = completionsOf(ctx.db, taskId).find((c) => c.name === wanted);
  if (!found) throw new DomainError('NOT_FOUND', 'task.noSuchVolunteer', { ref: taskRef(taskId), name: wanted });
  return found.volunteerId;
}

const confirmCommand = defineCommand({
  name: 'confirm',
  words: ['确认'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const [token, rest] = firstWord(args);
    const taskId = taskIdFrom(token, 'confirm.usage');
    // "确认 W1", "确认 W1 杨幼红", "确认 W1 2小时", "确认 W1 杨幼红 2小时"; the button sends "/confirm W1 120m".
    let minutes = rest ? parseHours(rest) : null;
    let volunteerId: number | undefined;
    if (rest && minutes === null) {
      const [name, duration] = firstWord(rest);
      volunteerId = volunteerNamed(ctx, taskId, name);
      minutes = duration ? parseHours(duration) : null;
      if (duration && minutes === null) throw new DomainError('INVALID_INPUT', 'complete.badDuration', { text: duration.slice(0, 20) });
    }
    const { task, credited } = confirmCompletion(ctx, {
      taskId,
      ...(volunteerId === undefined ? {} : { volunteerId }),
      ...(minutes === null ? {} : { minutes }),
    });
    const lines = credited.map((c) => ctx.t('confirm.line', { name: c.name, hours: formatHours(c.creditedMinutes ?? 0, ctx.lang), points: c.points }));
    const text = [ctx.t('confirm.done', { ref: taskRef(task.id) }), ...lines].join('\n');
    // Pressed under the volunteer's report, the card takes the 确认 button away: there is nothing left to confirm.
    return { replies: [{ text }], card: { text } };
  },
});

const disputeCommand = defineCommand({
  name: 'dispute',
  words: ['不确认', '有异议'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const [token, reason] = firstWord(args);
    const taskId = taskIdFrom(token, 'dispute.usage');
    if (!reason) throw new UsageError('dispute.usage');
    const { completion } = disputeCompletion(ctx, { taskId, reason });
    return ctx.t('dispute.done', { ref: taskRef(taskId), name: completion.name });
  },
});

/** "0", "0小时": a ruling may credit nothing. */
const parseRuling = (text: string) => (/^(0+|零)\s*(小时|h|分钟|分|min)?$/i.test(text.normalize('NFKC').trim()) ? 0 : parseHours(text));

const ruleCommand = defineCommand({
  name: 'rule',
  words: ['裁定'],
  args: 'required',
  offered: isStaffHere,
  run(ctx, { args }) {
    const [token, rest] = firstWord(args);
    const taskId = taskIdFrom(token, 'rule.usage');
    if (!rest) throw new UsageError('rule.usage');
    let minutes = parseRuling(rest);
    let volunteerId: number | undefined;
    if (minutes === null) {
      const [name, duration] = firstWord(rest);
      minutes = parseRuling(duration);
      if (minutes === null) throw new DomainError('INVALID_INPUT', 'complete.badDuration', { text: (duration || rest).slice(0, 20) });
      volunteerId = volunteerNamed(ctx, taskId, name);
    }
    const { completion } = ruleCompletion(ctx, { taskId, minutes, ...(volunteerId === undefined ? {} : { volunteerId }) });
    return ctx.t('rule.done', { ref: taskRef(taskId), name: completion.name, hours: formatHours(minutes, ctx.lang), points: completion.points });
  },
});

/** Balance and hours; with `entries`, the settlement account and the last five movements too. */
function pointsText(ctx: CommandCtx, t: Translate, lang: Lang, entries: boolean): string {
  const me = memberAccount(ctx.member.id);
  const hours = hoursOf(ctx.db, ctx.member.id);
  const lines = [
    t('points.header', { name: ctx.member.name, points: balanceOf(ctx.db, me) }),
    t('points.hours', { given: formatHours(hours.givenMinutes, lang), received: formatHours(hours.receivedMinutes, lang) }),
  ];
  if (!entries) return lines.join('\n');
  const settlement = findAccount(ctx.db, merchantAccount(ctx.member.id));
  if (settlement) lines.push(t('points.merchant', { points: settlement.balance }));
  const recent = statement(ctx.db, me, { limit: 5 });
  lines.push(recent.length ? t('points.recent') : t('points.none'));
  for (const line of recent) {
    lines.push(
      t('points.line', {
        at: formatDateTime(line.at, ctx.settings.timeZone, lang, ctx.clock.now()),
        amount: line.amount > 0 ? `+${line.amount}` : String(line.amount),
        reason: t(`ledger.reason.${line.reason}`),
        memo: line.memo,
      }),
    );
  }
  return lines.join('\n');
}

const points = defineCommand({
  name: 'points',
  words: ['积分', '我的积分'],
  readOnly: true,
  aliases: ['balance'],
  args: 'none',
  offered: hasUnit,
  run(ctx) {
    if (ctx.room.kind === 'private') return pointsText(ctx, ctx.t, ctx.lang, true);
    // In a group the entries (what vouchers someone bought) would be read by everyone: they go privately, like
    // 我的券. With no private chat to send them to, the balance and hours asked for are answered here, and
    // the entries wait until one is opened.
    const sent = notifyMember(ctx, ctx.member.id, (t, lang) => ({ text: pointsText(ctx, t, lang, true) }), `member:${ctx.member.id}`);
    if (sent) return ctx.t('points.sentPrivately');
    return [pointsText(ctx, ctx.t, ctx.lang, false), ctx.t('points.openPrivate', { hint: privateHint(ctx) })].join('\n');
  },
});

const top = defineCommand({
  name: 'top',
  words: ['排行', '排行榜'],
  readOnly: true,
  aliases: ['leaderboard'],
  args: 'none',
  offered: hasUnit,
  run(ctx) {
    const community = communityOf(ctx.db, unitOf(ctx));
    const now = ctx.clock.now();
    const month = monthRange(now, ctx.settings.timeZone);
    const { year, month: m } = localParts(now, ctx.settings.timeZone);
    const standings = topVolunteers(ctx.db, { unitId: community.id, from: month.start, to: month.end });
    const header = ctx.t('top.header', { unit: community.name, year, month: m });
    if (!standings.length) return `${header}\n${ctx.t('top.none')}`;
    const medal = (i: number) => ['🥇', '🥈', '🥉'][i] ?? `${i + 1}.`;
    return [
      header,
      ...standings.map((s, i) => ctx.t('top.line', { rank: medal(i), name: s.name, hours: formatHours(s.minutes, ctx.lang), points: s.points })),
    ].join('\n');
  },
});

export const timebankCommands: CommandDef[] = [
  wish,
  onBehalf,
  tasksCommand,
  claimCommand,
  unclaim,
  done,
  confirmCommand,
  disputeCommand,
  ruleCommand,
  postTaskCommand,
  points,
  top,
];
