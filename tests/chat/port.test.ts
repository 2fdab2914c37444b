import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { SHELL } from '../../src/chat/demo.js';
import { outbox } from '../../src/db/schema/index.js';
import { demoServices } from '../helpers/services.js';

describe('ChatPort: what an adapter tells the core besides messages', () => {
  it('records a group the bot was added to, and its new name', () => {
    const { core } = demoServices().services;
    core.botAdded('wechat', 'g1', '荷东3号楼');
    expect(core.findRoom('wechat', 'g1')).toMatchObject({ name: '荷东3号楼', kind: 'group' });
    core.roomRenamed('wechat', 'g1', '荷东3号楼邻里群');
    expect(core.findRoom('wechat', 'g1')?.name).toBe('荷东3号楼邻里群');
    expect(core.findRoom('wechat', 'g2')).toBeUndefined();
  });

  it('moves a group to its new id, binding and all; an unknown one is left alone', () => {
    const { core } = demoServices().services;
    const before = core.findRoom(SHELL, 'grid-1')!;
    expect(core.roomMoved(SHELL, 'grid-1', 'grid-1-super')).toMatchObject({ id: before.id, platformRoomId: 'grid-1-super' });
    expect(core.findRoom(SHELL, 'grid-1')).toBeUndefined();
    expect(core.roomMoved(SHELL, 'nowhere', 'elsewhere')).toBeUndefined();
  });

  it('queues a reply that could not go in the outbox of a known room only', () => {
    const { services } = demoServices();
    expect(services.core.replyLater(SHELL, 'grid-1', { text: '稍后' }, 'test:reply')).toBe(true);
    expect(services.core.replyLater(SHELL, 'nowhere', { text: '稍后' }, 'test:reply')).toBe(false);
    const rows = services.db.select().from(outbox).where(eq(outbox.source, 'test:reply')).all();
    expect(rows.map((r) => [r.roomId, r.text])).toEqual([['grid-1', '稍后']]);
  });

  it('tells the top staff rooms about the bot itself', () => {
    const { services } = demoServices();
    expect(services.core.tellTopStaff('test:connection', 'wechat.up', { name: '邻里' })).toBe(1);
    const [row] = services.db.select().from(outbox).where(eq(outbox.source, 'test:connection')).all();
    expect(row).toMatchObject({ platform: SHELL, roomId: 'street' });
  });

  it("lists a platform's rooms and names its people", () => {
    const { core } = demoServices().services;
    expect(core.rooms(SHELL).map((r) => r.platformRoomId)).toEqual(expect.arrayContaining(['grid-1', 'street', 'dm:jin']));
    expect(core.displayName(SHELL, 'jin')).toBe('金阿姨');
    expect(core.displayName(SHELL, 'nobody')).toBeUndefined();
  });
});
