import type { Lang } from '../config.js';
import { apiMessages } from './api.js';
import { coreMessages } from './core.js';
import { jobMessages } from './jobs.js';
import { patrolMessages } from './patrols.js';
import { reportMessages } from './reports.js';
import { ticketMessages } from './tickets.js';
import { wechatMessages } from './wechat.js';
import { timebankMessages } from './timebank.js';

/** A list parameter is joined the way each language writes a list: 「甲、乙」, "A, B". */
export type MessageParams = Record<string, string | number | readonly string[] | null | undefined>;
/** What a message's text sees: lists already joined. */
export type RenderedParams = Record<string, string | number | null | undefined>;
export type Text = string | ((p: RenderedParams) => string);
export type Table = Record<string, { zh: Text; en: Text }>;

/** Every user-visible string, Chinese first. Areas keep their own tables; this merges them. */
export const messages = {
  ...coreMessages,
  ...jobMessages,
  ...patrolMessages,
  ...reportMessages,
  ...apiMessages,
  ...ticketMessages,
  ...wechatMessages,
  ...timebankMessages,
} satisfies Table;

export type MessageKey = keyof typeof messages;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

const PLACEHOLDER = /\{(\w+)\}/g;

const LIST_SEPARATOR: Record<Lang, string> = { zh: '、', en: ', ' };

export function t(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  const entry: { zh: Text; en: Text } = messages[key];
  // Own properties only: a language read from outside (`__proto__`) must never reach Object.prototype.
  const known: Lang = Object.hasOwn(LIST_SEPARATOR, lang) ? lang : 'zh';
  const text = entry[known] ?? entry.zh;
  const rendered: RenderedParams = {};
  for (const [name, value] of Object.entries(params)) {
    rendered[name] = Array.isArray(value) ? value.join(LIST_SEPARATOR[known]) : (value as RenderedParams[string]);
  }
  if (typeof text === 'function') return text(rendered);
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(rendered, name) ? rendered[name] : undefined;
    return value === undefined || value === null ? whole : String(value);
  });
}

export const translator = (lang: Lang): Translate => (key, params) => t(lang, key, params);
