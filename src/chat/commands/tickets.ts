import { firstWord } from '../../chat/args.js';
import { normalizeText } from '../parser.js';
import { listCategories, takeLimitMs } from '../../domain/tickets/categories.js';
import { cancelTicket } from '../../domain/tickets/cancel.js';
import { recategorizeTicket } from '../../domain/tickets/categorize.js';
import { ticketsCoveredBy, ticketsOfMember } from '../../domain/tickets/listing.js';
import { addNote } from '../../domain/tickets/note.js';
import { type RenderEnv, stars } from '../../domain/tickets/notices.js';
import { hiddenFrom, mayStartFollowing, mayView } from '../../domain/tickets/permissions.js';
import { addPhotos, photoTarget } from '../../domain/tickets/photos.js';
import { plusOneTicket } from '../../domain/tickets/plusone.js';
import { rateTicket } from '../../domain/tickets/rate.js';
import { reopenTicket } from '../../domain/tickets/reopen.js';
import { reportTicket, type ReportResult } from '../../domain/tickets/report.js';
import { resolveTicket } from '../../domain/tickets/resolve.js';
import { phaseOf } from '../../domain/tickets/states.js';
import { getTicket, type Ticket, TICKET_PREFIX, ticketRef } from '../../domain/tickets/store.js';
import { takeTicket } from '../../domain/tickets/take.js';
import { historyOf, type TicketView, ticketView } from '../../domain/tickets/view.js';
import { communityOf, getUnit, subtreeIds } from '../../domain/org/units.js';
import { findMemberByName } from '../../domain/org/find-member.js';
import { assignTicket } from '../../domain/tickets/assign.js';
import { escalateTicket } from '../../domain/tickets/escalate.js';
import { unitsWithRole } from '../../domain/org/members.js';
import { DomainError } from '../../errors.js';
import { formatDuration } from '../../time.js';
import {
  type AttachmentConsumer,
  type CommandCtx,
  type CommandDef,
  type CommandOutput,
  defineCommand,
  hasUnit,
  refOrUsage,
  unitOf,
  UsageError,
} from '../command.js';
import type { PlainKey } from '../../i18n/index.js';
import type { OutMessage } from '../types.js';
import { typed } from '../render/speech.js';
import { statusCard } from '../render/tickets.js';

/** The ticket a command names: "T1", "t1", "1" or "#1". A malformed ref earns the usage line. */
const refArg = (token: string | undefined, usage: PlainKey) => refOrUsage(TICKET_PREFIX, token, usage);

const env = (ctx: CommandCtx): RenderEnv => ({ now: ctx.clock.now(), timeZone: ctx.settings.timeZone });

/** The staff-room card in the ticket's new state, for the adapter to put in place of the pressed one. */
const cardOf = (ctx: CommandCtx, ticket: Ticket): OutMessage => staffCard(ctx, ticketView(ctx.db, ticket));
const staffCard = (ctx: CommandCtx, view: TicketView): OutMessage => ctx.render({ kind: 'ticketCard', view, env: env(ctx) }, ctx.lang);

const isStaffSomewhere = (ctx: CommandCtx) => unitsWithRole(ctx.db, ctx.member.id, ['staff', 'admin']).length > 0;

const short = (text: string, max = 20) => ([...text].length > max ? [...text].slice(0, max).join('') + '…' : text);

const statusWord = (ctx: CommandCtx, ticket: Ticket) => ctx.t(`ticket.status.${ticket.status}`);

function reportCommand(name: 'report' | 'report_anon', words: string[], anonymous: boolean): CommandDef {
  // Both ways to report are called the same way: one usage line.
  const usage = 'report.usage';
  return defineCommand({
    name,
    words,
    args: 'required',
    usage,
    offered: hasUnit,
    run(ctx, { args, bang }) {
      // A bare 报事 is meant for the bot even when said in passing: say how, rather than stay silent.
      if (!args) return ctx.t('hint.usage', { usage: ctx.t(usage) });
      const result = reportTicket(ctx, {
        unitId: unitOf(ctx),
        roomId: ctx.room.id,
        text: args,
        anonymous,
        force: bang,
        files: ctx.files,
      });
      return reportReply(ctx, result, anonymous);
    },
  });
}

