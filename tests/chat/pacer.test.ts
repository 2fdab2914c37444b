import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/chat/pacer.js';

function fakeTime() {
  let now = 0;
  return { now: () => now, set: (t: number) => (now = t) };
}

describe('Pacer', () => {
  it('spaces messages in one room by the interval', () => {
    const time = fakeTime();
    const pacer = new Pacer({ perRoomIntervalMs: 1500, perMinute: 100, now: time.now });
    expect([pacer.reserve('a'), pacer.reserve('a'), pacer.reserve('a')]).toEqual([0, 1500, 3000]);
    expect(pacer.reserve('b')).toBe(0);
  });

  it('keeps every minute within the overall limit', () => {
    const time = fakeTime();
    const pacer = new Pacer({ perRoomIntervalMs: 0, perMinute: 20, now: time.now });
    const slots = Array.from({ length: 50 }, (_, i) => pacer.reserve(`room-${i}`));
    for (const end of slots) {
      expect(slots.filter((s) => s > end - 60_000 && s <= end).length).toBeLessThanOrEqual(20);
    }
    expect(slots.slice(0, 20).every((s) => s === 0)).toBe(true);
    expect(slots[20]).toBe(60_000);
  });

  it('forgets sends older than a minute', () => {
    const time = fakeTime();
    const pacer = new Pacer({ perRoomIntervalMs: 1000, perMinute: 2, now: time.now });
    pacer.reserve('a');
    pacer.reserve('b');
    time.set(61_000);
    expect(pacer.reserve('c')).toBe(61_000);
  });

  it('counts a finished send from when it finished, for the room and for the minute', () => {
    const time = fakeTime();
    const pacer = new Pacer({ perRoomIntervalMs: 1500, perMinute: 2, now: time.now });
    const slot = pacer.reserve('a');
    time.set(4000);
    pacer.finished('a', slot);
    expect(pacer.peek('a')).toBe(5500);
    expect(pacer.reserve('b')).toBe(4000);
    // The minute's two sends finished at 4000: the third waits for the first to leave the minute.
    expect(pacer.peek('c')).toBe(64_000);
  });

  it('waits for the reserved slot', async () => {
    const slept: number[] = [];
    const pacer = new Pacer({ perRoomIntervalMs: 1500, perMinute: 20, now: () => 0, sleep: async (ms) => void slept.push(ms) });
    await pacer.wait('a');
    await pacer.wait('a');
    expect(slept).toEqual([1500]);
  });
});
