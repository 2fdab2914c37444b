import type { Lang } from '../config.js';
import type { Ctx } from '../domain/context.js';
import type { StoredFile } from '../domain/files.js';
import { canActAsStaff, type Member, unitsWithRole } from '../domain/org/members.js';
import type { Room } from '../domain/org/rooms.js';
import { DomainError } from '../errors.js';
import { messages, type PlainKey, type Translate } from '../i18n/index.js';
import { parseRef } from './args.js';
import type { CommandWords } from './parser.js';
import type { HandleResult, IncomingMessage, OutMessage } from './types.js';

/** Everything a command needs about who said what, where. */
export interface CommandCtx extends Ctx {
  member: Member;
  room: Room;
  message: IncomingMessage;
  lang: Lang;
  t: Translate;
  /** Said to the bot on purpose (slash, #, @mention, private chat). */
  addressed: boolean;
  /** Images that came with the message, already stored. */
  files: StoredFile[];
}

export type CommandOutput = string | OutMessage | OutMessage[] | HandleResult | void;

export interface CommandDef extends CommandWords {
  /** The help line; commands without one are not listed. */
  help?: PlainKey;
  /** How to call it, shown after a malformed call. */
  usage?: PlainKey;
  /** `group`: only in a group; `private`: only in a private chat. */
  where: 'group' | 'private' | 'any';
  /**
   * It only reads: all it writes is its answer (the reply, or the same answer sent to the asker's private
   * chat). Its transaction (the dedupe mark and that answer) then commits without waiting for the disk, as
   * a power cut that loses it at worst makes a redelivery answer again. A command so marked that writes
   * anything else is caught at run time and committed durably (ChatCore logs it), so a wrong mark costs
   * speed, never a write.
   */
  readOnly?: boolean;
  /** Whether help offers it to this member here (the domain still checks every call). */
  offered?(ctx: CommandCtx): boolean;
  /** Runs inside the message's transaction: synchronous, all or nothing. */
  run(ctx: CommandCtx, input: { args: string; bang: boolean }): CommandOutput;
}

/**
 * What a command must say; the rest follows from its name. `help` defaults to `help.<name>`, `usage` to
 * `<name>.usage` where the table has that line, `where` to anywhere and `aliases` to none.
 */
export type CommandSpec<N extends string> = Omit<CommandDef, 'name' | 'aliases' | 'where' | 'help' | 'usage'> & {
  name: N;
  aliases?: readonly string[];
  where?: CommandDef['where'];
  help?: PlainKey;
  usage?: PlainKey;
} & (`help.${N}` extends PlainKey ? unknown : { help: PlainKey }); // a name without a help line must name one

/** A command with its defaults filled in, so its words, help and usage come from one definition. */
export function defineCommand<const N extends string>(spec: CommandSpec<N>): CommandDef {
  const usage = `${spec.name}.usage`;
  return {
    ...spec,
    aliases: spec.aliases ?? [],
    where: spec.where ?? 'any',
    help: spec.help ?? (`help.${spec.name}` as PlainKey),
    usage: spec.usage ?? (usage in messages ? (usage as PlainKey) : undefined),
  };
}

/** A call that did not match the command's form. Said to the bot it earns the usage line; said in passing, silence. */
export class UsageError extends DomainError<PlainKey> {
  constructor(usage: PlainKey) {
    super('INVALID_INPUT', usage);
    this.name = 'UsageError';
  }
}

/** The number of a reference ("T1", "W3", "G2") the command needs, or its usage line when it is not one. */
export function refOrUsage(prefix: string, token: string | undefined, usage: PlainKey): number {
  const id = parseRef(prefix, token);
  if (id === null) throw new UsageError(usage);
  return id;
}

/** Images sent on their own, after a command they belong to (WeChat sends them as separate messages). */
export interface AttachmentConsumer<T = unknown> {
  name: string;
  /** What the images would attach to, if anything. Read-only. */
  find(ctx: CommandCtx): T | undefined;
  attach(ctx: CommandCtx, target: T, files: StoredFile[]): CommandOutput;
}

/** The unit a command acts in: the bound room's, else (in a private chat) the member's own. */
export function unitOf(ctx: CommandCtx): number {
  if (ctx.room.unitId !== null) return ctx.room.unitId;
  const home = homeUnit(ctx);
  if (home === undefined) throw new DomainError('INVALID_INPUT', ctx.room.kind === 'group' ? 'room.notBound' : 'room.noUnit');
  return home;
}

/**
 * Whether a command has a unit to act in here: the room is bound, or the member belongs somewhere. Help
 * offers the neighbourhood's commands (报事, 心愿, 积分, 商城…) only then; elsewhere they could only answer
 * that the group is not bound.
 */
export const hasUnit = (ctx: CommandCtx): boolean => ctx.room.unitId !== null || homeUnit(ctx) !== undefined;

export function homeUnit(ctx: CommandCtx): number | undefined {
  for (const roles of [['resident'], ['volunteer'], ['staff', 'admin'], ['merchant']] as const) {
    const found = unitsWithRole(ctx.db, ctx.member.id, [...roles]);
    if (found.length) return found[0];
  }
  return undefined;
}

export const isStaffHere = (ctx: CommandCtx): boolean => {
  if (ctx.room.unitId !== null) return canActAsStaff(ctx.db, ctx.member.id, ctx.room.unitId);
  return unitsWithRole(ctx.db, ctx.member.id, ['staff', 'admin']).length > 0;
};

export function normalizeOutput(output: CommandOutput): HandleResult {
  if (output === undefined) return { replies: [] };
  if (typeof output === 'string') return { replies: [{ text: output }] };
  if (Array.isArray(output)) return { replies: output };
  if ('replies' in output) return output;
  return { replies: [output] };
}
