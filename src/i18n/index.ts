import type { Lang } from '../config.js';
import { apiMessages } from './api.js';
import { coreMessages } from './core.js';
import { jobMessages } from './jobs.js';
import { patrolMessages } from './patrols.js';
import { reportMessages } from './reports.js';
import { ticketMessages } from './tickets.js';
import { wechatMessages } from './wechat.js';
import { timebankMessages } from './timebank.js';

/*
 * Every key's parameters are checked by the compiler, as grammY's Fluent plugin does with generated types;
 * here the types are read straight off the tables:
 * - A string entry needs every `{name}` placeholder of its zh and en text; each is required.
 * - A function entry declares the parameters it reads, `(p: { count: Value; note?: Value }) => ...`;
 *   the declared type is the contract, so a parameter the function can do without is written optional.
 * - A key with no parameters takes none: `t('help.footer')`, and `{ anything }` is an error.
 * - A key computed at run time is written as a template literal, `t(\`ticket.status.${s}\`)`: the
 *   compiler checks every key it can spell exists, and the params must suit every one of them.
 * - `renderMessage` takes any key and untyped params, for a key and params that travelled together
 *   (a DomainError) and were checked where they were made.
 */

/** What a function entry's text sees of one parameter (lists already joined). */
export type Value = string | number;
/** What a caller passes for one parameter: a list is joined the way each language writes a list, 「甲、乙」, "A, B". */
export type ParamValue = Value | readonly string[];
/** Params without a key to check them against: what travels on a DomainError. */
export type MessageParams = Record<string, ParamValue | null | undefined>;
/** What a message's text sees: lists already joined. */
export type RenderedParams = Record<string, Value | null | undefined>;
/** A text, or a function of the params it declares (`never` here only lets any declared type in). */
export type Text = string | ((p: never) => string);
export type Table = Record<string, { readonly zh: Text; readonly en: Text }>;

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

type Messages = typeof messages;
export type MessageKey = keyof Messages;

/** The `{name}` placeholders of a template string, as a union of names. */
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** A function entry's declared params as a caller may pass them: a list where a text is read. */
type CallerParams<P> = { [N in keyof P]: P[N] | (string extends P[N] ? readonly string[] : never) };

/** The params one text (zh or en) needs. */
type TextParams<T> = T extends (p: infer P) => string ? CallerParams<P> : T extends string ? { [N in Placeholders<T>]: ParamValue } : never;

type Flatten<T> = { [N in keyof T]: T[N] };
/** Nothing may be passed to a key without params. */
type NoParams = Readonly<Record<string, never>>;

/** Each key's params, computed once for the whole table so a call only looks its key up. */
type ParamsByKey = { [K in MessageKey]: TextParams<Messages[K]['zh']> & TextParams<Messages[K]['en']> };

/** The keys that take no params: what a table of keys (help lines, usages, type names) may hold. */
export type PlainKey = { [K in MessageKey]: keyof ParamsByKey[K] extends never ? K : never }[MessageKey];

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The params of a key; for a union of keys (one computed at run time), what every one of them needs. */
export type ParamsOf<K extends MessageKey> = [K] extends [PlainKey] ? NoParams : UnionToIntersection<ParamsByKey[K]> extends infer All ? Flatten<All> : never;

/**
 * Any key at all could need any param, so a value typed as the whole MessageKey is refused (and would
 * cost the compiler the intersection of every key's params): type it as PlainKey, spell it as a template
 * literal, or render it with renderMessage.
 */
type WideKey = { 'key typed as the whole MessageKey: use PlainKey, a template literal or renderMessage': true };

/** The params argument of `t` for a key: optional when the key needs none (or only optional ones). */
export type ParamArgs<K extends MessageKey> = MessageKey extends K
  ? [params: WideKey]
  : Record<string, never> extends ParamsOf<K>
    ? [params?: ParamsOf<K>]
    : [params: ParamsOf<K>];

export type Translate = <K extends MessageKey>(key: K, ...params: ParamArgs<K>) => string;

const PLACEHOLDER = /\{(\w+)\}/g;

const LIST_SEPARATOR: Record<Lang, string> = { zh: '、', en: ', ' };

/** Any key with unchecked params: for a key and params that were checked where they were made (a DomainError). */
export function renderMessage(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  const entry: { zh: Text; en: Text } = messages[key];
  // Own properties only: a language read from outside (`__proto__`) must never reach Object.prototype.
  const known: Lang = Object.hasOwn(LIST_SEPARATOR, lang) ? lang : 'zh';
  const text = entry[known] ?? entry.zh;
  const rendered: RenderedParams = {};
  for (const [name, value] of Object.entries(params)) {
    rendered[name] = Array.isArray(value) ? value.join(LIST_SEPARATOR[known]) : (value as RenderedParams[string]);
  }
  if (typeof text === 'function') return (text as (p: RenderedParams) => string)(rendered);
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(rendered, name) ? rendered[name] : undefined;
    return value === undefined || value === null ? whole : String(value);
  });
}

export function t<K extends MessageKey>(lang: Lang, key: K, ...params: ParamArgs<K>): string {
  return renderMessage(lang, key, params[0] as MessageParams | undefined);
}

export const translator =
  (lang: Lang): Translate =>
  (key, ...params) =>
    renderMessage(lang, key, params[0] as MessageParams | undefined);
