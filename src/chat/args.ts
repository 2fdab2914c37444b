/** Small readers for command arguments, shared by every area. */

/**
 * A short reference such as T12, W3 or G1, with or without its letter and in either case: "T12", "t12",
 * "12", "#12" all read as 12. Returns null when `token` is not one.
 */
export function parseRef(prefix: string, token: string | undefined): number | null {
  if (!token) return null;
  const m = new RegExp(`^#?(?:${prefix})?(\\d{1,9})$`, 'i').exec(token.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? n : null;
}

/** Splits off the first word: "T1 路灯修好了" → ["T1", "路灯修好了"]. */
export function firstWord(args: string): [string | undefined, string] {
  const trimmed = args.trim();
  if (!trimmed) return [undefined, ''];
  const i = trimmed.search(/\s/);
  return i === -1 ? [trimmed, ''] : [trimmed.slice(0, i), trimmed.slice(i + 1).trim()];
}
