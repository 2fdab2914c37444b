import type { Translate } from '../../i18n/index.js';
import type { Button, OutMessage } from '../../chat/types.js';
import type { Lang } from '../../config.js';
import { formatDateTime, formatDuration } from '../../time.js';
import type { HistoryEntry, TicketView } from './view.js';

/** When a notice is rendered, and in which zone its times are read. */
export interface RenderEnv {
  now: Date;
  timeZone: string;
}

export const stars = (n: number) => '⭐'.repeat(n);

const when = (env: RenderEnv, lang: Lang, date: Date) => formatDateTime(date, env.timeZone, lang, env.now);

/** A member as a ticket's card or history names them: "一位居民" when they are among the `hidden`. */
const personName = (t: Translate, member: { id: number; name: string }, hidden: ReadonlySet<number>) =>
  hidden.has(member.id) ? t('ticket.anonymousName') : member.name;

export const takeButton = (t: Translate, ref: string): Button => ({ label: t('ticket.button.take'), command: `/take ${ref}` });
export const resolveButton = (t: Translate, ref: string): Button => ({ label: t('ticket.button.resolve'), command: `/resolve ${ref}` });

/** What the staff room sees of a ticket, in its current state, with the button for the next step. */
/** The first line of every card: state, reference, category, and whether it is urgent. */
function cardHeader(t: Translate, v: TicketView): string {
  return t('ticket.card.header', {
    icon: STATUS_ICON[v.ticket.status],
    ref: v.ref,
    category: v.category.name,
    status: t(`ticket.status.${v.ticket.status}`),
    urgent: v.category.urgent ? t('ticket.urgentTag') : '',
  });
}

export function staffCard(t: Translate, lang: Lang, v: TicketView, env: RenderEnv): OutMessage {
  const { ticket, ref } = v;
  const lines = [
    cardHeader(t, v),
    v.origin.id === v.responsible.id
      ? t('ticket.card.where', { origin: v.origin.name })
      : t('ticket.card.whereEscalated', { origin: v.origin.name, responsible: v.responsible.name }),
    t('ticket.card.text', { text: ticket.text }),
    t('ticket.card.reporter', { name: personName(t, v.reporter, v.anonymous), time: when(env, lang, ticket.createdAt) }) +
      (ticket.plusOnes ? t('ticket.card.plusOnes', { count: ticket.plusOnes }) : '') +
      (v.photos ? t('ticket.card.photos', { count: v.photos }) : ''),
  ];
  const buttons: Button[][] = [];
  switch (ticket.status) {
    case 'open':
      lines.push(deadlineLine(t, lang, v, env, 'take'));
      if (v.suggested) lines.push(t('ticket.card.suggested', { name: v.suggested.name }));
      lines.push(t('ticket.card.howToTake', { ref }));
      buttons.push([takeButton(t, ref)]);
      break;
    case 'taken':
      lines.push(t('ticket.card.takenBy', { name: v.taker?.name ?? '', time: when(env, lang, ticket.takenAt ?? ticket.updatedAt) }));
      lines.push(deadlineLine(t, lang, v, env, 'resolve'));
      lines.push(t('ticket.card.howToResolve', { ref }));
      buttons.push([resolveButton(t, ref)]);
      break;
    case 'resolved':
      lines.push(resolvedLine(t, lang, v, env));
      lines.push(t('ticket.card.awaitingRating'));
      break;
    case 'closed':
      if (ticket.resolvedAt) lines.push(resolvedLine(t, lang, v, env));
      lines.push(
        ticket.rating === null
          ? t('ticket.card.unrated')
          : t('ticket.card.rated', { stars: stars(ticket.rating), comment: ticket.comment ? `「${ticket.comment}」` : '' }),
      );
      break;
    case 'cancelled':
      break;
  }
  return buttons.length ? { text: lines.join('\n'), buttons } : { text: lines.join('\n') };
}

const STATUS_ICON = { open: '🆕', taken: '🔧', resolved: '✅', closed: '☑️', cancelled: '✖️' } as const;

function resolvedLine(t: Translate, lang: Lang, v: TicketView, env: RenderEnv): string {
  return t('ticket.card.resolvedBy', {
    name: v.taker?.name ?? '',
    time: when(env, lang, v.ticket.resolvedAt ?? v.ticket.updatedAt),
    note: v.resolution ? `：${v.resolution}` : '',
  });
}

