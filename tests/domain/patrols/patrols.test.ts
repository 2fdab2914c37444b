import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../../src/clock.js';
import { patrolNumbers } from '../../../src/domain/patrols/numbers.js';
import { startOfWeek } from '../../../src/domain/patrols/windows.js';
import { demoChat } from '../../helpers/services.js';
import { png as pngOf } from '../../helpers/images.js';

const MONDAY_0759 = new Date('2026-03-02T07:59:00+08:00');
const png = () => pngOf(Math.floor(Math.random() * 65535));

describe('patrols in chat', () => {
  it("logs a patrol of the worker's grid and lists the week", async () => {
    const demo = demoChat({ start: MONDAY_0759 });
    const [logged] = await demo.say('li', 'grid-1-staff', '巡查 3号楼楼道已清理');
    expect(logged?.text).toContain('已登记 荷东第一网格 的巡查');
    expect(logged?.text).toContain('第 1 次');
    demo.clock.advance(6 * HOUR);
    await demo.say('li', 'dm:li', '/patrol');
    const [week] = await demo.say('li', 'grid-1-staff', '巡查记录');
    expect(week?.text).toContain('3号楼楼道已清理');
    expect(week?.text).toContain('共 2 次');
  });

  it('counts an evening patrol as the night patrol', async () => {
    const demo = demoChat({ start: new Date('2026-03-06T21:00:00+08:00') });
    const [logged] = await demo.say('chen', 'grid-2-staff', '巡查 夜巡一切正常');
    expect(logged?.text).toContain('夜巡');
  });

  it('refuses residents', async () => {
    const demo = demoChat();
    const [refused] = await demo.say('jin', 'grid-1', '/patrol');
    expect(refused?.text).toContain('只有网格员');
    expect(await demo.say('jin', 'grid-1', '巡查一下')).toEqual([]);
  });

  it('attaches a photo sent just after the patrol, and not one sent later', async () => {
    const demo = demoChat();
    await demo.say('li', 'grid-1-staff', '巡查');
    const photo = (id: string) =>
      demo.services.core.handle({
        platform: 'shell',
        roomId: 'grid-1-staff',
        roomName: '',
        isPrivate: false,
        senderId: 'li',
        senderName: '网格员小李',
        messageId: id,
        text: '',
        attachments: [{ kind: 'image', load: async () => png() }],
      });
    expect((await photo('p1')).replies[0]?.text).toContain('1 张照片');
    demo.clock.advance(3 * MINUTE);
    expect((await photo('p2')).replies).toEqual([]);
    const [week] = await demo.say('li', 'grid-1-staff', '巡查记录');
    expect(week?.text).toContain('📷1');
  });
});

describe('patrol jobs', () => {
  it('reminds at 08:00, and at 12:00 names the grid that did not patrol to the community', async () => {
    const demo = demoChat({ start: MONDAY_0759 });
    const at8 = await demo.advance(MINUTE);
    expect(demo.textsIn(at8, 'grid-1-staff')[0]).toContain('巡查提醒');
    expect(demo.textsIn(at8, 'grid-2-staff')).toHaveLength(1);
    await demo.say('li', 'grid-1-staff', '巡查');
    const at12 = await demo.advance(4 * HOUR);
    const community = demo.textsIn(at12, 'community');
    expect(community).toHaveLength(1);
    expect(community[0]).toContain('荷东第二网格');
    expect(community[0]).not.toContain('荷东第一网格');
  });

  it('reminds the night patrol on Friday evening and checks it after midnight', async () => {
    const demo = demoChat({ start: new Date('2026-03-06T19:59:00+08:00') });
    const friday = await demo.advance(MINUTE);
    expect(demo.textsIn(friday, 'grid-1-staff').some((t) => t.includes('夜巡提醒'))).toBe(true);
    demo.clock.advance(HOUR);
    await demo.say('chen', 'grid-2-staff', '巡查');
    const saturday = await demo.advance(4 * HOUR);
    const community = demo.textsIn(saturday, 'community').filter((t) => t.includes('夜巡'));
    expect(community).toHaveLength(1);
    expect(community[0]).toContain('荷东第一网格');
    expect(community[0]).not.toContain('荷东第二网格');
  });
});

