import { inTransaction } from '../db/client.js';
import type { RoomPurpose } from '../db/schema/index.js';
import { DomainError } from '../errors.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import { say } from './notice.js';
import { notifyRooms } from './notify.js';
import { canActAsStaff } from './org/members.js';
import { groupRoomsOf } from './org/rooms.js';
import { getUnit, subtreeIds } from './org/units.js';

export const BROADCAST_MAX_LENGTH = 2000;

export interface BroadcastInput {
  unitId: number;
  text: string;
  /** Also every unit below (a street's anti-fraud notice reaches every grid). */
  includeDescendants: boolean;
  /** Only residents' or only staff rooms; both when absent. */
  purpose?: RoomPurpose | undefined;
}

/**
 * A notice to every bound group of a unit (and its subtree): one outbox row per room, written in one
 * transaction, delivered and paced by the outbox dispatcher. Returns how many rooms it goes to.
 */
export function sendBroadcast(ctx: Ctx, input: BroadcastInput): { rooms: number } {
  const text = input.text.trim();
  if (!text) throw new DomainError('INVALID_INPUT', 'broadcast.textRequired');
  if (text.length > BROADCAST_MAX_LENGTH) throw new DomainError('INVALID_INPUT', 'broadcast.tooLong', { max: BROADCAST_MAX_LENGTH });
  return inTransaction(ctx.db, () => {
    const unit = getUnit(ctx.db, input.unitId);
    // Tokens are scoped by the HTTP layer; a member must be staff of the unit.
    if (ctx.actor.kind === 'member' && !canActAsStaff(ctx.db, ctx.actor.memberId, unit.id)) {
      throw new DomainError('FORBIDDEN', 'auth.staffOnly');
    }
    const unitIds = input.includeDescendants ? subtreeIds(ctx.db, unit.id) : [unit.id];
    const rooms = groupRoomsOf(ctx.db, unitIds, input.purpose);
    const sent = notifyRooms(ctx, rooms, say('broadcast.message', { unit: unit.name, text }), `broadcast:unit:${unit.id}`);
    audit(
      ctx,
      'broadcast.send',
      { type: 'unit', id: unit.id },
      {
        rooms: sent,
        includeDescendants: input.includeDescendants,
        purpose: input.purpose ?? null,
        text,
      },
    );
    return { rooms: sent };
  });
}
