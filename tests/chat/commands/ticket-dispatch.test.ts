import { describe, expect, it } from 'vitest';
import { grantRole } from '../../../src/domain/org/members.js';
import { getTicket } from '../../../src/domain/tickets/store.js';
import { demoChat } from '../../helpers/services.js';

describe('派单 and 上报 in chat', () => {
  it('lets the community hand a ticket to a grid worker, who hears it privately', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    const sent = await demo.say('zhao', 'community', '派单 T1 网格员小李');
    expect(demo.textsIn(sent, 'community')[0]).toBe('📌 已把 T1 派给 网格员小李。');
    expect(demo.textsIn(sent, 'dm:li').join('\n')).toContain('T1');
    expect(getTicket(demo.services.db, 1)).toMatchObject({ status: 'taken', takerId: demo.ids.members.li.id });
  });

  it('passes a ticket up to the community now, with the reason', async () => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 楼道堆满杂物，邻居不肯搬');
    const sent = await demo.say('li', 'grid-1-staff', '上报 T1 需要社区协调');
    expect(demo.textsIn(sent, 'grid-1-staff')[0]).toContain('已把 T1 上报到荷东社区');
    expect(demo.textsIn(sent, 'community').join('\n')).toContain('需要社区协调');
    expect(getTicket(demo.services.db, 1)).toMatchObject({ responsibleUnitId: demo.ids.units.community.id });
  });

  it("keeps a taken ticket out of a colleague's reach: only staff above the taker reassign it", async () => {
    const demo = demoChat();
    grantRole(demo.system, { memberId: demo.ids.members.yang.id, role: 'staff', unitId: demo.ids.units.grid1.id });
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    await demo.say('li', 'grid-1-staff', '接单 T1');
    const [refused] = await demo.say('yang', 'grid-1-staff', '派单 T1 杨幼红');
    expect(refused?.text).toContain('T1');
    expect(getTicket(demo.services.db, 1).takerId).toBe(demo.ids.members.li.id);
    await demo.say('zhao', 'community', '派单 T1 杨幼红');
    expect(getTicket(demo.services.db, 1).takerId).toBe(demo.ids.members.yang.id);
  });

  it.each([
    ['jin', 'grid-1', '/assign T1 网格员小李', '派'],
    ['zhao', 'community', '派单 T1 张三', '张三'],
    ['zhao', 'community', '/assign T1', '用法'],
    ['jin', 'grid-1', '/escalate T1', '上报'],
    ['li', 'grid-1-staff', '上报 T9', 'T9'],
  ])('%s saying "%s" hears why not', async (who, room, text, fragment) => {
    const demo = demoChat();
    await demo.say('jin', 'grid-1', '报事 3号楼路灯坏了');
    const [reply] = await demo.say(who, room, text);
    expect(reply?.text).toContain(fragment);
    expect(getTicket(demo.services.db, 1)).toMatchObject({ status: 'open', responsibleUnitId: demo.ids.units.grid1.id });
  });
});