function reportReply(ctx: CommandCtx, result: ReportResult, anonymous: boolean): CommandOutput {
  const ref = ticketRef(result.ticket.id);
  if (result.kind === 'duplicate') {
    const status = statusWord(ctx, result.ticket);
    if (result.own) return ctx.t('ticket.duplicateOwn', { ref, status });
    const joined = ctx.t('ticket.duplicate', { ref, status, text: short(result.ticket.text, 30) });
    return result.anonymous ? `${joined}\n${ctx.t('ticket.duplicateAnon')}` : joined;
  }
  const lines = [
    ctx.t('ticket.reported', {
      ref,
      category: result.category.name,
      unit: result.responsible.name,
      limit: formatDuration(takeLimitMs(result.category), ctx.lang),
    }),
  ];
  if (ctx.files.length) lines.push(ctx.t('ticket.reportedPhotos', { count: ctx.files.length }));
  if (result.alsoTold) lines.push(ctx.t('ticket.reportedUrgent', { unit: result.alsoTold.name }));
  if (anonymous) lines.push(ctx.t('ticket.reportedAnon'));
  const text = lines.join('\n');
  // Neighbours in the group can back it with one press.
  if (ctx.room.kind === 'group' && !anonymous) {
    return { text, buttons: [[{ label: ctx.t('ticket.button.plusone'), command: typed(plusone, ref) }]] };
  }
  return text;
}

const status = defineCommand({
  name: 'status',
  words: ['进度', '查进度'],
  readOnly: true,
  args: 'optional',
  offered: hasUnit,
  run(ctx, { args }) {
    const [token] = firstWord(args);
    if (token === undefined) return myTickets(ctx);
    const ticket = getTicket(ctx.db, refArg(token, 'status.usage'));
    const ref = ticketRef(ticket.id);
    if (!mayView(ctx.db, ctx.member.id, ticket)) {
      // Only a neighbour is pointed at 附议: anyone else could not follow it anyway.
      const key = mayStartFollowing(ctx.db, ctx.member.id, ticket) ? 'ticket.viewForbiddenFollow' : 'ticket.viewForbidden';
      throw new DomainError('FORBIDDEN', key, { ref });
    }
    const view = ticketView(ctx.db, ticket);
    const hidden = hiddenFrom(ctx.db, ctx.member.id, ticket, view.anonymous, ctx.room.kind === 'group');
    return statusCard(ctx.t, ctx.lang, view, historyOf(ctx.db, ticket.id), env(ctx), hidden);
  },
});

function myTickets(ctx: CommandCtx): string {
  const { reported, followed } = ticketsOfMember(ctx.db, ctx.member.id);
  const visible = ctx.room.kind === 'group' ? reported.filter((t) => !t.anonymous) : reported;
  const line = (ticket: Ticket, isFollowed: boolean) =>
    ctx.t('ticket.mine.line', {
      ref: ticketRef(ticket.id),
      text: short(ticket.text),
      status: statusWord(ctx, ticket),
      followed: isFollowed ? ctx.t('ticket.mine.followed') : '',
    });
  const lines = [...visible.map((t) => line(t, false)), ...followed.map((t) => line(t, true))];
  if (!lines.length) {
    return [ctx.t('ticket.mine.none'), ...(isStaffSomewhere(ctx) ? [ctx.t('ticket.mine.staffHint')] : [])].join('\n');
  }
  return [ctx.t('ticket.mine.header'), ...lines, ctx.t('ticket.mine.hint')].join('\n');
}

/** How many tickets 工单 lists before "and N more". */
export const LIST_LIMIT = 20;

