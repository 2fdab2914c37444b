import { describe, expect, it } from 'vitest';
import { PacedSender, SenderClosedError, serialPerKey, splitText } from '../../../bots/wechat/send.js';

describe('splitText', () => {
  const lines = (n: number, width: number) => Array.from({ length: n }, (_, i) => `${i}`.padEnd(width, '字')).join('\n');

  it.each([
    ['a short text', '你好', 10, ['你好']],
    ['at line breaks', 'aaaa\nbbbb\ncccc', 9, ['aaaa\nbbbb', 'cccc']],
    ['a line longer than the limit', 'abcdefghij', 4, ['abcd', 'efgh', 'ij']],
    ['without cutting an emoji in half', '👍👍👍', 2, ['👍👍', '👍']],
    ['dropping the blank parts', 'aaaa\n\n\n\nbbbb', 4, ['aaaa', 'bbbb']],
  ])('splits %s', (_what, text, max, expected) => {
    expect(splitText(text, max)).toEqual(expected);
  });

  it.each([10, 37, 100])('keeps every part within %i characters and loses no line', (max) => {
    const text = lines(40, 9);
    const parts = splitText(text, max);
    expect(parts.every((p) => [...p].length <= max)).toBe(true);
    expect(parts.join('\n')).toBe(text);
  });
});

describe('PacedSender', () => {
  it('keeps the order of one room\'s sends', async () => {
    const sender = new PacedSender({ roomIntervalMs: 1, perMinute: 1000 });
    const order: number[] = [];
    await Promise.all([3, 1, 2].map((n) => sender.run('r', async () => void order.push(n))));
    expect(order).toEqual([3, 1, 2]);
  });

  it('goes on after a failed send, and passes the failure to its caller', async () => {
    const sender = new PacedSender({ roomIntervalMs: 1, perMinute: 1000 });
    const failed = sender.run('r', () => Promise.reject(new Error('network')));
    const next = sender.run('r', async () => 'ok');
    await expect(failed).rejects.toThrow('network');
    await expect(next).resolves.toBe('ok');
  });

  it('gives up a send that never returns, and goes on with the next', async () => {
    const sender = new PacedSender({ roomIntervalMs: 1, perMinute: 1000, sendTimeoutMs: 20 });
    const hung = sender.run('a', () => new Promise<void>(() => {}));
    const next = sender.run('b', async () => 'sent');
    await expect(hung).rejects.toThrow('did not confirm');
    await expect(next).resolves.toBe('sent');
  });

  it('abandons waiting sends when closed', async () => {
    const sender = new PacedSender({ roomIntervalMs: 60_000, perMinute: 1000 });
    await sender.run('r', async () => {});
    const waiting = sender.run('r', async () => 'never');
    sender.close();
    await expect(waiting).rejects.toBeInstanceOf(SenderClosedError);
    await expect(sender.run('r', async () => {})).rejects.toBeInstanceOf(SenderClosedError);
  });

  it('serialPerKey runs one key in order and keys side by side', async () => {
    const serial = serialPerKey();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const a1 = serial('a', async () => {
      await gate;
      log.push('a1');
    });
    const a2 = serial('a', async () => void log.push('a2'));
    await serial('b', async () => void log.push('b1'));
    release();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['b1', 'a1', 'a2']);
  });
});
