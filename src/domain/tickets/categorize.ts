import { inTransaction } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { requireMember } from '../acting.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { isWithin } from '../org/units.js';
import { findCategoryByName, listCategories, resolveLimitMs, takeLimitMs } from './categories.js';
import { announceHandover } from './handover.js';
import { changeTicket, transition } from './machine.js';
import { routeTicket } from './routing.js';
import { isActive, phaseOf } from './states.js';
import { getTicket, recordEvent, type Ticket, ticketRef } from './store.js';

/**
 * 分类: staff fix a wrong guess. While the ticket is open or taken its SLA follows the new category, and
 * a category that starts higher (a "lamp" that is really a dispute) moves it up to where it starts.
 */
export function recategorizeTicket(ctx: Ctx, ticketId: number, input: { category: string }): { ticket: Ticket; moved: boolean } {
  requireMember(ctx, 'ticket');
  return inTransaction(ctx.db, () => {
    const ticket = getTicket(ctx.db, ticketId);
    const ref = ticketRef(ticket.id);
    transition(ctx, ticket, 'categorize');
    const category = findCategoryByName(ctx.db, input.category);
    if (!category?.active) {
      const names = listCategories(ctx.db, { activeOnly: true }).map((c) => c.name);
      throw new DomainError('NOT_FOUND', 'ticket.unknownCategory', { name: input.category.trim(), names });
    }
    if (category.id === ticket.categoryId) throw new DomainError('CONFLICT', 'ticket.sameCategory', { ref, name: category.name });
    const changes: Partial<Ticket> = { categoryId: category.id };
    let moved = false;
    if (isActive(ticket.status) && ticket.slaStartedAt) {
      const limit = phaseOf(ticket.status) === 'take' ? takeLimitMs(category) : resolveLimitMs(category);
      changes.dueAt = new Date(ticket.slaStartedAt.getTime() + limit);
      // A new window earns its own 80% warning.
      changes.warnedAt = null;
      const route = routeTicket(ctx.db, ticket.originUnitId, category);
      if (route.id !== ticket.responsibleUnitId && isWithin(ctx.db, ticket.responsibleUnitId, route.id)) {
        changes.responsibleUnitId = route.id;
        moved = true;
      }
    }
    const changed = changeTicket(ctx, ticket, changes);
    recordEvent(ctx, changed, { kind: 'categorize', data: { from: ticket.categoryId, to: category.id } });
    audit(ctx, 'ticket.categorize', { type: 'ticket', id: ticket.id }, { from: ticket.categoryId, to: category.id });
    if (moved) announceHandover(ctx, changed, ticket.responsibleUnitId, 'category');
    return { ticket: changed, moved };
  });
}