const list = defineCommand({
  name: 'tickets',
  words: ['工单', '待办工单'],
  readOnly: true,
  args: 'none',
  offered: isStaffSomewhere,
  run(ctx) {
    if (!isStaffSomewhere(ctx)) throw new DomainError('FORBIDDEN', 'ticket.listForbidden');
    const open = ticketsCoveredBy(ctx.db, ctx.member.id);
    if (!open.length) return ctx.t('ticket.list.none');
    const now = ctx.clock.now().getTime();
    const listed = open.slice(0, LIST_LIMIT);
    const lines = listed.map((ticket) => {
      const view = ticketView(ctx.db, ticket);
      const phase = ctx.t(phaseOf(ticket.status) === 'take' ? 'ticket.phase.take' : 'ticket.phase.resolve');
      const deadline =
        ticket.dueAt && ticket.dueAt.getTime() > now
          ? ctx.t('ticket.list.left', { phase, left: formatDuration(ticket.dueAt.getTime() - now, ctx.lang) })
          : ctx.t('ticket.list.late', { phase });
      return ctx.t(phaseOf(ticket.status) === 'take' ? 'ticket.list.open' : 'ticket.list.taken', {
        ref: view.ref,
        urgent: view.category.urgent ? ctx.t('ticket.urgentMark') : '',
        unit: view.origin.name,
        text: short(ticket.text),
        age: formatDuration(now - ticket.createdAt.getTime(), ctx.lang),
        taker: view.taker?.name ?? '',
        deadline,
      });
    });
    const more = open.length > LIST_LIMIT ? [ctx.t('ticket.list.more', { count: open.length - LIST_LIMIT })] : [];
    // The footer's example is a ticket in the list, one that can be taken if any can.
    const untaken = listed.find((t) => phaseOf(t.status) === 'take');
    const hint = untaken ? ctx.t('ticket.list.hint', { ref: ticketRef(untaken.id) }) : ctx.t('ticket.list.hintTaken', { ref: ticketRef(listed[0]!.id) });
    return [ctx.t('ticket.list.header', { count: open.length }), ...lines, ...more, hint].join('\n');
  },
});

const take = defineCommand({
  name: 'take',
  words: ['接单'],
  args: 'required',
  offered: isStaffSomewhere,
  run(ctx, { args }) {
    const id = refArg(firstWord(args)[0], 'take.usage');
    const ticket = takeTicket(ctx, id, { roomId: ctx.room.id });
    const view = ticketView(ctx.db, ticket);
    const reporter = ticket.anonymous ? ctx.t('ticket.anonymousName') : view.reporter.name;
    return {
      replies: [{ text: ctx.t('ticket.takenReply', { ref: view.ref, text: ticket.text, reporter }) }],
      card: staffCard(ctx, view),
    };
  },
});

/** 派单: staff above a worker hand them a ticket ("派单 T1 网格员小李"). */
const assign = defineCommand({
  name: 'assign',
  words: ['派单'],
  args: 'required',
  offered: isStaffSomewhere,
  run(ctx, { args }) {
    const [token, name] = firstWord(args);
    const id = refArg(token, 'assign.usage');
    if (!name) throw new UsageError('assign.usage');
    const ticket = getTicket(ctx.db, id);
    const assignee = findMemberByName(ctx.db, normalizeText(name), subtreeIds(ctx.db, communityOf(ctx.db, ticket.originUnitId).id));
    const assigned = assignTicket(ctx, id, { memberId: assignee.id });
    const view = ticketView(ctx.db, assigned);
    return { replies: [{ text: ctx.t('ticket.assignedReply', { ref: view.ref, name: assignee.name }) }], card: staffCard(ctx, view) };
  },
});

/** 上报: "小事不出网格，大事不出社区" — what the grid cannot settle goes up now, not at the deadline. */
const escalate = defineCommand({
  name: 'escalate',
  words: ['上报'],
  args: 'required',
  offered: isStaffSomewhere,
  run(ctx, { args }) {
    const [token, why] = firstWord(args);
    const id = refArg(token, 'escalate.usage');
    const moved = escalateTicket(ctx, id, why ? { note: why } : {});
    const view = ticketView(ctx.db, moved);
    return { replies: [{ text: ctx.t('ticket.escalatedReply', { ref: view.ref, unit: view.responsible.name }) }], card: staffCard(ctx, view) };
  },
});

const note = defineCommand({
  name: 'note',
  words: ['备注'],
  args: 'required',
  offered: isStaffSomewhere,
  run(ctx, { args }) {
    const [token, text] = firstWord(args);
    const id = refArg(token, 'note.usage');
    if (!text) throw new UsageError('note.usage');
    addNote(ctx, id, { note: text });
    return ctx.t('ticket.notedReply', { ref: ticketRef(id) });
  },
});

const resolve = defineCommand({
  name: 'resolve',
  words: ['办结', '已办结'],
  args: 'required',
  offered: isStaffSomewhere,
  run(ctx, { args }) {
    const [token, text] = firstWord(args);
    const ticket = resolveTicket(ctx, refArg(token, 'resolve.usage'), { note: text, roomId: ctx.room.id });
    return { replies: [{ text: ctx.t('ticket.resolvedReply', { ref: ticketRef(ticket.id) }) }], card: cardOf(ctx, ticket) };
  },
});

