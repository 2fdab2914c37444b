import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rooms } from '../../../src/db/schema/index.js';
import { seeRoom } from '../../../src/domain/org/rooms.js';
import { apiHarness, type Harness } from '../harness.js';

const roomId = (h: Harness, platformRoomId: string) => h.services.db.select().from(rooms).where(eq(rooms.platformRoomId, platformRoomId)).get()!.id;
const platformIds = (body: { data: { platformRoomId: string }[] }) => body.data.map((r) => r.platformRoomId);
const newGroup = (h: Harness) => seeRoom(h.services.deps, { platform: 'shell', platformRoomId: 'new-group', name: '新群', isPrivate: false });

describe('GET /rooms', () => {
  it("lists the groups of the caller's subtree, never private chats", async () => {
    const h = apiHarness();
    expect(platformIds((await h.call('GET', '/rooms', { token: h.tokens.root })).body)).toEqual([
      'grid-1',
      'grid-1-staff',
      'grid-2',
      'grid-2-staff',
      'community',
      'street',
    ]);
    expect(platformIds((await h.call('GET', '/rooms', { token: h.tokens.staff })).body)).toEqual(['grid-1', 'grid-1-staff']);
  });

  it('filters by unit, purpose and binding', async () => {
    const h = apiHarness();
    newGroup(h);
    const list = async (query: string) => platformIds((await h.call('GET', `/rooms${query}`, { token: h.tokens.root })).body);
    expect(await list(`?unitId=${h.ids.units.community.id}&purpose=residents`)).toEqual(['grid-1', 'grid-2']);
    expect(await list('?bound=false')).toEqual(['new-group']);
    expect(await list('?bound=true')).toHaveLength(6);
  });

  it('shows unbound groups to whole-tree tokens only', async () => {
    const h = apiHarness();
    newGroup(h);
    expect((await h.call('GET', '/rooms?bound=false', { token: h.tokens.street })).status).toBe(403);
    expect(platformIds((await h.call('GET', '/rooms', { token: h.tokens.street })).body)).not.toContain('new-group');
  });
});

describe('PATCH /rooms/{id}', () => {
  it('moves a group to another unit and purpose, audited', async () => {
    const h = apiHarness();
    const answer = await h.call('PATCH', `/rooms/${roomId(h, 'grid-1')}`, {
      token: h.tokens.community,
      body: { unitId: h.ids.units.building3.id, purpose: 'residents' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ platformRoomId: 'grid-1', unitId: h.ids.units.building3.id, purpose: 'residents' });
    const audit = await h.call('GET', '/audit?action=room.bind', { token: h.tokens.community });
    expect(audit.body.data[0]).toMatchObject({ actorKind: 'token', targetType: 'room', targetId: String(answer.body.id) });
  });

  it("sets the language of the bot's notices in a group, audited, and back to the default with null", async () => {
    const h = apiHarness();
    const id = roomId(h, 'grid-1-staff');
    const english = await h.call('PATCH', `/rooms/${id}`, { token: h.tokens.community, body: { language: 'en' } });
    expect(english.status).toBe(200);
    expect(english.body).toMatchObject({ platformRoomId: 'grid-1-staff', unitId: h.ids.units.grid1.id, purpose: 'staff', language: 'en' });
    const audit = await h.call('GET', '/audit?action=room.language', { token: h.tokens.community });
    expect(audit.body.data[0]).toMatchObject({ targetType: 'room', targetId: String(id) });
    const back = await h.call('PATCH', `/rooms/${id}`, { token: h.tokens.community, body: { language: null } });
    expect(back.body.language).toBeNull();
    expect((await h.call('PATCH', `/rooms/${id}`, { token: h.tokens.community, body: { language: 'fr' } })).status).toBe(400);
  });

  it('binds an unbound group given a unit', async () => {
    const h = apiHarness();
    const room = newGroup(h);
    expect((await h.call('PATCH', `/rooms/${room.id}`, { token: h.tokens.root, body: { purpose: 'staff' } })).status).toBe(400);
    const bound = await h.call('PATCH', `/rooms/${room.id}`, { token: h.tokens.root, body: { unitId: h.ids.units.grid2.id } });
    expect(bound.body).toMatchObject({ unitId: h.ids.units.grid2.id, purpose: 'residents' });
  });

  it.each([
    ['nothing to change', () => ({}), 400],
    ['an unknown unit', () => ({ unitId: 777 }), 404],
    ['a unit outside the subtree', (h: Harness) => ({ unitId: h.ids.units.street.id }), 403],
    ['an unknown purpose', () => ({ purpose: 'party' }), 400],
  ])('refuses %s', async (_, body, status) => {
    const h = apiHarness();
    expect((await h.call('PATCH', `/rooms/${roomId(h, 'grid-1')}`, { token: h.tokens.community, body: body(h) })).status).toBe(status);
  });

  it('answers unknown rooms and private chats with 404', async () => {
    const h = apiHarness();
    expect((await h.call('PATCH', '/rooms/999', { token: h.tokens.root, body: { purpose: 'staff' } })).status).toBe(404);
    expect((await h.call('PATCH', `/rooms/${roomId(h, 'dm:jin')}`, { token: h.tokens.root, body: { purpose: 'staff' } })).status).toBe(404);
  });
});

describe('DELETE /rooms/{id}', () => {
  it('unbinds a group', async () => {
    const h = apiHarness();
    const answer = await h.call('DELETE', `/rooms/${roomId(h, 'grid-2')}`, { token: h.tokens.grid2 });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ unitId: null, purpose: null, boundAt: null });
    expect(platformIds((await h.call('GET', '/rooms', { token: h.tokens.grid2 })).body)).toEqual(['grid-2-staff']);
  });

  it('unbinding an unbound group changes nothing and is not audited again, as revoking a revoked token', async () => {
    const h = apiHarness();
    const id = roomId(h, 'grid-2');
    const unbinds = async () => (await h.call('GET', `/audit?action=room.unbind&targetId=${id}`, { token: h.tokens.root })).body.data.length;
    expect((await h.call('DELETE', `/rooms/${id}`, { token: h.tokens.root })).status).toBe(200);
    expect(await unbinds()).toBe(1);
    const again = await h.call('DELETE', `/rooms/${id}`, { token: h.tokens.root });
    expect(again).toMatchObject({ status: 200, body: { id, unitId: null, purpose: null } });
    expect(await unbinds()).toBe(1);
  });

  it('answers an unknown room with 404', async () => {
    const h = apiHarness();
    expect((await h.call('DELETE', '/rooms/999', { token: h.tokens.root })).status).toBe(404);
  });
});

