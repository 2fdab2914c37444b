import { describe, expect, it } from 'vitest';
import { commandDescription, menu, menus } from '../../../bots/telegram/commands.js';
import type { CommandDef } from '../../../src/chat/command.js';
import { commands } from '../../../src/chat/commands/index.js';

describe('command menus', () => {
  it('lists each command by its English name with its help line, in Chinese and English', () => {
    const zh = menu(commands, 'private', 'zh');
    const en = menu(commands, 'private', 'en');
    // In the command table's order, every command that has a help line.
    expect(zh.map((c) => c.command).slice(0, 6)).toEqual(['help', 'bind', 'me', 'lang', 'linkcode', 'bindcode']);
    expect(zh.map((c) => c.command)).toEqual(en.map((c) => c.command));
    expect(zh).toHaveLength(commands.filter((c) => c.help).length);
    expect(zh.find((c) => c.command === 'me')?.description).toBe('我的资料和角色');
    expect(en.find((c) => c.command === 'me')?.description).toBe('your profile and roles');
  });

  it('keeps private-only commands out of the group menu', () => {
    expect(menu(commands, 'group', 'zh').map((c) => c.command)).not.toContain('linkcode');
  });

  it('registers private and group menus in the default language and for zh and en users', () => {
    const calls = menus(commands, 'zh');
    expect(calls.map((c) => `${c.scope.type}/${c.language_code ?? ''}`)).toEqual([
      'all_private_chats/',
      'all_private_chats/zh',
      'all_private_chats/en',
      'all_group_chats/',
      'all_group_chats/zh',
      'all_group_chats/en',
    ]);
    expect(calls[0]!.commands).toEqual(calls[1]!.commands);
  });

  it.each([
    ['a name Telegram refuses', { name: 'Big-Name', help: 'help.me' }],
    ['no help line', { name: 'quiet' }],
  ] as const)('leaves out a command with %s', (_, fields) => {
    const command = { words: [], aliases: [], args: 'none', where: 'any', run: () => 'x', ...fields } as CommandDef;
    expect(menu([command], 'private', 'zh')).toEqual([]);
  });

  it('takes the description from the help line after the dash, or the whole line', () => {
    const help = commands.find((c) => c.name === 'help')!;
    expect(commandDescription(help, 'en')).toBe('list the commands you can use');
    for (const c of menus(commands, 'en').flatMap((m) => m.commands)) {
      expect(c.description.length).toBeGreaterThan(0);
      expect(c.description.length).toBeLessThanOrEqual(256);
    }
  });
});
