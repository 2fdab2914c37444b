import type { ZodError } from 'zod';
import { type PlainKey, messages, t } from '../i18n/index.js';
import type { Lang } from '../config.js';

type Issue = ZodError['issues'][number];

export interface FieldError {
  path: string;
  message: string;
}

/**
 * Validation failures in the client's language. zod's own messages are English and its locales are
 * global, so each issue is worded here from its code and details, per request.
 */
export function fieldErrors(issues: readonly Issue[], prefix: string[], lang: Lang, input: unknown): FieldError[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path.map(String)];
    // "one of these shapes": the shape that came closest speaks
    if (issue.code === 'invalid_union' && issue.errors.length) {
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      if (closest.length) return fieldErrors(closest, at, lang, valueAt(input, issue.path));
    }
    // a typo in a field name gets an error of its own, at the field
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: t(lang, 'api.issue.unknownField') }));
    return [{ path: at.join('.'), message: issueMessage(issue, lang, valueAt(input, issue.path)) }];
  });
}

/** Joins field errors into one line of `detail`. */
export const summary = (errors: readonly FieldError[], lang: Lang) => errors.map((e) => `${e.path}: ${e.message}`).join(lang === 'zh' ? '；' : '; ');

/** A refinement names a key without params: it has nothing to fill them from. */
const isKey = (text: string): text is PlainKey => Object.hasOwn(messages, text);

const TYPE_NAMES: Record<string, PlainKey> = {
  number: 'api.type.number',
  int: 'api.type.int',
  string: 'api.type.string',
  boolean: 'api.type.boolean',
  array: 'api.type.array',
  object: 'api.type.object',
};

function issueMessage(issue: Issue, lang: Lang, value: unknown): string {
  // A schema's own refinement names its message by key (`{ error: 'api.issue.notZero' }`).
  if (isKey(issue.message)) return t(lang, issue.message);
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) return t(lang, 'api.issue.required');
      const name = TYPE_NAMES[issue.expected];
      return t(lang, 'api.issue.type', { expected: name ? t(lang, name) : issue.expected });
    }
    case 'too_small': {
      const n = String(issue.minimum);
      if (issue.origin === 'string') return t(lang, 'api.issue.minLength', { n });
      if (issue.origin === 'array' || issue.origin === 'set') return t(lang, 'api.issue.minItems', { n });
      if (issue.origin === 'number' || issue.origin === 'bigint') return t(lang, issue.inclusive === false ? 'api.issue.above' : 'api.issue.atLeast', { n });
      break;
    }
    case 'too_big': {
      const n = String(issue.maximum);
      if (issue.origin === 'string') return t(lang, 'api.issue.maxLength', { n });
      if (issue.origin === 'array' || issue.origin === 'set') return t(lang, 'api.issue.maxItems', { n });
      if (issue.origin === 'number' || issue.origin === 'bigint') return t(lang, issue.inclusive === false ? 'api.issue.below' : 'api.issue.atMost', { n });
      break;
    }
    case 'invalid_format':
      if (issue.format === 'datetime') return t(lang, 'api.issue.datetime');
      return t(lang, 'api.issue.format', { format: issue.format });
    case 'invalid_value':
      return t(lang, 'api.issue.oneOf', { values: issue.values.map((v) => JSON.stringify(v)) });
    default:
      break;
  }
  return lang === 'en' ? issue.message : t(lang, 'api.issue.invalid');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
