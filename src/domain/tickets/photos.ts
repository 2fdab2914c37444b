import { and, desc, eq, gte, ne } from 'drizzle-orm';
import { MINUTE } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/client.js';
import { ticketFollowers, ticketPhotos, tickets } from '../../db/schema/index.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import type { StoredFile } from '../files.js';
import { say } from '../notice.js';
import { tellInvolvedStaff } from './announce.js';
import { changeTicket } from './machine.js';
import { getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

/** Images sent on their own this soon after a report belong to it (WeChat sends them as separate messages). */
export const PHOTO_WINDOW_MS = 2 * MINUTE;

/** Records the files against the ticket; the same image twice is kept once. Returns how many were new. */
export function storePhotos(ctx: Ctx, ticket: Ticket, files: readonly StoredFile[], memberId: number): number {
  let added = 0;
  for (const file of files) {
    added += ctx.db
      .insert(ticketPhotos)
      .values({
        ticketId: ticket.id,
        hash: file.hash,
        path: file.path,
        mimeType: file.mimeType,
        size: file.size,
        addedBy: memberId,
        createdAt: ctx.clock.now(),
      })
      .onConflictDoNothing()
      .run().changes;
  }
  return added;
}

/**
 * The ticket images from this member in this room would belong to: one they reported here, or joined as
 * a duplicate here, in the last two minutes.
 */
export function photoTarget(db: Db, input: { memberId: number; roomId: number; now: Date }): number | undefined {
  const since = new Date(input.now.getTime() - PHOTO_WINDOW_MS);
  const reported = db
    .select({ id: tickets.id, at: tickets.createdAt })
    .from(tickets)
    .where(and(eq(tickets.reporterId, input.memberId), eq(tickets.originRoomId, input.roomId), gte(tickets.createdAt, since), ne(tickets.status, 'cancelled')))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .get();
  const joined = db
    .select({ id: ticketFollowers.ticketId, at: ticketFollowers.createdAt })
    .from(ticketFollowers)
    .where(and(eq(ticketFollowers.memberId, input.memberId), eq(ticketFollowers.roomId, input.roomId), gte(ticketFollowers.createdAt, since)))
    .orderBy(desc(ticketFollowers.createdAt))
    .get();
  if (!reported) return joined?.id;
  if (!joined) return reported.id;
  return joined.at > reported.at ? joined.id : reported.id;
}

/** Adds images sent after the report; the staff who have the ticket hear of them. */
export function addPhotos(ctx: Ctx, ticketId: number, files: readonly StoredFile[]): { ticket: Ticket; added: number } {
  const memberId = requireMember(ctx, 'ticket');
  return inTransaction(ctx.db, () => {
    let ticket = getTicket(ctx.db, ticketId);
    const added = storePhotos(ctx, ticket, files, memberId);
    if (!added) return { ticket, added };
    ticket = changeTicket(ctx, ticket, {});
    recordEvent(ctx, ticket, { kind: 'photo', data: { count: added } });
    audit(ctx, 'ticket.photo', { type: 'ticket', id: ticket.id }, { count: added });
    const ref = ticketRef(ticket.id);
    const images = files.map((f) => f.path);
    tellInvolvedStaff(ctx, ticket, say('ticket.notice.photos', { ref, count: added }, { images }));
    return { ticket, added };
  });
}
