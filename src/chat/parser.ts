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
      args: string;
      /** `报事!`: the speaker insists (used to force a report that looks like a duplicate). */
      bang: boolean;
      /** Said to the bot on purpose: a slash or #, an @mention, or a private chat. */
      addressed: boolean;
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
    let text = normalizeText(raw);
    let addressed = options.mentioned === true || options.isPrivate === true;
    const mention = stripMention(text, options.botNames ?? []);
    if (mention !== null) {
      text = mention;
      addressed = true;
    }
    if (!text) return { kind: 'chatter', addressed };

    const prefixed = text[0] === '/' || text[0] === '#';
    if (prefixed) {
      text = text.slice(1).trimStart();
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
        return this.#finish(command, text.slice(whole.length), addressed);
      }
    }

    // Chinese words need no space after them: "报事路灯坏了".
    for (const { word, command } of this.#words) {
      if (text.startsWith(word)) return this.#finish(command, text.slice(word.length), addressed);
    }

    if (prefixed && token) return { kind: 'unknown', word: token[1]!, addressed: true };
    if (addressed) return { kind: 'unknown', word: text.split(' ')[0]!, addressed: true };
    return { kind: 'chatter', addressed: false };
  }

  #finish(command: CommandWords, rest: string, addressed: boolean): Parsed {
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
    if (command.args === 'none') args = '';
    return { kind: 'command', name: command.name, args, bang, addressed };
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
