import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/chat/command.js';
import { commands } from '../../src/chat/commands/index.js';
import { messages } from '../../src/i18n/index.js';

describe('a command definition', () => {
  it('takes its help and usage lines from its name, anywhere, with no aliases', () => {
    const take = defineCommand({ name: 'take', words: ['接单'], args: 'required', run: () => 'ok' });
    expect(take).toMatchObject({ help: 'help.take', usage: 'take.usage', where: 'any', aliases: [] });
  });

  it('has no usage line where the table has none, and keeps what it says itself', () => {
    const shop = defineCommand({ name: 'shop', words: ['商城'], args: 'none', run: () => 'ok' });
    expect(shop.usage).toBeUndefined();
    const anon = defineCommand({
      name: 'report_anon',
      words: ['匿名报事'],
      args: 'required',
      usage: 'report.usage',
      where: 'group',
      aliases: ['anon'],
      run: () => 'ok',
    });
    expect(anon).toMatchObject({ help: 'help.report_anon', usage: 'report.usage', where: 'group', aliases: ['anon'] });
  });

  it('gives every command in the table a help line, and every usage line it names exists in both languages', () => {
    for (const command of commands) {
      expect(command.help, command.name).toBeDefined();
      for (const key of [command.help, command.usage].filter((k) => k !== undefined)) {
        expect(messages[key].zh, key).toBeTruthy();
        expect(messages[key].en, key).toBeTruthy();
      }
    }
  });
});
