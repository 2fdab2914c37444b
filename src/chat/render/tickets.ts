import type { Lang } from '../../config.js';
import type { HandoverNotice, RatingRequest, RenderEnv, TicketCardNotice } from '../../domain/tickets/notices.js';
import { resolveButton, stars, takeButton } from '../../domain/tickets/notices.js';
import { isActive, type Phase, phaseOf } from '../../domain/tickets/states.js';
import type { HistoryEntry, TicketView } from '../../domain/tickets/view.js';
import { type MessageKey, renderMessage, type Translate } from '../../i18n/index.js';
import { formatDateTime, formatDuration } from '../../time.js';
import type { Button, OutMessage } from '../types.js';
import { button, phraseText, type Speech } from './speech.js';

const when = (env: RenderEnv, lang: Lang, date: Date) => formatDateTime(date, env.timeZone, lang, env.now);

/** A member as a ticket's card or history names them: "一位居民" when they are among the `hidden`. */
const personName = (t: Translate, member: { id: number; name: string }, hidden: ReadonlySet<number>) =>
  hidden.has(member.id) ? t('ticket.anonymousName') : member.name;

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

/** What the staff room sees of a ticket, in its current state, with the button for the next step. */
export function staffCard(s: Speech, v: TicketView, env: RenderEnv): OutMessage {
  const { t, lang } = s;
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
      lines.push(t('ticket.card.howToTake', { ref, cmd: s.commands.spoken('take', lang) }));
      buttons.push([button(s, takeButton(ref))]);
      break;
    case 'taken':
      lines.push(t('ticket.card.takenBy', { name: v.taker?.name ?? '', time: when(env, lang, ticket.takenAt ?? ticket.updatedAt) }));
      lines.push(deadlineLine(t, lang, v, env, 'resolve'));
      lines.push(t('ticket.card.howToResolve', { ref, cmd: s.commands.spoken('resolve', lang) }));
      buttons.push([button(s, resolveButton(ref))]);
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
          : t('ticket.card.rated', { stars: stars(ticket.rating), comment: ticket.comment ? t('ticket.part.comment', { text: ticket.comment }) : '' }),
      );
      break;
    case 'cancelled':
      break;
  }
  return buttons.length ? { text: lines.join('\n'), buttons } : { text: lines.join('\n') };
}

/** The staff card as announced: with the line above it (an urgent report's), and the report's photos. */
export function announcedCard(s: Speech, n: TicketCardNotice): OutMessage {
  const card = staffCard(s, n.view, n.env);
  const text = n.head ? `${phraseText(s, n.head)}\n${card.text}` : card.text;
  return { ...card, text, ...(n.images?.length ? { images: n.images } : {}) };
}

const STATUS_ICON = { open: '🆕', taken: '🔧', resolved: '✅', closed: '☑️', cancelled: '✖️' } as const;

function resolvedLine(t: Translate, lang: Lang, v: TicketView, env: RenderEnv): string {
  return t('ticket.card.resolvedBy', {
    name: v.taker?.name ?? '',
    time: when(env, lang, v.ticket.resolvedAt ?? v.ticket.updatedAt),
    note: v.resolution ? t('ticket.part.note', { text: v.resolution }) : '',
  });
}

function deadlineLine(t: Translate, lang: Lang, v: TicketView, env: RenderEnv, phase: Phase): string {
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
    const key = event.kind === 'escalate' && data.manual ? 'ticket.event.escalateManual' : (`ticket.event.${event.kind}` as MessageKey);
    // The event's kind picks the line; every event line reads from the same params.
    const what = renderMessage(lang, key, {
      unit: unitName,
      note: event.note ? t('ticket.part.note', { text: event.note }) : '',
      stars: typeof data.rating === 'number' ? stars(data.rating) : '',
      count: typeof data.count === 'number' ? data.count : '',
      from: typeof data.from === 'number' ? categoryNames.get(data.from) : '',
      to: typeof data.to === 'number' ? categoryNames.get(data.to) : '',
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
  if (isActive(ticket.status)) lines.push(deadlineLine(t, lang, v, env, phaseOf(ticket.status)));
  if (ticket.rating !== null)
    lines.push(t('ticket.card.rated', { stars: stars(ticket.rating), comment: ticket.comment ? t('ticket.part.comment', { text: ticket.comment }) : '' }));
  lines.push(t('ticket.history.header'), ...historyLines(t, lang, entries, env, hidden));
  return lines.join('\n');
}

/** To the unit that just became responsible: why, how old, what happened so far, and what to type. */
export function handoverNotice(s: Speech, n: HandoverNotice): OutMessage {
  const { t, lang } = s;
  const { view: v, env } = n;
  const card = staffCard(s, v, env);
  const why = renderMessage(lang, `ticket.reason.${n.reason}`, {
    limit: n.limitMs === undefined ? '' : formatDuration(n.limitMs, lang),
    taker: v.taker?.name ?? '',
    note: n.note ? t('ticket.part.note', { text: n.note }) : '',
    category: v.category.name,
  });
  const head = t('ticket.notice.handover', {
    ref: v.ref,
    unit: v.responsible.name,
    why,
    age: formatDuration(env.now.getTime() - v.ticket.createdAt.getTime(), lang),
  });
  // A staff room names nobody anonymous.
  const history = [t('ticket.history.header'), ...historyLines(t, lang, n.entries, env, v.anonymous)];
  return { ...card, text: [head, card.text, ...history].join('\n') };
}

/** The reporter's resolved notice: the text says what to type, the buttons do it. */
export function ratingRequest(s: Speech, n: Pick<RatingRequest, 'ref' | 'name' | 'text' | 'note'>): OutMessage {
  const params = { ref: n.ref, name: n.name, text: n.text, note: n.note ? s.t('ticket.part.note', { text: n.note }) : '' };
  return {
    text: s.t('ticket.notice.resolvedReporter', params),
    buttons: [
      [1, 2, 3, 4, 5].map((score) => ({ label: `${score}⭐`, command: s.commands.typed('rate', `${n.ref} ${score}`) })),
      [{ label: s.t('ticket.button.reopen'), command: s.commands.typed('reopen', n.ref) }],
    ],
  };
}
