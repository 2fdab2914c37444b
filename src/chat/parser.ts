/**
 * Turns what someone typed into a command: `报事 路灯坏了`, `/report@linli_bot 路灯坏了`, `#报事：路灯坏了`,
 * `@邻里 报事 路灯坏了`, full-width or half-width alike.
 */

export interface CommandWords {
  name: string;
  /** Chinese words, said bare at the start of a message. */
  words: readonly string[];
  /** English names, said as /name (or bare, when the bot is addressed). */
  aliases: readonly string[];
  /** `none`: the word alone; extra text makes it chatter unless the bot is addressed. */
  args: 'none' | 'optional' | 'required';
}

export type Parsed =
  | {
      kind: 'command';
      name: string;
      /** What follows the word, exactly as written (only trimmed): stored texts keep their own punctuation. */
      args: string;
      /** `报事!`: the speaker insists (used to force a report that looks like a duplicate). */
      bang: boolean;
      /** Said to the bot on purpose: a slash or #, an @mention, or a private chat. */
      addressed: boolean;
      /**
       * The word stands as the message's first token: followed by a space, the end, a colon or a ref such
       * as T1 ("办结 TX", "兑换", "进度T1"), not run on into a sentence ("完成了吗", "评价一下"). Said so,
       * a malformed call is still meant as the command and earns the usage line.
       */
      standalone: boolean;
    }
  | { kind: 'unknown'; word: string; addressed: true }
  | { kind: 'chatter'; addressed: boolean }
  | { kind: 'otherBot' };

const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;
const SEPARATORS = /^[\s,:;，：；、。.]+/;
const TRAILING = /[\s,:;，：；、。.!?！？~～]+$/;

/** NFKC folds full-width letters, digits, punctuation and the ideographic space to their ASCII forms. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/**
 * normalizeText, one character at a time, remembering where each folded character came from, so that
 * what is matched on the folded text can be cut from the text as written.
 */
function fold(raw: string): { text: string; from: number[] } {
  let text = '';
  const from: number[] = [];
  let at = 0;
  for (const char of raw) {
    const folded = char.normalize('NFKC').replace(INVISIBLE, '');
    for (const unit of /^\s+$/.test(folded) ? (text.endsWith(' ') ? '' : ' ') : folded) {
      text += unit;
      from.push(at);
    }
    at += char.length;
  }
  const start = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  return { text: text.slice(start, end), from: [...from.slice(start, end), raw.length] };
}

/** The arguments as written, from where the folded arguments start. */
const asWritten = (raw: string, from: number) => raw.slice(from).replace(INVISIBLE, '').trim();

/** After the word: a space, the end (or only punctuation), a colon, or a ref or code such as T1, G2, AB12. */
const STANDS_APART = /^(?:!?(?:$|[\s:：]|[,;，；、。.!?！？~～]+$)|!?[#A-Za-z0-9]*[A-Za-z0-9](?:$|[\s,:;，：；、。.!?！？~～]))/;

export interface ParseOptions {
  botNames?: readonly string[];
  mentioned?: boolean;
  isPrivate?: boolean;
}

export class CommandParser {
  readonly #bySlash = new Map<string, CommandWords>();
  /** Longest first, so 匿名报事 wins over 报事 and 我的积分 over 我的. */
  readonly #words: { word: string; command: CommandWords }[] = [];

  constructor(commands: readonly CommandWords[]) {
    for (const command of commands) {
      for (const alias of [command.name, ...command.aliases]) this.#bySlash.set(alias.toLowerCase(), command);
      for (const word of command.words) {
        this.#words.push({ word, command });
        this.#bySlash.set(word, command);
      }
    }
    this.#words.sort((a, b) => b.word.length - a.word.length);
  }

  parse(raw: string, options: ParseOptions = {}): Parsed {
    const folded = fold(raw);
    let text = folded.text;
    let addressed = options.mentioned === true || options.isPrivate === true;
    const mention = stripMention(text, options.botNames ?? []);
    if (mention !== null) {
      text = mention;
      addressed = true;
    }
    if (!text) return { kind: 'chatter', addressed };

    const prefixed = text[0] === '/' || text[0] === '#';
    if (prefixed) {
      // "#报事# 路灯坏了": a hashtag closes with a second #, which is not part of what was said.
      const hashtag = text[0] === '#' ? /^#\s*([^\s#]+)#/.exec(text) : null;
      text = hashtag ? hashtag[1]! + text.slice(hashtag[0].length) : text.slice(1).trimStart();
      addressed = true;
    }

    // "/report@linli_bot args" or "/报事 args": a token up to the first space ("/report! args" insists).
    const token = /^([^\s@!]+)(?:@(\S+))?/.exec(text);
    if (token) {
      const [whole, name, bot] = token;
      if (bot !== undefined && prefixed) {
        const ours = (options.botNames ?? []).some((n) => n.toLowerCase() === bot.toLowerCase());
        if (!ours && options.botNames?.length) return { kind: 'otherBot' };
      }
      const command = this.#bySlash.get(name!.toLowerCase()) ?? this.#bySlash.get(name!);
      const isEnglish = command?.name !== undefined && !command.words.includes(name!);
      if (command && (!isEnglish || addressed)) {
        return this.#finish(command, text.slice(whole.length), addressed, raw, folded);
      }
    }

    // Chinese words need no space after them: "报事路灯坏了".
    for (const { word, command } of this.#words) {
      if (text.startsWith(word)) return this.#finish(command, text.slice(word.length), addressed, raw, folded);
    }

    if (prefixed && token) return { kind: 'unknown', word: token[1]!, addressed: true };
    if (addressed) return { kind: 'unknown', word: text.split(' ')[0]!, addressed: true };
    return { kind: 'chatter', addressed: false };
  }

  #finish(command: CommandWords, rest: string, addressed: boolean, raw: string, folded: { text: string; from: number[] }): Parsed {
    const standalone = STANDS_APART.test(rest);
    let args = rest;
    let bang = false;
    if (args.startsWith('!')) {
      bang = true;
      args = args.slice(1);
    }
    args = args.replace(SEPARATORS, '').trim();
    if (command.args === 'none' && args.replace(TRAILING, '') !== '') {
      // "任务很重" or "积分 多少" is talk, not the command, unless said to the bot.
      if (!addressed) return { kind: 'chatter', addressed: false };
    }
    // `args` is a tail of the folded text: cut the same tail from the text as written.
    const written = command.args === 'none' || !args ? '' : asWritten(raw, folded.from[folded.text.length - args.length]!);
    return { kind: 'command', name: command.name, args: written, bang, addressed, standalone };
  }
}

/** Removes a leading "@BotName" if it names this bot; returns null when the text does not start so. */
function stripMention(text: string, botNames: readonly string[]): string | null {
  if (text[0] !== '@') return null;
  const lower = text.toLowerCase();
  for (const name of [...botNames].sort((a, b) => b.length - a.length)) {
    const at = '@' + normalizeText(name).toLowerCase();
    if (lower.startsWith(at) && (text.length === at.length || /[\s,:，：]/.test(text[at.length]!))) {
      return text.slice(at.length).replace(SEPARATORS, '');
    }
  }
  return null;
}