describe('patrolNumbers', () => {
  it('counts half-days and night patrols done and missed per grid', async () => {
    const demo = demoChat({ start: new Date('2026-03-02T09:00:00+08:00') });
    await demo.say('li', 'grid-1-staff', '巡查'); // Monday morning
    demo.clock.advance(5 * HOUR);
    await demo.say('li', 'grid-1-staff', '巡查'); // Monday afternoon
    demo.clock.advance(HOUR);
    await demo.say('li', 'grid-1-staff', '巡查'); // still the afternoon: no extra half-day
    demo.clock.advance(DAY + 6 * HOUR); // Tuesday 21:00
    await demo.say('li', 'grid-1-staff', '巡查'); // a night patrol
    const { units } = demo.ids;
    const from = new Date('2026-03-02T00:00:00+08:00');
    const to = new Date('2026-03-09T00:00:00+08:00');
    const numbers = patrolNumbers(demo.services.db, units.community.id, from, to, 'Asia/Shanghai');
    expect(numbers).toEqual([
      expect.objectContaining({
        name: '荷东第一网格',
        logged: 4,
        halfDaysExpected: 14,
        halfDaysDone: 2,
        halfDaysMissed: 12,
        nightsExpected: 1,
        nightsDone: 1,
        nightsMissed: 0,
      }),
      expect.objectContaining({ name: '荷东第二网格', logged: 0, halfDaysDone: 0, halfDaysMissed: 14, nightsMissed: 1 }),
    ]);
  });
});

describe("patrolNumbers around a month's end", () => {
  const TZ = 'Asia/Shanghai';
  const at = (iso: string) => new Date(`${iso}+08:00`);
  const nights = (demo: ReturnType<typeof demoChat>, from: string, to: string) => {
    const [grid1] = patrolNumbers(demo.services.db, demo.ids.units.grid1.id, at(from), at(to), TZ);
    return [grid1!.nightsDone, grid1!.nightsExpected];
  };

  /** A night patrol each Friday 21:00 from 03-06 to 04-24; none in the week of 04-27. */
  async function fridays() {
    const demo = demoChat({ start: new Date('2026-03-02T09:00:00+08:00') }); // the grid exists from Monday 03-02
    for (let friday = at('2026-03-06T21:00:00'); friday <= at('2026-04-24T21:00:00'); friday = new Date(friday.getTime() + 7 * DAY)) {
      demo.clock.set(friday);
      await demo.say('li', 'grid-1-staff', '巡查');
    }
    return demo;
  }

  it('counts a week in the month it ends in, with its night patrol from either month', async () => {
    const demo = await fridays();
    expect(nights(demo, '2026-03-01T00:00:00', '2026-04-01T00:00:00')).toEqual([4, 4]); // weeks to Sunday 03-29, all done
    // The week of 03-30 (patrolled Friday 04-03) is April's; so April ran 4 of 4
    expect(nights(demo, '2026-04-01T00:00:00', '2026-05-01T00:00:00')).toEqual([4, 4]);
    // and the week of 04-27, missed, is May's: not hidden, and not called missed before it is over
    expect(nights(demo, '2026-05-01T00:00:00', '2026-06-01T00:00:00')).toEqual([0, 5]);
  });

  it('reads a night patrol logged in the month before, for a week ending in this one', async () => {
    const demo = demoChat({ start: new Date('2026-03-02T09:00:00+08:00') });
    demo.clock.set(at('2026-03-31T21:00:00')); // Tuesday of the week 03-30 to 04-05
    await demo.say('li', 'grid-1-staff', '巡查');
    expect(nights(demo, '2026-04-01T00:00:00', '2026-05-01T00:00:00')).toEqual([1, 4]);
    expect(nights(demo, '2026-03-01T00:00:00', '2026-04-01T00:00:00')).toEqual([0, 4]);
    const [april] = patrolNumbers(demo.services.db, demo.ids.units.grid1.id, at('2026-04-01T00:00:00'), at('2026-05-01T00:00:00'), TZ);
    expect(april).toMatchObject({ logged: 0, halfDaysDone: 0 }); // a patrol counts for its half-day in its own month only
  });
});

describe('patrol weeks', () => {
  it('start on the calendar Monday, even in a week whose clocks change', () => {
    // New York moved its clocks on Sunday 2026-03-08; the week from Monday 03-09 starts at local midnight.
    expect(startOfWeek(new Date('2026-03-12T12:00:00-04:00'), 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    // and the week before it, which contains the change, at its own Monday midnight (EST)
    expect(startOfWeek(new Date('2026-03-08T12:00:00-04:00'), 'America/New_York').toISOString()).toBe('2026-03-02T05:00:00.000Z');
    expect(startOfWeek(new Date('2026-03-04T09:00:00+08:00'), 'Asia/Shanghai').toISOString()).toBe('2026-03-01T16:00:00.000Z');
  });
});
