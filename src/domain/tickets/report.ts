import { inTransaction } from '../../db/client.js';
import { ticketFollowers, tickets } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import type { StoredFile } from '../files.js';
import { phrase } from '../notice.js';
import { getUnit, isWithin, nearestOfKind, type Unit } from '../org/units.js';
import { tellStaff } from './announce.js';
import { type Category, inferCategory, takeLimitMs } from './categories.js';
import { changeTicket } from './machine.js';
import { storePhotos } from './photos.js';
import { routeTicket } from './routing.js';
import { findSimilarOpen } from './similarity.js';
import { anonymousPeople, isFollower, recordEvent, type Ticket } from './store.js';
import { ticketView } from './view.js';

const MAX_TEXT = 500;

export interface ReportInput {
  /** The unit it is reported in (the room's). */
  unitId: number;
  /** The room it was said in, to answer the reporter there later. */
  roomId: number | null;
  text: string;
  anonymous?: boolean;
  /** 报事!: file it even when it reads like an open ticket. */
  force?: boolean;
  files?: readonly StoredFile[];
}

export type ReportResult =
  | { kind: 'created'; ticket: Ticket; category: Category; responsible: Unit; alsoTold: Unit | undefined }
  /**
   * It reads like an open ticket: the reporter now follows that one (unless it is their own); `anonymous`
   * when they are "一位居民" on it.
   */
  | { kind: 'duplicate'; ticket: Ticket; own: boolean; anonymous: boolean };

/** Tidies what was typed: one line of text without runs of spaces. */
export const cleanText = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * 报事: opens a ticket in the unit, routed to the staff who answer for it and announced in their staff
 * room with a button to take it. Urgent matters are announced to the community at once. A report that
 * reads like an open ticket of the same unit and category from the last two days joins that one instead.
 */
export function reportTicket(ctx: Ctx, input: ReportInput): ReportResult {
  const text = cleanText(input.text);
  if (!text) throw new DomainError('INVALID_INPUT', 'ticket.textRequired');
  if (text.length > MAX_TEXT) throw new DomainError('INVALID_INPUT', 'ticket.textTooLong', { max: MAX_TEXT });
  const reporterId = requireMember(ctx, 'ticket');
  return inTransaction(ctx.db, () => {
    const origin = getUnit(ctx.db, input.unitId);
    const category = inferCategory(ctx.db, text);
    const now = ctx.clock.now();
    if (!input.force) {
      const similar = findSimilarOpen(ctx.db, { originUnitId: origin.id, categoryId: category.id, text, now });
      if (similar) return joinDuplicate(ctx, similar, reporterId, input);
    }
    const responsible = routeTicket(ctx.db, origin.id, category);
    const created = ctx.db
      .insert(tickets)
      .values({
        originUnitId: origin.id,
        originRoomId: input.roomId,
        responsibleUnitId: responsible.id,
        categoryId: category.id,
        status: 'open',
        text,
        reporterId,
        anonymous: input.anonymous ?? false,
        slaStartedAt: now,
        dueAt: new Date(now.getTime() + takeLimitMs(category)),
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    const photos = storePhotos(ctx, created, input.files ?? [], reporterId);
    recordEvent(ctx, created, { kind: 'report', to: 'open', data: { category: category.id, ...(photos ? { count: photos } : {}) } });
    audit(
      ctx,
      'ticket.report',
      { type: 'ticket', id: created.id },
      {
        categoryId: category.id,
        responsibleUnitId: responsible.id,
        anonymous: created.anonymous,
      },
    );

    const view = ticketView(ctx.db, created);
    const env = { now, timeZone: ctx.settings.timeZone };
    // The announcement carries the photos that came with the report; later ones follow as their own notice.
    const images = (input.files ?? []).map((f) => f.path);
    tellStaff(ctx, created, responsible.id, { kind: 'ticketCard', view, env, images });
    let alsoTold: Unit | undefined;
    const community = category.urgent ? nearestOfKind(ctx.db, origin.id, 'community') : undefined;
    if (community && community.id !== responsible.id && isWithin(ctx.db, responsible.id, community.id)) {
      alsoTold = community;
      tellStaff(ctx, created, community.id, { kind: 'ticketCard', view, env, head: phrase('ticket.notice.urgent', { unit: responsible.name }) });
    }
    return { kind: 'created', ticket: created, category, responsible, alsoTold };
  });
}

/**
 * An anonymous report joins as an anonymous 附议: the event and the audit entry say so, and whoever shows
 * the ticket's people names them only where an anonymous reporter would be named (see anonymousPeople).
 * Someone who already follows it by name stays named: their name has been shown already.
 */
function joinDuplicate(ctx: Ctx, similar: Ticket, memberId: number, input: ReportInput): ReportResult {
  const own = similar.reporterId === memberId;
  let ticket = similar;
  if (!own && !isFollower(ctx.db, similar.id, memberId)) {
    const data = { duplicate: true, ...(input.anonymous ? { anonymous: true } : {}) };
    ctx.db.insert(ticketFollowers).values({ ticketId: similar.id, memberId, roomId: input.roomId, createdAt: ctx.clock.now() }).run();
    ticket = changeTicket(ctx, similar, { plusOnes: similar.plusOnes + 1 });
    recordEvent(ctx, ticket, { kind: 'plusone', note: cleanText(input.text), data });
    audit(ctx, 'ticket.plusone', { type: 'ticket', id: ticket.id }, data);
  }
  const photos = storePhotos(ctx, ticket, input.files ?? [], memberId);
  if (photos) recordEvent(ctx, ticket, { kind: 'photo', data: { count: photos } });
  return { kind: 'duplicate', ticket, own, anonymous: anonymousPeople(ctx.db, ticket).has(memberId) };
}
