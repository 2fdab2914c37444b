/**
 * Generated chat messages for the fuzz tests: command words with garbage arguments, random refs,
 * unicode, control and bidi characters, huge texts, repeated message ids. Everything here is drawn from
 * fast-check with a fixed seed, so a failure names a message that can be generated again.
 */
import fc from 'fast-check';
import { commands } from '../../src/chat/commands/index.js';

const WORDS = commands.flatMap((c) => [...c.words, ...c.aliases.map((a) => `/${a}`)]);

/** Characters that break naive text handling: controls, bidi overrides and isolates, joiners, BOM, surrogates' neighbours. */
const NASTY = [
  '\u0000',
  '\u0007',
  '\b',
  '\t',
  '\r',
  '\n',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u200b',
  '\u200d',
  '\u202a',
  '\u202b',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\uffff',
  '\ufffd',
  '\u3000',
  '＃',
  '／',
  '：',
  '👨‍👩‍👧',
  '🏳️‍🌈',
  'é',
  '𠮷',
  '%s',
  '%d',
  '$' + '{x}',
  '{name}',
  '{{name}}',
  "'; DROP TABLE tickets; --",
  '<script>',
  '\\',
  '"',
];

const number = fc.oneof(
  fc.integer({ min: -5, max: 60 }).map(String),
  fc.constantFrom('0', '-0', '-1', '1e309', '9007199254740993', '99999999999999999999', '1.5', '0x10', '１２', '三', '½', 'Infinity', '1_000'),
);

/** References as people type them, and as they should not. */
const ref = fc.tuple(fc.constantFrom('T', 't', 'W', 'w', 'G', 'g', '#', '', 'Ｔ', 'TT', 'T-', 'W#'), number).map(([p, n]) => p + n);

const junk = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: ref },
  { weight: 2, arbitrary: number },
  {
    weight: 1,
    arbitrary: fc.constantFrom('小时', '2小时', '半小时', '90分钟', '1h30m', '5分', '⭐⭐⭐', '@王阿姨', '居民', '工作', 'en', '中文', 'x'.repeat(300)),
  },
  { weight: 1, arbitrary: fc.constantFrom(...WORDS) },
);

const args = fc.array(junk, { maxLength: 5 }).chain((parts) => fc.constantFrom(' ', '', '\u3000', '，', '：').map((sep) => parts.join(sep)));

const prefix = fc.constantFrom('', '', '', '/', '#', '@邻里 ', '＃', '@linli ', '@别的机器人 ');

/** 100 KB of text, with or without a command in front. */
const huge = fc
  .tuple(fc.constantFrom('', '报事 ', '心愿 ', '/report ', '备注 T1 '), fc.constantFrom('路', 'a', '👨‍👩‍👧', '\u202e', ' '))
  .map(([head, unit]) => head + unit.repeat(Math.ceil(100_000 / unit.length)));

export const messageText = fc.oneof(
  { weight: 120, arbitrary: fc.tuple(prefix, fc.constantFrom(...WORDS), fc.constantFrom(' ', '', '!', '！', '：'), args).map((p) => p.join('')) },
  { weight: 30, arbitrary: fc.tuple(prefix, args).map((p) => p.join('')) },
  { weight: 20, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 10, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 10, arbitrary: fc.constantFrom('', ' ', '\n', '/', '#', '@邻里', '/start', '/start@other_bot x', '兑换', '兑换 G') },
  // Rare, as each is 100 KB: about one message in two hundred.
  { weight: 1, arbitrary: huge },
);

export const ROOMS = ['grid-1', 'grid-1-staff', 'grid-2', 'grid-2-staff', 'community', 'street'] as const;
export const USERS = ['jin', 'wang', 'li', 'chen', 'zhao', 'yang', 'barber', 'spa', 'admin'] as const;

/** Never blank: a stranger whose id or name is blank is its own case (chat-fuzz.test.ts). */
const notBlank = (s: string) => s === '' || !/^[\s\ufeff\u200b]*$/.test(s);

const user = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...USERS) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).filter(notBlank) },
);

export interface FuzzMessage {
  room: string;
  user: string;
  name: string;
  text: string;
  id: string;
  mentioned: boolean;
  inReplyToBot: boolean;
}

/** A message in a demo room or somewhere unknown, by a demo user or a stranger; some ids repeat (redeliveries). */
export const message: fc.Arbitrary<FuzzMessage> = fc
  .record({
    room: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...ROOMS) },
      { weight: 3, arbitrary: fc.constant('dm:') },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
    ),
    user,
    name: fc.oneof(fc.constant(''), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom(...NASTY)).filter(notBlank),
    text: messageText,
    id: fc.oneof({ weight: 20, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom('m1', 'm2', 'm3') }),
    mentioned: fc.boolean(),
    inReplyToBot: fc.boolean(),
  })
  .map((m) => ({ ...m, room: m.room === 'dm:' ? `dm:${m.user}` : m.room }));

/** What a reply must never show a resident: internals of the program or its database. */
const LEAKS: [string, RegExp][] = [
  ['a stack trace', /\n\s+at .+[(:]/],
  ['"Error:"', /\b[A-Za-z]*Error:/],
  ['SQL', /\b(SQLITE_\w+|SELECT .+ FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|constraint failed|no such (table|column))\b/i],
  ['undefined', /\bundefined\b/],
  ['NaN', /\bNaN\b/],
  ['[object Object]', /\[object \w+\]/],
  ['a file path', /(\/(home|root|tmp|work|usr|var|src|node_modules)\/|[A-Z]:\\|\.(ts|js):\d+)/],
  ['a placeholder', /\{[a-zA-Z]+\}/],
];

/**
 * Why a reply is wrong, or undefined when it is fine: empty, or showing internals that nobody said
 * (replies echo what people wrote: an unknown word, a ticket's text, a name, and those may be anything).
 */
export function badReply(text: unknown, said: (part: string) => boolean): string | undefined {
  if (typeof text !== 'string') return `not a string: ${typeof text}`;
  if (!text.trim()) return 'empty';
  for (const [what, pattern] of LEAKS) {
    const found = pattern.exec(text);
    if (found && !said(found[0].trim())) return `shows ${what}: ${JSON.stringify(found[0])}`;
  }
  return undefined;
}

/** Whether any of the messages contained `part` (in its text or its sender's name), in any case (voucher codes are upper-cased). */
export function saidIn(messages: readonly { text: string; name?: string; user?: string }[]): (part: string) => boolean {
  let all: string | undefined;
  return (part) => {
    all ??= messages.map((m) => `${m.text}\u0000${m.name ?? ''}\u0000${m.user ?? ''}`.toLowerCase()).join('\u0000');
    return all.includes(part.toLowerCase());
  };
}
