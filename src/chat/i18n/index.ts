import type { Lang } from '../../config.js';
import { apiMessages } from './api.js';
import { coreMessages } from './core.js';
import { jobMessages } from './jobs.js';
import { patrolMessages } from './patrols.js';
import { reportMessages } from './reports.js';
import { ticketMessages } from './tickets.js';
import { wechatMessages } from './wechat.js';
import { timebankMessages } from './timebank.js';

export type MessageParams = Record<string, string | number | null | undefined>;
export type Text = string | ((p: MessageParams) => string);
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

export function t(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  const entry: { zh: Text; en: Text } = messages[key];
  const text = entry[lang] ?? entry.zh;
  if (typeof text === 'function') return text(params);
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    return value === undefined || value === null ? whole : String(value);
  });
}

export const translator = (lang: Lang): Translate => (key, params) => t(lang, key, params);
