import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox, rooms } from '../../../src/db/schema/index.js';
import { apiHarness, type Harness } from '../harness.js';

const sent = (h: Harness) => h.services.db.select({ roomId: outbox.roomId, text: outbox.text }).from(outbox).all();

describe('POST /broadcasts', () => {
  it('queues one message per bound group of the subtree', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/broadcasts', {
      token: h.tokens.community,
      body: { unitId: h.ids.units.community.id, text: '近期冒充社保局的诈骗电话增多，请提高警惕。' },
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ rooms: 5 });
    expect(sent(h).map((r) => r.roomId)).toEqual(['grid-1', 'grid-1-staff', 'grid-2', 'grid-2-staff', 'community']);
    expect(sent(h)[0]!.text).toBe('📢 荷东社区通知\n近期冒充社保局的诈骗电话增多，请提高警惕。');
  });

  it('keeps to the unit itself, or one purpose, when asked', async () => {
    const h = apiHarness();
    const only = await h.call('POST', '/broadcasts', {
      token: h.tokens.community,
      body: { unitId: h.ids.units.community.id, text: 'x', includeDescendants: false },
    });
    expect(only.body).toEqual({ rooms: 1 });
    const residents = await h.call('POST', '/broadcasts', {
      token: h.tokens.root,
      body: { unitId: h.ids.units.street.id, text: '燃气安全', purpose: 'residents' },
    });
    expect(residents.body).toEqual({ rooms: 2 });
  });

  it('writes each message in its room’s language', async () => {
    const h = apiHarness();
    h.services.db.update(rooms).set({ language: 'en' }).where(eq(rooms.platformRoomId, 'grid-2')).run();
    await h.call('POST', '/broadcasts', { token: h.tokens.grid2, body: { unitId: h.ids.units.grid2.id, text: 'Water off 9-12' } });
    expect(sent(h).map((r) => r.text)).toEqual(['📢 Notice from 荷东第二网格\nWater off 9-12', '📢 荷东第二网格通知\nWater off 9-12']);
  });

  it('is audited with the rooms and the text', async () => {
    const h = apiHarness();
    await h.call('POST', '/broadcasts', { token: h.tokens.staff, body: { unitId: h.ids.units.grid1.id, text: '停水通知' } });
    const audit = await h.call('GET', '/audit?action=broadcast.send', { token: h.tokens.staff });
    expect(audit.body.data[0]).toMatchObject({
      actorKind: 'token',
      targetType: 'unit',
      targetId: String(h.ids.units.grid1.id),
      data: { rooms: 2, text: '停水通知' },
    });
  });

  it.each([
    ['empty text', { text: '   ' }, 400],
    ['text too long', { text: 'x'.repeat(2001) }, 400],
    ['an unknown unit', { unitId: 777 }, 404],
    ['a unit above the token', { unitId: 'community' }, 403],
  ])('refuses %s', async (_, change, status) => {
    const h = apiHarness();
    const body: Record<string, unknown> = { unitId: h.ids.units.grid1.id, text: '通知', ...change };
    if (body.unitId === 'community') body.unitId = h.ids.units.community.id;
    expect((await h.call('POST', '/broadcasts', { token: h.tokens.staff, body })).status).toBe(status);
    expect(sent(h)).toEqual([]);
  });
});
