import type { MessageKey, MessageParams } from './i18n/index.js';

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

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly key: MessageKey,
    readonly params: MessageParams = {},
  ) {
    super(`${code}: ${key}${Object.keys(params).length ? ' ' + JSON.stringify(params) : ''}`);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
