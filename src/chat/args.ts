/** Small readers for command arguments, shared by every area. */
import { normalizeText } from './parser.js';

/**
 * A short reference such as T12, W3 or G1, with or without its letter and in either case: "T12", "t12",
 * "12", "#12" all read as 12 (full-width forms too). Returns null when `token` is not one.
 */
export function parseRef(prefix: string, token: string | undefined): number | null {
  if (!token) return null;
  const m = new RegExp(`^#?(?:${prefix})?(\\d{1,9})$`, 'i').exec(normalizeText(token));
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? n : null;
}

/** A ref, number or rating run straight into punctuation: "T1，已换灯泡", "5分。很好", "⭐⭐⭐⭐！". */
const REF_THEN_PUNCTUATION = /^((?:[#＃]?[A-Za-zＡ-Ｚａ-ｚ]{0,2}[0-9０-９]+(?:分|星)?|[⭐★]+))[,;:!?.，；：、。！？～~]+/u;

/**
 * Splits off the first word: "T1 路灯修好了" → ["T1", "路灯修好了"], and "T1，路灯修好了" alike. The word
 * is folded for matching (full-width forms to ASCII); the rest is left as written, to be stored.
 */
export function firstWord(args: string): [string | undefined, string] {
  const trimmed = args.trim();
  if (!trimmed) return [undefined, ''];
  const ref = REF_THEN_PUNCTUATION.exec(trimmed);
  if (ref) return [normalizeText(ref[1]!), trimmed.slice(ref[0].length).trim()];
  const i = trimmed.search(/\s/);
  return i === -1 ? [normalizeText(trimmed), ''] : [normalizeText(trimmed.slice(0, i)), trimmed.slice(i + 1).trim()];
}
