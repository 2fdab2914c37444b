import type { Api } from 'grammy';
import type { BotCommand, BotCommandScope } from 'grammy/types';
import type { CommandDef } from '../../src/chat/command.js';
import { t } from '../../src/i18n/index.js';
import type { Lang } from '../../src/config.js';

const NAME = /^[a-z0-9_]{1,32}$/;
const DESCRIPTION_LIMIT = 256;
const LANGS: readonly Lang[] = ['zh', 'en'];

/** A help line is "word — what it does"; the menu shows the command's /name beside the second half. */
export function commandDescription(command: CommandDef, lang: Lang): string | undefined {
  if (!command.help) return undefined;
  const line = t(lang, command.help);
  const dash = line.indexOf(' — ');
  const text = (dash === -1 ? line : line.slice(dash + 3)).trim();
  if (!text) return undefined;
  return text.length > DESCRIPTION_LIMIT ? text.slice(0, DESCRIPTION_LIMIT - 1) + '…' : text;
}

/** The "/" menu of one kind of chat in one language: the listed commands usable there. */
export function menu(commands: readonly CommandDef[], where: 'private' | 'group', lang: Lang): BotCommand[] {
  return commands.flatMap((command) => {
    if (command.where !== 'any' && command.where !== where) return [];
    if (!NAME.test(command.name)) return [];
    const description = commandDescription(command, lang);
    return description ? [{ command: command.name, description }] : [];
  });
}

export interface MenuCall {
  commands: BotCommand[];
  scope: BotCommandScope;
  language_code?: Lang;
}

/**
 * The menus to register: private chats and groups each get their own, in Chinese and English by the
 * user's Telegram language, and in the default language for everyone else.
 */
export function menus(commands: readonly CommandDef[], defaultLang: Lang): MenuCall[] {
  return (['private', 'group'] as const).flatMap((where) => {
    const scope: BotCommandScope = { type: where === 'private' ? 'all_private_chats' : 'all_group_chats' };
    return [
      { commands: menu(commands, where, defaultLang), scope },
      ...LANGS.map((lang) => ({ commands: menu(commands, where, lang), scope, language_code: lang })),
    ];
  });
}

export async function registerCommands(api: Api, commands: readonly CommandDef[], defaultLang: Lang): Promise<void> {
  for (const call of menus(commands, defaultLang)) {
    await api.setMyCommands(call.commands, {
      scope: call.scope,
      ...(call.language_code ? { language_code: call.language_code } : {}),
    });
  }
}