describe('POST /binding-codes', () => {
  it('makes a group code that binds a group in the chat', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/binding-codes', { token: h.tokens.staff, body: { unitId: h.ids.units.building3.id, purpose: 'residents' } });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      code: expect.stringMatching(/^[2-9A-Z]{8}$/),
      kind: 'room',
      unitId: h.ids.units.building3.id,
      purpose: 'residents',
      memberId: null,
    });
    expect(new Date(answer.body.expiresAt).getTime() - h.clock.now().getTime()).toBe(7 * 24 * 3600_000);
    const result = await h.services.core.handle({
      platform: 'shell',
      roomId: 'building-3',
      roomName: '3号楼居民群',
      isPrivate: false,
      senderId: 'li',
      senderName: '网格员小李',
      messageId: 'm1',
      text: `绑定 ${answer.body.code}`,
    });
    expect(result.replies[0]!.text).toContain('3号楼');
  });

  it('makes a member link code valid for a day; purpose defaults to residents', async () => {
    const h = apiHarness();
    const link = await h.call('POST', '/binding-codes', { token: h.tokens.staff, body: { memberId: h.ids.members.wang.id } });
    expect(link.body).toMatchObject({ kind: 'member', memberId: h.ids.members.wang.id, unitId: null });
    expect(new Date(link.body.expiresAt).getTime() - h.clock.now().getTime()).toBe(24 * 3600_000);
    const room = await h.call('POST', '/binding-codes', { token: h.tokens.staff, body: { unitId: h.ids.units.grid1.id } });
    expect(room.body.purpose).toBe('residents');
  });

  it.each([
    ['both shapes at once', (h: Harness) => ({ unitId: h.ids.units.grid1.id, memberId: h.ids.members.jin.id }), 400],
    ['neither shape', () => ({ purpose: 'staff' }), 400],
    ['an unknown unit', () => ({ unitId: 777 }), 404],
    ['an unknown member', () => ({ memberId: 777 }), 404],
    ['a member outside the subtree', (h: Harness) => ({ memberId: h.ids.members.chen.id }), 403],
  ])('refuses %s', async (_, body, status) => {
    const h = apiHarness();
    expect((await h.call('POST', '/binding-codes', { token: h.tokens.staff, body: body(h) })).status).toBe(status);
  });
});