function deadlineLine(t: Translate, lang: Lang, v: TicketView, env: RenderEnv, phase: 'take' | 'resolve'): string {
  const due = v.ticket.dueAt;
  if (!due) return t('ticket.card.overdueTop');
  const left = due.getTime() - env.now.getTime();
  if (left <= 0) return t('ticket.card.overdue', { phase: t(`ticket.phase.${phase}`), time: when(env, lang, due) });
  return t('ticket.card.deadline', { phase: t(`ticket.phase.${phase}`), time: when(env, lang, due), left: formatDuration(left, lang) });
}

/**
 * The ticket's history, one line per event; the events of the `hidden` (anonymous people this reader may
 * not see named: see hiddenFrom) are "一位居民"'s.
 */
export function historyLines(t: Translate, lang: Lang, entries: HistoryEntry[], env: RenderEnv, hidden: ReadonlySet<number>): string[] {
  return entries.map(({ event, actor, unitName, categoryNames }) => {
    const who =
      event.actorKind === 'system'
        ? t('ticket.actor.system')
        : event.actorKind === 'token'
          ? t('ticket.actor.token')
          : actor
            ? personName(t, actor, hidden)
            : '?';
    const data = event.data ?? {};
    const key = event.kind === 'escalate' && data.manual ? 'ticket.event.escalateManual' : (`ticket.event.${event.kind}` as const);
    const what = t(key, {
      unit: unitName,
      note: event.note ? `：${event.note}` : '',
      stars: typeof data.rating === 'number' ? stars(data.rating) : '',
      count: typeof data.count === 'number' ? data.count : '',
      from: typeof data.from === 'number' ? (categoryNames.get(data.from) ?? '') : '',
      to: typeof data.to === 'number' ? (categoryNames.get(data.to) ?? '') : '',
      name: typeof data.name === 'string' ? data.name : '',
      phase: data.phase === 'resolve' ? t('ticket.phase.resolve') : t('ticket.phase.take'),
    });
    return t('ticket.history.line', { time: when(env, lang, event.at), who, what });
  });
}

/** 进度: the ticket and its whole history, for the reporter, followers and staff; `hidden` as for historyLines. */
export function statusCard(t: Translate, lang: Lang, v: TicketView, entries: HistoryEntry[], env: RenderEnv, hidden: ReadonlySet<number>): string {
  const { ticket } = v;
  const lines = [
    cardHeader(t, v),
    t('ticket.card.text', { text: ticket.text }),
    t('ticket.status.people', {
      reporter: personName(t, v.reporter, hidden),
      unit: v.responsible.name,
      taker: v.taker ? t('ticket.status.taker', { name: v.taker.name }) : '',
    }),
  ];
  if (ticket.status === 'open') lines.push(deadlineLine(t, lang, v, env, 'take'));
  if (ticket.status === 'taken') lines.push(deadlineLine(t, lang, v, env, 'resolve'));
  if (ticket.rating !== null) lines.push(t('ticket.card.rated', { stars: stars(ticket.rating), comment: ticket.comment ? `「${ticket.comment}」` : '' }));
  lines.push(t('ticket.history.header'), ...historyLines(t, lang, entries, env, hidden));
  return lines.join('\n');
}

export type EscalationReason = 'take' | 'resolve' | 'reopen' | 'category' | 'manual';

/** To the unit that just became responsible: why, how old, what happened so far, and what to type. */
export function handoverNotice(
  t: Translate,
  lang: Lang,
  v: TicketView,
  entries: HistoryEntry[],
  env: RenderEnv,
  reason: EscalationReason,
  extra: { limitMs?: number; note?: string | null } = {},
): OutMessage {
  const card = staffCard(t, lang, v, env);
  const why = t(`ticket.reason.${reason}`, {
    limit: extra.limitMs === undefined ? '' : formatDuration(extra.limitMs, lang),
    taker: v.taker?.name ?? '',
    note: extra.note ? `：${extra.note}` : '',
    category: v.category.name,
  });
  const head = t('ticket.notice.handover', {
    ref: v.ref,
    unit: v.responsible.name,
    why,
    age: formatDuration(env.now.getTime() - v.ticket.createdAt.getTime(), lang),
  });
  // A staff room names nobody anonymous.
  const history = [t('ticket.history.header'), ...historyLines(t, lang, entries, env, v.anonymous)];
  return { ...card, text: [head, card.text, ...history].join('\n') };
}
