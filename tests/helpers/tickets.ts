import { eq } from 'drizzle-orm';
import { outbox } from '../../src/db/schema/index.js';
import { type Ctx, memberActor } from '../../src/domain/context.js';
import { findRoom } from '../../src/domain/org/rooms.js';
import { type ReportInput, reportTicket } from '../../src/domain/tickets/report.js';
import type { Ticket } from '../../src/domain/tickets/store.js';
import { type DemoChat, demoChat } from './services.js';

export type Who = keyof DemoChat['ids']['members'];

/** The demo neighbourhood with shortcuts for acting on tickets as its people. */
export function ticketsDemo() {
  const demo = demoChat();
  const db = demo.services.db;
  const as = (who: Who): Ctx => ({ ...demo.services.deps, actor: memberActor(demo.ids.members[who].id) });
  const roomId = (platformRoomId: string) => findRoom(db, 'shell', platformRoomId)!.id;
  /** Reports as `who` in grid-1 (or where `input` says) and returns the ticket, failing on a duplicate. */
  const report = (who: Who, text: string, input: Partial<ReportInput> = {}): Ticket => {
    const result = reportTicket(as(who), { unitId: demo.ids.units.grid1.id, roomId: roomId('grid-1'), text, ...input });
    if (result.kind !== 'created') throw new Error(`"${text}" was taken for a duplicate of T${result.ticket.id}`);
    return result.ticket;
  };
  /** Outbox texts written so far for a shell room. */
  const outboxTo = (platformRoomId: string) => db.select().from(outbox).where(eq(outbox.roomId, platformRoomId)).orderBy(outbox.id).all();
  return { ...demo, db, as, roomId, report, outboxTo };
}
