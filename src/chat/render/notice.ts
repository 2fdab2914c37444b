import type { Lang } from '../../config.js';
import type { Notice, Render, Said } from '../../domain/notice.js';
import { translator } from '../../i18n/index.js';
import type { CommandWords } from '../parser.js';
import type { OutMessage } from '../types.js';
import { buttonRows, CommandBook, phraseText, type Speech } from './speech.js';
import { announcedCard, handoverNotice, ratingRequest } from './tickets.js';
import { taskCard } from './timebank.js';

/** Lines of the message tables, one under the other, with the buttons and photos the notice carries. */
function said(s: Speech, n: Said): OutMessage {
  return {
    text: n.lines.map((line) => phraseText(s, line)).join('\n'),
    ...(n.buttons?.length ? { buttons: buttonRows(s, n.buttons) } : {}),
    ...(n.images?.length ? { images: n.images } : {}),
  };
}

/** Words a notice the domain chose in a reader's language; commands are named as the table defines them. */
export function createRenderer(commands: readonly CommandWords[]): Render {
  const book = new CommandBook(commands);
  return (notice: Notice, lang: Lang): OutMessage => {
    const t = translator(lang);
    if (typeof notice === 'function') return notice(t, lang);
    const s: Speech = { t, lang, commands: book };
    switch (notice.kind) {
      case 'say':
        return said(s, notice);
      case 'ticketCard':
        return announcedCard(s, notice);
      case 'handover':
        return handoverNotice(s, notice);
      case 'ratingRequest':
        return ratingRequest(s, notice);
      case 'taskCard':
        return taskCard(s, notice.view);
    }
  };
}
