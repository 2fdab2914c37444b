import type { Lang } from '../config.js';
import type { MessageKey, MessageParams, ParamsOf, Translate } from '../i18n/index.js';
import type { TicketNotice } from './tickets/notices.js';
import type { TaskCardNotice } from './timebank/cards.js';

/** A button as a platform shows it. */
export interface Button {
  label: string;
  /** The command a press runs, as the presser would type it: "/take T1". */
  command: string;
}

/** A message as the outbox stores it and an adapter sends it. Chat words it; the domain only carries it. */
export interface OutMessage {
  text: string;
  /** Rows of buttons; platforms without buttons show the text alone, which always says what to type. */
  buttons?: Button[][];
  /** In a group, address the reply to this platform user (WeChat @mentions them). */
  mentionUserId?: string;
  /** Photos to send after the text: paths under the data directory (a ticket's photos, to its staff room). */
  images?: string[];
}

/** The commands a notice may offer as a button or name in a hint; chat turns each into its words. */
export type CommandName = 'take' | 'resolve' | 'rate' | 'reopen' | 'claim' | 'confirm' | 'linkconfirm' | 'linkrefuse';

/**
 * A value that reads differently in each language, worded when the notice is rendered for its reader:
 * a span of time, hours of service, a moment in a zone, a command as that reader types it, another message.
 */
export type Wording = { duration: number } | { hours: number } | { at: Date; zone: string; reference?: Date } | { command: CommandName } | Phrase;

export type NoticeParams = Record<string, MessageParams[string] | Wording>;

/** One message of the tables with its parameters. */
export interface Phrase {
  key: MessageKey;
  params?: NoticeParams;
}

/** A button the notice offers: the command it runs (with its arguments) and the message that labels it. */
export interface NoticeButton {
  command: CommandName;
  args: string;
  label: MessageKey;
}

/** A notice of one or more lines of the message tables, with buttons and photos. */
export interface Said {
  kind: 'say';
  lines: Phrase[];
  buttons?: NoticeButton[][];
  images?: string[];
}

/**
 * A message a layer above the domain (a job, a chat command, an adapter) words itself: the renderer calls
 * it with the reader's message lookup and language. The domain passes it through and never makes one.
 */
export type Worded = (t: Translate, lang: Lang) => OutMessage;

/** What is to be said: the domain decides it; the chat layer words it in the reader's language. */
export type Notice = Said | TicketNotice | TaskCardNotice | Worded;

/** Words a notice in a language; implemented by the chat layer and passed in with the other dependencies. */
export type Render = (notice: Notice, lang: Lang) => OutMessage;

/** A key's params as a notice may give them: each the caller's value, or one worded for the reader. */
type NoticeParamsOf<K extends MessageKey> = { [N in keyof ParamsOf<K>]: ParamsOf<K>[N] | Wording };

/** Checked like `t`'s: every placeholder of the key, spelled right; none for a key without any. */
type NoticeArgs<K extends MessageKey, Rest extends unknown[] = []> = MessageKey extends K
  ? never
  : Record<string, never> extends ParamsOf<K>
    ? [params?: NoticeParamsOf<K>, ...rest: Partial<Rest>]
    : [params: NoticeParamsOf<K>, ...rest: Partial<Rest>];

type More = Omit<Said, 'kind' | 'lines'>;

export function say<K extends MessageKey>(key: K, ...[params, more]: NoticeArgs<K, [more: More]>): Said {
  return { kind: 'say', lines: [phrase(key, ...([params] as NoticeArgs<K>))], ...more };
}

export function phrase<K extends MessageKey>(key: K, ...[params]: NoticeArgs<K>): Phrase {
  return params ? { key, params: params as NoticeParams } : { key };
}
