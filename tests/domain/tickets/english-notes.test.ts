import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rooms } from '../../../src/db/schema/index.js';
import { rateTicket } from '../../../src/domain/tickets/rate.js';
import { resolveTicket } from '../../../src/domain/tickets/resolve.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { ticketsDemo } from '../../helpers/tickets.js';

describe('what people wrote, set into a notice', () => {
  it.each([
    ['zh', '办结：换了灯泡', '⭐⭐⭐⭐⭐「很快」', /[:"]/],
    ['en', 'resolved by 网格员小李: 换了灯泡', '⭐⭐⭐⭐⭐ "很快"', /[：「」]/],
  ] as const)("follows the punctuation of the staff room's language (%s)", (lang, resolved, rated, foreign) => {
    const demo = ticketsDemo();
    demo.db.update(rooms).set({ language: lang }).where(eq(rooms.platformRoomId, 'grid-1-staff')).run();
    const ticket = demo.report('jin', '3号楼路灯坏了');
    takeTicket(demo.as('li'), ticket.id);
    resolveTicket(demo.as('li'), ticket.id, { note: '换了灯泡' });
    rateTicket(demo.as('jin'), ticket.id, { rating: 5, comment: '很快' });
    const [, , resolvedNotice, ratedNotice] = demo.outboxTo('grid-1-staff').map((r) => r.text);
    expect(resolvedNotice).toContain(resolved);
    expect(ratedNotice).toContain(rated);
    expect(resolvedNotice! + ratedNotice!).not.toMatch(foreign);
  });
});
