import { describe, expect, it } from 'vitest';
import { PacedSender, SenderClosedError, serialPerKey, splitText } from '../../../bots/wechat/send.js';
import { manualClock } from '../../helpers/wechat.js';

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
  it("keeps the order of one room's sends", async () => {
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

  describe('replies first', () => {
    /** A sender on a clock that moves when told, and a record of what went out when. */
    function paced(roomIntervalMs: number, perMinute: number) {
      const clock = manualClock();
      const sender = new PacedSender({ roomIntervalMs, perMinute, now: clock.now, sleep: clock.sleep });
      const sent: { what: string; at: number }[] = [];
      const send = (room: string, what: string) => sender.run(room, async () => void sent.push({ what, at: clock.now() }));
      const reply = (room: string, what: string) => sender.reply(room, () => send(room, what));
      return { clock, sender, sent, send, reply };
    }

    it("sends a reply ahead of outbox rows waiting for the minute's budget, within the budget", async () => {
      const { clock, sent, send, reply } = paced(1000, 2);
      const broadcast = ['a', 'b', 'c', 'd'].map((room) => send(room, `notice ${room}`));
      await clock.advance(10_000);
      expect(sent.map((s) => s.what)).toEqual(['notice a', 'notice b']);

      const answered = reply('e', 'reply e');
      await clock.advance(50_000);
      await answered;
      await clock.advance(60_000);
      await Promise.all(broadcast);
      expect(sent).toEqual([
        { what: 'notice a', at: 0 },
        { what: 'notice b', at: 0 },
        { what: 'reply e', at: 60_000 },
        { what: 'notice c', at: 60_000 },
        { what: 'notice d', at: 120_000 },
      ]);
    });

    it('keeps a reply to the room interval, sending other rooms meanwhile', async () => {
      const { clock, sent, send, reply } = paced(5000, 100);
      await send('a', 'notice a');
      const answered = reply('a', 'reply a');
      const other = send('b', 'notice b');
      await clock.advance(5000);
      await Promise.all([answered, other]);
      expect(sent).toEqual([
        { what: 'notice a', at: 0 },
        { what: 'notice b', at: 0 },
        { what: 'reply a', at: 5000 },
      ]);
    });

    it("sends first what a reply waits behind in its room, in the room's order", async () => {
      const { clock, sent, send, reply } = paced(1000, 1);
      const broadcast = ['a', 'b', 'c'].map((room) => send(room, `notice ${room}`));
      await clock.advance(1000);
      const answered = reply('c', 'reply c');
      await clock.advance(3 * 60_000);
      await Promise.all([...broadcast, answered]);
      expect(sent).toEqual([
        { what: 'notice a', at: 0 },
        { what: 'notice c', at: 60_000 },
        { what: 'reply c', at: 120_000 },
        { what: 'notice b', at: 180_000 },
      ]);
    });
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
