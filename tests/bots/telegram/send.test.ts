import { describe, expect, it } from 'vitest';
import { commands as coreCommands } from '../../../src/chat/commands/index.js';
import type { CommandDef } from '../../../src/chat/command.js';
import { ChatPacers } from '../../../bots/telegram/pacing.js';
import { CALLBACK_DATA_BYTES, commandShortener, MESSAGE_LIMIT, splitText } from '../../../bots/telegram/send.js';

describe('splitText', () => {
  it('keeps a text that fits whole', () => {
    expect(splitText('你好')).toEqual(['你好']);
    expect(splitText('x'.repeat(MESSAGE_LIMIT))).toHaveLength(1);
  });

  it('splits a long text at line breaks into parts that each fit, losing nothing but the breaks', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `第${i}行 ` + '事'.repeat(20));
    const parts = splitText(lines.join('\n'));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(parts.join('\n')).toBe(lines.join('\n'));
  });

  it('cuts a text without breaks at the limit, never inside an emoji', () => {
    const text = 'a' + '😀'.repeat(3000);
    const parts = splitText(text);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(part).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
    expect(parts.join('')).toBe(text);
  });

  it('sends nothing for an empty text', () => {
    expect(splitText('  ')).toEqual([]);
  });
});

describe('commandShortener', () => {
  const poll: CommandDef = { name: 'poll', words: ['投票'], aliases: [], args: 'optional', where: 'any', run: () => 'ok' };
  const shorten = commandShortener([...coreCommands, poll]);

  it.each([
    ['a command that fits, unchanged', '/poll A', '/poll A'],
    ['a Chinese word said as its /name', '投票 ' + 'a'.repeat(58), '/poll ' + 'a'.repeat(58)],
    ['a slash before the word too', '/投票 ' + 'a'.repeat(58), '/poll ' + 'a'.repeat(58)],
    ['nothing when even the short form is too long', '投票 ' + '很'.repeat(30), undefined],
    ['nothing for an unknown word', '查查 ' + '很'.repeat(30), undefined],
  ])('%s', (_, command, expected) => {
    const data = shorten(command);
    expect(data).toBe(expected);
    if (data) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(CALLBACK_DATA_BYTES);
  });
});

describe('ChatPacers', () => {
  const paced = () => {
    let now = 1_000_000;
    const waits: number[] = [];
    const pacers = new ChatPacers({ now: () => now, sleep: async (ms) => void waits.push(ms) });
    const send = (chatId: string, takes = 0) =>
      pacers.run(chatId, async () => {
        now += takes;
      });
    return { pacers, waits, send, advance: (ms: number) => (now += ms) };
  };

  it('spaces messages to one chat a second apart, and lets other chats go at once', async () => {
    const { waits, send } = paced();
    await send('42');
    await send('42');
    await send('42');
    await send('43');
    expect(waits).toEqual([1000, 2000]);
  });

  it('holds a group to twenty messages a minute, and a private chat to more', async () => {
    const { waits, send } = paced();
    for (let i = 0; i < 21; i++) await send('-1001');
    expect(waits.at(-1)).toBe(60_000);
    waits.length = 0;
    for (let i = 0; i < 21; i++) await send('42');
    expect(Math.max(...waits)).toBe(20_000);
  });

  it('waits a second after a send Telegram held back, not after its slot', async () => {
    const { waits, send, advance } = paced();
    await send('42', 1500); // a 429 with retry_after 1, waited out inside the send
    advance(200);
    await send('42');
    expect(waits).toEqual([800]);
  });

  it('sends to one chat one at a time, in the order asked', async () => {
    const { pacers } = paced();
    const order: string[] = [];
    let release!: () => void;
    const first = pacers.run('42', () => new Promise<void>((resolve) => (release = resolve)).then(() => void order.push('first')));
    const second = pacers.run('42', async () => void order.push('second'));
    const other = pacers.run('43', async () => void order.push('other chat'));
    await other;
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['other chat', 'first', 'second']);
  });

  it('goes on with the next send when one fails', async () => {
    const { pacers } = paced();
    await expect(pacers.run('42', async () => Promise.reject(new Error('Forbidden')))).rejects.toThrow('Forbidden');
    await expect(pacers.run('42', async () => 'sent')).resolves.toBe('sent');
  });

  it('forgets idle chats among many, but not one whose send is still under way', async () => {
    const { pacers, send, advance } = paced();
    const order: string[] = [];
    let release!: () => void;
    const held = pacers.run('42', () => new Promise<void>((resolve) => (release = resolve)).then(() => void order.push('held')));
    for (let i = 0; i < 1000; i++) await send(String(1000 + i));
    advance(120_000); // everything is a minute past; a new chat makes the pacers tidy up
    await send('7');
    const next = pacers.run('42', async () => void order.push('next'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    release();
    await Promise.all([held, next]);
    expect(order).toEqual(['held', 'next']);
  });
});
