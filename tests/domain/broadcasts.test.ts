import { describe, expect, it } from 'vitest';
import { sendBroadcast } from '../../src/domain/broadcasts.js';
import { memberActor } from '../../src/domain/context.js';
import { demoChat } from '../helpers/services.js';

describe('sendBroadcast', () => {
  it('reaches every bound group of the subtree and is delivered by the outbox', async () => {
    const demo = demoChat();
    const ctx = { ...demo.system, actor: memberActor(demo.ids.members.li.id) };
    expect(sendBroadcast(ctx, { unitId: demo.ids.units.grid1.id, text: '明天停水', includeDescendants: true })).toEqual({ rooms: 2 });
    const out = await demo.say('jin', 'grid-1', '帮助');
    expect(demo.textsIn(out, 'grid-1-staff')).toEqual(['📢 荷东第一网格通知\n明天停水']);
  });

  it('lets only staff of the unit send as a member', () => {
    const demo = demoChat();
    const ctx = { ...demo.system, actor: memberActor(demo.ids.members.jin.id) };
    expect(() => sendBroadcast(ctx, { unitId: demo.ids.units.grid1.id, text: 'x', includeDescendants: true })).toThrow(/staffOnly/);
    const chen = { ...demo.system, actor: memberActor(demo.ids.members.chen.id) };
    expect(() => sendBroadcast(chen, { unitId: demo.ids.units.grid1.id, text: 'x', includeDescendants: true })).toThrow(/staffOnly/);
  });
});
