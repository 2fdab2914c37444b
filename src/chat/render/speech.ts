import type { Lang } from '../../config.js';
import type { CommandName, NoticeButton, NoticeParams, Phrase, Wording } from '../../domain/notice.js';
import { type MessageParams, renderMessage, type Translate } from '../../i18n/index.js';
import { formatDateTime, formatDuration, formatHours } from '../../time.js';
import type { CommandWords } from '../parser.js';
import type { Button } from '../types.js';

/** What a button press runs: the command's English name with a slash, as the presser would type it ("/take T1"). */
export const typed = (def: CommandWords, args = ''): string => (args ? `/${def.name} ${args}` : `/${def.name}`);

/** The command table's words by name, so a button or hint says a command the way its definition does. */
export class CommandBook {
  readonly #byName: Map<string, CommandWords>;

  constructor(commands: readonly CommandWords[]) {
    this.#byName = new Map(commands.map((c) => [c.name, c]));
  }

  get(name: CommandName): CommandWords {
    const def = this.#byName.get(name);
    if (!def) throw new Error(`no command named ${name} to put in a notice`);
    return def;
  }

  typed(name: CommandName, args = ''): string {
    return typed(this.get(name), args);
  }

  /** The command as a hint quotes it to a reader: its first Chinese word, or "/name" in English. */
  spoken(name: CommandName, lang: Lang): string {
    const def = this.get(name);
    return lang === 'zh' && def.words[0] ? def.words[0] : `/${def.name}`;
  }
}

/** Everything wording a notice needs: the reader's messages and language, and the commands to name. */
export interface Speech {
  t: Translate;
  lang: Lang;
  commands: CommandBook;
}

function isPhrase(value: Wording): value is Phrase {
  return 'key' in value;
}

/** A parameter in the reader's language: times, hours and spans formatted, commands and messages worded. */
export function wordValue(s: Speech, value: NoticeParams[string]): MessageParams[string] {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return value as MessageParams[string];
  const w = value as Wording;
  if (isPhrase(w)) return phraseText(s, w);
  if ('duration' in w) return formatDuration(w.duration, s.lang);
  if ('hours' in w) return formatHours(w.hours, s.lang);
  if ('command' in w) return s.commands.spoken(w.command, s.lang);
  return formatDateTime(w.at, w.zone, s.lang, w.reference);
}

export function phraseText(s: Speech, p: Phrase): string {
  // A phrase's key and params were chosen together where the notice was made, as a DomainError's are.
  if (!p.params) return renderMessage(s.lang, p.key);
  const params: MessageParams = {};
  for (const [name, value] of Object.entries(p.params)) params[name] = wordValue(s, value);
  return renderMessage(s.lang, p.key, params);
}

export const button = (s: Speech, b: NoticeButton): Button => ({ label: renderMessage(s.lang, b.label), command: s.commands.typed(b.command, b.args) });

export const buttonRows = (s: Speech, rows: readonly NoticeButton[][]): Button[][] => rows.map((row) => row.map((b) => button(s, b)));