/** "5", "5分", "5星" or "⭐⭐⭐⭐⭐"; null when the word is not a rating at all. */
export function parseRating(word: string | undefined): number | null {
  if (!word) return null;
  const digits = /^(\d{1,3})(?:分|星|stars?)?$/i.exec(word);
  if (digits) return Number(digits[1]);
  if (/^(?:⭐|★)+$/u.test(word)) return [...word].length;
  return null;
}

const rate = defineCommand({
  name: 'rate',
  words: ['评价', '评分'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const [token, rest] = firstWord(args);
    const id = refArg(token, 'rate.usage');
    const [word, comment] = firstWord(rest);
    const rating = parseRating(word);
    if (rating === null) throw new UsageError('rate.usage');
    const ticket = rateTicket(ctx, id, { rating, comment });
    const ref = ticketRef(ticket.id);
    return {
      replies: [{ text: ctx.t('ticket.ratedReply', { ref, stars: stars(rating) }) }],
      card: { text: ctx.t('ticket.ratedCard', { ref, stars: stars(rating) }) },
    };
  },
});

const reopen = defineCommand({
  name: 'reopen',
  words: ['重开', '没解决', '重新打开'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const [token, reason] = firstWord(args);
    const ticket = reopenTicket(ctx, refArg(token, 'reopen.usage'), { reason });
    const view = ticketView(ctx.db, ticket);
    const text = ctx.t('ticket.reopenedReply', {
      ref: view.ref,
      unit: view.responsible.name,
      limit: formatDuration(takeLimitMs(view.category), ctx.lang),
    });
    // Pressed under the rating request, the card takes its stars away: there is nothing to rate now.
    return { replies: [{ text }], card: { text } };
  },
});

const plusone = defineCommand({
  name: 'plusone',
  words: ['附议', '+1'],
  aliases: ['metoo'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const ticket = plusOneTicket(ctx, refArg(firstWord(args)[0], 'plusone.usage'), { roomId: ctx.room.id });
    return ctx.t('ticket.plusOneReply', { ref: ticketRef(ticket.id), count: ticket.plusOnes });
  },
});

const categorize = defineCommand({
  name: 'category',
  words: ['分类', '改分类'],
  aliases: ['categorize'],
  args: 'required',
  offered: isStaffSomewhere,
  run(ctx, { args }) {
    const [token, name] = firstWord(args);
    const id = refArg(token, 'category.usage');
    if (!name) {
      const names = listCategories(ctx.db, { activeOnly: true }).map((c) => c.name);
      return [ctx.t('hint.usage', { usage: ctx.t('category.usage') }), ctx.t('ticket.categories', { names })].join('\n');
    }
    const { ticket, moved } = recategorizeTicket(ctx, id, { category: normalizeText(name) });
    const view = ticketView(ctx.db, ticket);
    const lines = [ctx.t('ticket.categorizedReply', { ref: view.ref, name: view.category.name })];
    if (moved) lines.push(ctx.t('ticket.categorizedMoved', { unit: getUnit(ctx.db, ticket.responsibleUnitId).name }));
    return lines.join('\n');
  },
});

const cancel = defineCommand({
  name: 'cancel',
  words: ['撤销', '撤回'],
  args: 'required',
  offered: hasUnit,
  run(ctx, { args }) {
    const [token, reason] = firstWord(args);
    const ticket = cancelTicket(ctx, refArg(token, 'cancel.usage'), { reason, roomId: ctx.room.id });
    return { replies: [{ text: ctx.t('ticket.cancelledReply', { ref: ticketRef(ticket.id) }) }], card: cardOf(ctx, ticket) };
  },
});

/** Photos a reporter sends on their own within two minutes of a report attach to it. */
export const ticketPhotoConsumer: AttachmentConsumer<number> = {
  name: 'ticket-photos',
  find: (ctx) => photoTarget(ctx.db, { memberId: ctx.member.id, roomId: ctx.room.id, now: ctx.clock.now() }),
  attach(ctx, ticketId, files) {
    const { added } = addPhotos(ctx, ticketId, files);
    return added ? ctx.t('ticket.photosAdded', { ref: ticketRef(ticketId), count: added }) : undefined;
  },
};

export const ticketCommands: CommandDef[] = [
  reportCommand('report', ['报事', '报修'], false),
  reportCommand('report_anon', ['匿名报事', '匿名报修'], true),
  status,
  rate,
  reopen,
  plusone,
  cancel,
  list,
  take,
  assign,
  escalate,
  note,
  resolve,
  categorize,
];
