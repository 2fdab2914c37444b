import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client.js';
import { type Role, roleGrants, units } from '../db/schema/index.js';
import type { TokenRole } from '../db/schema/index.js';
import type { Principal } from '../domain/tokens.js';
import { getMember, type Member } from '../domain/org/members.js';
import { getRoom, type Room } from '../domain/org/rooms.js';
import { inSubtree, isInSubtree, unitInSubtree } from '../domain/org/subtree.js';
import { getUnit, type Unit } from '../domain/org/units.js';
import { getReward, type Reward } from '../domain/rewards/rewards.js';
import { findVoucher, type Voucher } from '../domain/rewards/vouchers.js';
import { getTicket, type Ticket } from '../domain/tickets/store.js';
import { getTask, type Task } from '../domain/timebank/tasks.js';
import { DomainError } from '../errors.js';

/** Roles a token may grant and revoke: staff look after residents and volunteers, admins after everyone. */
const GRANTABLE: Record<TokenRole, readonly Role[]> = {
  admin: ['resident', 'volunteer', 'staff', 'merchant', 'admin'],
  staff: ['resident', 'volunteer'],
  merchant: [],
};

/**
 * What a token may reach: its role, and the subtree of its unit (all of the tree when it has none).
 * Asking for something unknown is a 404; for something outside the subtree, a 403.
 */
export class Scope {
  readonly #unit: Unit | null;

  constructor(
    private readonly db: Db,
    readonly principal: Principal,
  ) {
    this.#unit = principal.unitId === null ? null : getUnit(db, principal.unitId);
  }

  get wholeTree(): boolean {
    return this.#unit === null;
  }

  /** The materialised path every unit in scope starts with; null for the whole tree. */
  get pathPrefix(): string | null {
    return this.#unit?.path ?? null;
  }

  requireRole(...roles: TokenRole[]): void {
    if (!roles.includes(this.principal.role)) throw new DomainError('FORBIDDEN', 'api.roleRequired', { roles: roles.join('/') });
  }

  requireWholeTree(): void {
    if (!this.wholeTree) throw new DomainError('FORBIDDEN', 'api.wholeTreeOnly');
  }

  /**
   * The path of the subtree a list is narrowed to: the asked unit's (404 unknown, 403 outside the scope),
   * else the scope's own; null for the whole tree.
   */
  subtreePath(unitId?: number): string | null {
    return unitId !== undefined ? this.unit(unitId).path : this.pathPrefix;
  }

  contains(unit: Pick<Unit, 'path'>): boolean {
    return this.#unit === null || isInSubtree(unit.path, this.#unit.path);
  }

  /** The unit, if it exists (404) and lies within the token's subtree (403). */
  unit(id: number): Unit {
    const unit = getUnit(this.db, id);
    if (!this.contains(unit)) throw new DomainError('FORBIDDEN', 'api.outsideScope', { unitId: id });
    return unit;
  }

  /** A member is in scope when they hold a role on a unit in scope; the whole tree sees everyone. */
  member(id: number, options: { formerly?: boolean } = {}): Member {
    const member = getMember(this.db, id);
    if (this.#unit === null) return member;
    // `formerly`: a role since revoked counts too (to give someone their place back).
    const held = this.db
      .select({ id: roleGrants.id })
      .from(roleGrants)
      .innerJoin(units, eq(units.id, roleGrants.unitId))
      .where(and(eq(roleGrants.memberId, id), options.formerly ? undefined : isNull(roleGrants.revokedAt), inSubtree(units.path, this.#unit.path)))
      .get();
    if (!held) throw new DomainError('FORBIDDEN', 'api.memberOutsideScope', { id });
    return member;
  }

  /**
   * A member the token may act for as a whole (edit their record, make them a link code that takes over
   * their chat accounts): in scope, and every role they hold is on a unit in scope and one the token may
   * grant. A staff token cannot reach an admin by first making them a resident of its grid.
   */
  manages(id: number): Member {
    const member = this.member(id);
    const grants = this.db
      .select({ role: roleGrants.role, path: units.path })
      .from(roleGrants)
      .innerJoin(units, eq(units.id, roleGrants.unitId))
      .where(and(eq(roleGrants.memberId, id), isNull(roleGrants.revokedAt)))
      .all();
    const beyond = grants.some((g) => !this.contains(g) || !GRANTABLE[this.principal.role].includes(g.role));
    if (beyond) throw new DomainError('FORBIDDEN', 'api.memberBeyondToken', { id });
    return member;
  }

  /** A group room is in scope with its unit; an unbound group only for the whole tree. Private chats are not API rooms. */
  room(id: number): Room {
    const room = getRoom(this.db, id);
    if (room.kind !== 'group') throw new DomainError('NOT_FOUND', 'room.notFound', { id });
    if (room.unitId === null) this.requireWholeTree();
    else this.unit(room.unitId);
    return room;
  }

  /** A reward is in scope with the unit that offers it. */
  reward(id: number): Reward {
    const reward = getReward(this.db, id);
    this.unit(reward.unitId);
    return reward;
  }

  /**
   * A voucher by its code: a merchant token reaches its own merchant's vouchers wherever they were bought,
   * other tokens those of rewards in scope.
   */
  voucher(code: string): { voucher: Voucher; reward: Reward; holder: string } {
    const found = findVoucher(this.db, code);
    if (this.principal.role === 'merchant') {
      if (found.reward.merchantId !== this.principal.merchantId) throw new DomainError('FORBIDDEN', 'api.otherMerchantVoucher');
    } else {
      this.unit(found.reward.unitId);
    }
    return found;
  }

  /** A ticket is in scope with the unit it was reported in, wherever it has escalated to. */
  ticket(id: number): Ticket {
    const ticket = getTicket(this.db, id);
    this.unit(ticket.originUnitId);
    return ticket;
  }

  task(id: number): Task {
    const task = getTask(this.db, id);
    this.unit(task.unitId);
    return task;
  }

  requireGrantable(role: Role): void {
    if (!GRANTABLE[this.principal.role].includes(role)) {
      throw new DomainError('FORBIDDEN', 'api.roleNotGrantable', { tokenRole: this.principal.role, role });
    }
  }

  /**
   * SQL: the unit id column points into the scope, or into the subtree of `unitId` when a list asks for
   * one (see `subtreePath`). Undefined (no condition) for the whole tree.
   */
  unitCondition(unitIdColumn: SQLiteColumn | SQL, unitId?: number): SQL | undefined {
    const path = this.subtreePath(unitId);
    return path === null ? undefined : unitInSubtree(unitIdColumn, path);
  }
}
