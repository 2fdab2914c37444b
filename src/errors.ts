import type { MessageKey, MessageParams, ParamArgs } from './i18n/index.js';

/**
 * The codes a domain rule can fail with. Each transport maps them once: `http/problem.ts` to a status,
 * `chat/` to a reply. The message itself is an i18n key, so the chat reply and the HTTP `detail` say the
 * same thing in the reader's language.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INSUFFICIENT_POINTS'
  | 'OUT_OF_STOCK'
  | 'LIMIT_REACHED'
  | 'ALREADY_USED'
  | 'EXPIRED'
  | 'RATE_LIMITED';

export class DomainError<K extends MessageKey = MessageKey> extends Error {
  /** Checked against the key's placeholders where the error is made, so whoever renders it needs no check. */
  readonly params: MessageParams;
  constructor(
    readonly code: ErrorCode,
    readonly key: K,
    ...args: ParamArgs<K>
  ) {
    const params: MessageParams = args[0] ?? {};
    super(`${code}: ${key}${Object.keys(params).length ? ' ' + JSON.stringify(params) : ''}`);
    this.name = 'DomainError';
    this.params = params;
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/**
 * The database Linli was pointed at cannot be used: a folder, a path it may not write, a file that is not a
 * SQLite database, a damaged one, one from a newer release. The message is one line naming the file and
 * what to do; the entry points print it without a stack and exit 1 (a configuration error exits 2).
 */
export class StoreError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
