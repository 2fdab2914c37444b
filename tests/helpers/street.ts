import type { Db } from '../../src/db/client.js';

/**
 * A street with a mix of everything the reports, lists and sweeps read, written with bulk inserts (fast,
 * not through the domain's verbs): communities of grids with staff rooms, members, tickets in every state
 * with their events (takes, assigns, escalations for time and by hand, overdue flags, resolves, ratings),
 * patrols, ledger legs and audit rows. The ledger balances (legs sum to zero; balances are kept by the
 * trigger), so reconcile finds nothing to report. A pseudo-random generator seeded by `seed` keeps it the
 * same from run to run.
 */
export interface StreetSize {
  communities: number;
  gridsPerCommunity: number;
  tickets: number;
  members: number;
  /** Ledger transactions (two legs each). */
  transactions: number;
  audit: number;
  patrols: number;
  /** Tickets are spread over this many days before `end`. */
  days: number;
  end: Date;
  seed: number;
}

export const SMALL_STREET: StreetSize = {
  communities: 3,
  gridsPerCommunity: 4,
  tickets: 3000,
  members: 300,
  transactions: 3000,
  audit: 3000,
  patrols: 1000,
  days: 120,
  end: new Date('2026-03-01T01:00:00Z'),
  seed: 14,
};

export interface Street {
  streetId: number;
  communityIds: number[];
  gridIds: number[];
  /** A staff member of the first grid. */
  gridStaffId: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export function seedStreet(db: Db, size: StreetSize = SMALL_STREET): Street {
  const sqlite = db.$client;
  let state = size.seed >>> 0 || 1;
  const random = () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const start = size.end.getTime() - size.days * DAY;

  const write = sqlite.transaction(() => {
    const unit = sqlite.prepare('INSERT INTO units (parent_id, kind, name, path, depth, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    const setPath = sqlite.prepare('UPDATE units SET path = ? WHERE id = ?');
    const addUnit = (parent: { id: number; path: string } | null, kind: string, name: string) => {
      const id = Number(unit.run(parent?.id ?? null, kind, name, '/', parent ? parent.path.split('/').length - 2 : 0, start).lastInsertRowid);
      const path = `${parent?.path ?? '/'}${id}/`;
      setPath.run(path, id);
      return { id, path };
    };
    const room = sqlite.prepare(
      "INSERT INTO rooms (platform, platform_room_id, name, kind, unit_id, purpose, bound_at, last_seen_at, created_at) VALUES ('shell', ?, ?, 'group', ?, ?, ?, ?, ?)",
    );
    const street = addUnit(null, 'street', `街道${size.seed}`);
    room.run(`street-${street.id}-staff`, '街道工作群', street.id, 'staff', start, start, start);
    const communities: { id: number; path: string }[] = [];
    const grids: { id: number; path: string }[] = [];
    for (let c = 0; c < size.communities; c++) {
      const community = addUnit(street, 'community', `社区${c + 1}`);
      communities.push(community);
      room.run(`community-${community.id}-staff`, `社区${c + 1}工作群`, community.id, 'staff', start, start, start);
      for (let g = 0; g < size.gridsPerCommunity; g++) {
        const grid = addUnit(community, 'grid', `网格${c + 1}-${g + 1}`);
        grids.push(grid);
        room.run(`grid-${grid.id}-staff`, `网格${c + 1}-${g + 1}工作群`, grid.id, 'staff', start, start, start);
        room.run(`grid-${grid.id}-residents`, `网格${c + 1}-${g + 1}居民群`, grid.id, 'residents', start, start, start);
      }
    }
    const allUnits = [street, ...communities, ...grids];

    const member = sqlite.prepare('INSERT INTO members (name, language, party_member, created_at) VALUES (?, ?, ?, ?)');
    const grant = sqlite.prepare('INSERT INTO role_grants (member_id, role, unit_id, granted_at) VALUES (?, ?, ?, ?)');
    const memberIds: number[] = [];
    for (let m = 0; m < size.members; m++) {
      memberIds.push(Number(member.run(`居民${m + 1}`, m % 10 === 0 ? 'en' : 'zh', m % 7 === 0 ? 1 : 0, start).lastInsertRowid));
    }
    const staffIds = grids.map((grid, i) => {
      const id = memberIds[i % memberIds.length]!;
      grant.run(id, 'staff', grid.id, start);
      return id;
    });
    for (const [i, community] of communities.entries()) grant.run(memberIds[(grids.length + i) % memberIds.length]!, 'staff', community.id, start);
    grant.run(memberIds[memberIds.length - 1]!, 'admin', street.id, start);

    const categories = sqlite.prepare('SELECT id, take_minutes AS take, resolve_minutes AS resolve FROM ticket_categories').all() as {
      id: number;
      take: number;
      resolve: number;
    }[];
    const ticket = sqlite.prepare(`INSERT INTO tickets (origin_unit_id, responsible_unit_id, category_id, status, text, reporter_id, anonymous,
        taker_id, level, sla_started_at, due_at, warned_at, rating, created_at, taken_at, resolved_at, closed_at, updated_at)
      VALUES (@origin, @responsible, @category, @status, @text, @reporter, @anonymous, @taker, @level, @slaStarted, @due, @warned, @rating,
        @created, @taken, @resolved, @closed, @updated)`);
    const event = sqlite.prepare(
      'INSERT INTO ticket_events (ticket_id, at, actor_kind, actor_id, kind, from_status, to_status, unit_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const auditRow = sqlite.prepare('INSERT INTO audit_log (at, actor_kind, actor_id, action, target_type, target_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const statuses = ['open', 'taken', 'resolved', 'resolved', 'closed', 'closed', 'closed', 'closed', 'cancelled'] as const;
    for (let n = 0; n < size.tickets; n++) {
      // Some tickets land at the community or street itself; most at a grid.
      const origin = random() < 0.08 ? pick(allUnits.slice(0, 1 + communities.length)) : pick(grids);
      const ancestors = origin.path.split('/').filter(Boolean).map(Number).reverse();
      const category = pick(categories);
      const created = start + Math.floor((n / size.tickets) * size.days * DAY + random() * 30 * MINUTE);
      // What was resolved more than three days ago has been closed (rated or not) by now.
      const drawn = pick(statuses);
      const status = drawn === 'resolved' && created < size.end.getTime() - 3 * DAY ? 'closed' : drawn;
      const reporter = pick(memberIds);
      const taker = status === 'open' || status === 'cancelled' ? null : pick(staffIds);
      const events: [number, string, string | null, string | null, number, string | null][] = [[created, 'report', null, 'open', origin.id, null]];
      let at = created;
      let level = 0;
      let unitId = origin.id;
      // Escalations for time while open (some of them before the take), and now and then one by hand.
      const climbs = random() < 0.25 ? 1 + Math.floor(random() * Math.min(2, ancestors.length - 1)) : 0;
      for (let k = 0; k < climbs && level + 1 < ancestors.length; k++) {
        at += category.take * MINUTE;
        level++;
        unitId = ancestors[level]!;
        events.push([at, 'escalate', 'open', 'open', unitId, random() < 0.2 ? '{"manual":true}' : '{"reason":"take"}']);
      }
      const overdueAtTop = climbs > 0 && level === ancestors.length - 1 && random() < 0.5;
      if (overdueAtTop) events.push([at + category.take * MINUTE, 'overdue', null, null, unitId, '{"phase":"take"}']);
      let taken: number | null = null;
      let resolved: number | null = null;
      let closed: number | null = null;
      if (taker !== null) {
        at += Math.floor(random() * category.take * 2 * MINUTE) + MINUTE;
        taken = at;
        events.push([at, random() < 0.2 ? 'assign' : 'take', 'open', 'taken', unitId, null]);
        if (random() < 0.3) events.push([at + 5 * MINUTE, 'note', null, null, unitId, null]);
      }
      if (status === 'resolved' || status === 'closed') {
        if (random() < 0.1) {
          at += category.resolve * MINUTE;
          events.push([at, 'escalate', 'taken', 'taken', unitId, '{"reason":"resolve"}']);
        }
        at += Math.floor(random() * category.resolve * 1.5 * MINUTE) + MINUTE;
        resolved = at;
        events.push([at, 'resolve', 'taken', 'resolved', unitId, null]);
        if (random() < 0.05) {
          events.push([at + HOUR_MS, 'reopen', 'resolved', 'taken', unitId, null]);
          at += 2 * HOUR_MS;
          events.push([at, 'resolve', 'taken', 'resolved', unitId, null]);
        }
      }
      const rating = status === 'closed' && random() < 0.7 ? 1 + Math.floor(random() * 5) : null;
      if (status === 'closed') {
        at += Math.floor(random() * 3 * DAY);
        closed = at;
        events.push([at, rating === null ? 'close' : 'rate', 'resolved', 'closed', unitId, null]);
      }
      if (status === 'cancelled') {
        at += 10 * MINUTE;
        events.push([at, 'cancel', 'open', 'cancelled', unitId, null]);
      }
      const active = status === 'open' || status === 'taken';
      const window = status === 'taken' ? category.resolve : category.take;
      // An old ticket still open has long been flagged overdue at the top; only recent ones have a deadline.
      const stale = active && !overdueAtTop && created < size.end.getTime() - 2 * DAY;
      if (stale) events.push([(taken ?? created) + window * MINUTE, 'overdue', null, null, unitId, '{"phase":"take"}']);
      const slaStarted = active && !overdueAtTop && !stale ? (taken ?? created) : null;
      const id = Number(
        ticket.run({
          origin: origin.id,
          responsible: unitId,
          category: category.id,
          status,
          text: `工单${n + 1}`,
          reporter,
          anonymous: random() < 0.1 ? 1 : 0,
          taker,
          level,
          slaStarted,
          due: slaStarted === null ? null : slaStarted + window * MINUTE,
          warned: slaStarted !== null && random() < 0.3 ? slaStarted + window * 0.8 * MINUTE : null,
          rating,
          created,
          taken,
          resolved,
          closed,
          updated: at,
        }).lastInsertRowid,
      );
      for (const [when, kind, from, to, unit, data] of events) {
        event.run(
          id,
          when,
          kind === 'escalate' || kind === 'overdue' ? 'system' : 'member',
          kind === 'escalate' ? 'sla-sweep' : String(reporter),
          kind,
          from,
          to,
          unit,
          data,
        );
      }
      auditRow.run(created, 'member', String(reporter), 'ticket.report', 'ticket', String(id), null);
    }

    const account = sqlite.prepare('INSERT INTO ledger_accounts (kind, key, member_id, unit_id, created_at) VALUES (?, ?, ?, ?, ?)');
    const pools = allUnits.map((u) => Number(account.run('pool', `pool:${u.id}`, null, u.id, start).lastInsertRowid));
    const wallets = memberIds.map((m) => Number(account.run('member', `member:${m}`, m, null, start).lastInsertRowid));
    const transaction = sqlite.prepare(
      "INSERT INTO ledger_transactions (at, reason, ref, memo, idempotency_key, actor_kind, actor_id) VALUES (?, 'task', ?, ?, ?, 'system', 'seed')",
    );
    const leg = sqlite.prepare('INSERT INTO ledger_legs (transaction_id, account_id, amount) VALUES (?, ?, ?)');
    for (let n = 0; n < size.transactions; n++) {
      const when = start + Math.floor((n / size.transactions) * size.days * DAY);
      const id = Number(transaction.run(when, `completion:${n + 1}`, `W${n + 1}`, `seed:${size.seed}:${n}`).lastInsertRowid);
      const points = 10 + Math.floor(random() * 50);
      leg.run(id, pick(pools), -points);
      leg.run(id, pick(wallets), points);
    }

    const patrol = sqlite.prepare('INSERT INTO patrols (unit_id, member_id, at, night) VALUES (?, ?, ?, ?)');
    for (let n = 0; n < size.patrols; n++) {
      const when = start + Math.floor(random() * size.days * DAY);
      patrol.run(pick(grids).id, pick(staffIds), when, random() < 0.15 ? 1 : 0);
    }
    const actions = ['unit.create', 'member.grant', 'task.confirm', 'voucher.redeem', 'ticket.take'];
    for (let n = 0; n < size.audit; n++) {
      const when = start + Math.floor(random() * size.days * DAY);
      auditRow.run(when, random() < 0.3 ? 'token' : 'member', String(pick(memberIds)), pick(actions), 'member', String(pick(memberIds)), null);
    }
    return { streetId: street.id, communityIds: communities.map((c) => c.id), gridIds: grids.map((g) => g.id), gridStaffId: staffIds[0]! };
  });
  return write();
}

const HOUR_MS = 60 * MINUTE;
