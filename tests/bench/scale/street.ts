import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY, HOUR, MINUTE, SimulatedClock } from '../../../src/clock.js';
import { type Db, openDatabase } from '../../../src/db/client.js';
import { rooms } from '../../../src/db/schema/index.js';
import type { Ctx } from '../../../src/domain/context.js';
import { createMember, grantRole } from '../../../src/domain/org/members.js';
import { createUnit, type Unit } from '../../../src/domain/org/units.js';
import { listCategories } from '../../../src/domain/tickets/categories.js';
import { pointsFor } from '../../../src/domain/timebank/hours.js';
import { taskRef } from '../../../src/domain/timebank/tasks.js';
import { renderNotice } from '../../../src/chat/render/index.js';
import { type Actor, live, type Plan, type TicketState } from './lifecycle.js';

/**
 * A street as Linli would have recorded it after three years: its org tree, people and group chats made
 * through the domain's own functions, then years of 报事, time-bank service and patrols written in bulk
 * (prepared statements, large transactions) as the rows the domain writes for them: tickets with their
 * events and audit entries (lifecycle.ts), tasks, claims, reports and confirmations with their ledger
 * transactions (balances kept by the ledger's own trigger), patrols. Rows go in in time order, so ids
 * follow time as they do in a live database. tests/bench/street.test.ts holds it to the domain.
 */

/** Bump when what the builder writes changes: cached streets of another version are rebuilt. */
export const BUILDER_VERSION = 1;

/** The street's "now": its history ends here, and the benchmarks run at it. A Monday, 09:00 in Shanghai. */
export const AS_OF = new Date('2026-11-02T09:00:00+08:00');
export const TIME_ZONE = 'Asia/Shanghai';
/** The shell platform, so the chat core can be driven as `npm run chat` drives it. */
export const PLATFORM = 'shell';
const YEARS = 3;
/** People join over the first two months; tickets and tasks follow from then, growing as the street takes it up. */
const JOINING_MS = 60 * DAY;
const OFFSET_MS = 8 * HOUR; // Asia/Shanghai has no daylight saving

export interface StreetSize {
  scale: number;
  communities: number;
  grids: number;
  buildingsPerGrid: number;
  members: number;
  tickets: number;
  /** Ledger legs aimed at: two per confirmed service report (within a few percent). */
  legs: number;
  patrolDays: number;
}

/** The street of issue 14 at scale 1: 131 grids, 50,000 members, 200,000 tickets, 1,000,000 ledger legs, a year of patrols. */
export function streetSize(scale: number): StreetSize {
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`scale must be in (0, 1], got ${scale}`);
  const grids = scale >= 0.1 ? 131 : Math.max(4, Math.ceil(131 * scale * 10));
  return {
    scale,
    communities: Math.max(2, Math.round(grids / 13.1)),
    grids,
    buildingsPerGrid: 5,
    members: Math.round(50_000 * scale),
    tickets: Math.round(200_000 * scale),
    legs: Math.round(1_000_000 * scale),
    patrolDays: 365,
  };
}

export interface GridIds {
  unit: Unit;
  community: Unit;
  worker: number;
  residentsRoomId: number;
  residentsRoom: string;
  staffRoomId: number;
}

/** What a benchmark needs to find its way around the street. */
export interface StreetManifest {
  version: number;
  size: StreetSize;
  asOf: string;
  street: Unit;
  communities: { unit: Unit; staff: number[]; staffRoomId: number }[];
  grids: GridIds[];
  streetStaff: number[];
  admin: number;
  /** A volunteer with a long statement: who says 积分 in the benchmark, and the room they say it in. */
  volunteer: { memberId: number; platformUserId: string; room: string };
  counts: Record<'members' | 'tickets' | 'ticketEvents' | 'audit' | 'ledgerLegs' | 'ledgerTransactions' | 'tasks' | 'completions' | 'patrols', number>;
  /** Tickets by status as built. */
  byStatus: Record<string, number>;
}

// -- randomness, reproducible ------------------------------------------------------------------------

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const between = (r: () => number, lo: number, hi: number) => lo + r() * (hi - lo);

/** A time in [from, to) whose local hour lies in [fromHour, toHour). */
function daytime(r: () => number, dayStart: number, fromHour: number, toHour: number): number {
  return Math.round(dayStart + between(r, fromHour, toHour) * HOUR);
}

/** Local midnight (Asia/Shanghai) of the day containing t. */
const localMidnight = (t: number) => Math.floor((t + OFFSET_MS) / DAY) * DAY - OFFSET_MS;
export const localHour = (t: number) => Math.floor(((t + OFFSET_MS) % DAY) / HOUR);

// -- what people write ----------------------------------------------------------------------------------

/** Reports per category name; each names its category's keywords, so inferCategory reads them the same way. */
export const REPORT_TEXTS: Record<string, readonly string[]> = {
  市政照明: ['{b}号楼门口路灯不亮了', '小区东门的路灯坏了一晚上', '{b}号楼楼下路灯一闪一闪'],
  水电: ['{b}号楼{f}0{u}室漏水到楼下', '{b}号楼今天停水了', '{b}号楼楼道电表箱有异响', '{b}号楼水管爆了'],
  环境卫生: ['{b}号楼楼道堆满杂物', '垃圾房门口垃圾没人清', '{b}号楼楼道卫生太差', '花园里有人乱扔垃圾'],
  停车: ['{b}号楼门口有车乱停挡住消防通道', '车位被外来车辆占了', '地下车库占道停车', '请{b}号楼的车主挪车'],
  安全隐患: ['{b}号楼楼道有人飞线充电', '{b}号楼电梯困人了', '{b}号楼闻到煤气味', '电动车停在楼道里充电'],
  邻里纠纷: ['{b}号楼楼上装修噪音扰民', '{b}号楼两户人家吵架', '广场舞噪音太大'],
  物业: ['物业一直不来修门禁', '找物业报修没人理'],
  其他: ['{b}号楼门禁卡失灵', '小区大门的栏杆坏了', '健身器材螺丝松了'],
};
const CATEGORY_WEIGHTS: Record<string, number> = { 市政照明: 10, 水电: 15, 环境卫生: 25, 停车: 15, 安全隐患: 5, 邻里纠纷: 8, 物业: 7, 其他: 15 };
const RESOLVE_NOTES = ['已处理', '已联系物业维修', '已现场处理完毕', '已协调解决', null];
const TASK_TITLES = ['楼道清扫', '陪独居老人聊天', '小区巡逻', '垃圾分类督导', '文明劝导', '助老送餐', '社区义诊协助', '反诈宣传'];
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力斌波宇浩凯健俊峰海林';

export function reportText(r: () => number, category: string): string {
  return pick(r, REPORT_TEXTS[category]!)
    .replace('{b}', String(1 + Math.floor(r() * 30)))
    .replace('{f}', String(1 + Math.floor(r() * 18)))
    .replace('{u}', String(1 + Math.floor(r() * 4)));
}

// -- the builder -------------------------------------------------------------------------------------------

type Row = { at: number; seq: number; write: () => void };

export interface TicketSpec {
  id: number;
  originUnitId: number;
  originRoomId: number | null;
  text: string;
  plan: Plan;
}

/**
 * Writes a ticket as it stands at `asOf` at once (its row, in id order), and queues its events and audit
 * entries to go in at their times.
 */
export function ticketWriter(sqlite: Db['$client'], queue: TimeOrdered): (spec: TicketSpec, asOf: number) => TicketState {
  const ticket =
    sqlite.prepare(`INSERT INTO tickets (id, origin_unit_id, origin_room_id, responsible_unit_id, category_id, status, text, reporter_id, anonymous,
    taker_id, level, sla_started_at, due_at, warned_at, plus_ones, rating, comment, created_at, taken_at, resolved_at, closed_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`);
  const event = sqlite.prepare(`INSERT INTO ticket_events (ticket_id, at, actor_kind, actor_id, kind, from_status, to_status, unit_id, note, data)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const audit = sqlite.prepare('INSERT INTO audit_log (at, actor_kind, actor_id, action, target_type, target_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)');
  return ({ id, originUnitId, originRoomId, text, plan }, asOf) => {
    const { state: s, steps } = live(plan, asOf);
    ticket.run(
      id,
      originUnitId,
      originRoomId,
      s.responsibleUnitId,
      plan.categoryId,
      s.status,
      text,
      plan.reporterId,
      plan.anonymous ? 1 : 0,
      s.takerId,
      s.level,
      s.slaStartedAt,
      s.dueAt,
      s.warnedAt,
      s.rating,
      s.comment,
      plan.createdAt,
      s.takenAt,
      s.resolvedAt,
      s.closedAt,
      s.updatedAt,
    );
    for (const step of steps) {
      queue.add(step.at, () => {
        const e = step.event;
        event.run(id, step.at, actorKind(step.actor), actorId(step.actor), e.kind, e.from, e.to, e.unitId, e.note, json(e.data));
        if (step.audit) audit.run(step.at, actorKind(step.actor), actorId(step.actor), step.audit.action, 'ticket', String(id), json(step.audit.data));
      });
    }
    return s;
  };
}

/**
 * Rows waiting to be written in time order: a ticket's later events, a task's claims and confirmations are
 * known when it is made but happen later, among other tickets' rows.
 */
export class TimeOrdered {
  #rows: Row[] = [];
  #seq = 0;
  add(at: number, write: () => void) {
    this.#rows.push({ at, seq: this.#seq++, write });
  }
  /** Writes every row before `until`, oldest first. */
  flush(until = Number.POSITIVE_INFINITY) {
    this.#rows.sort((a, b) => a.at - b.at || a.seq - b.seq);
    let n = 0;
    while (n < this.#rows.length && this.#rows[n]!.at < until) this.#rows[n++]!.write();
    this.#rows = this.#rows.slice(n);
  }
}

const actorKind = (a: Actor) => a.kind;
const actorId = (a: Actor) => (a.kind === 'member' ? String(a.id) : a.job);
const json = (v: unknown) => (v == null ? null : JSON.stringify(v));

/** Builds the street into an open, migrated, empty database. */
export function buildStreet(db: Db, scale: number, options: { seed?: number; progress?: (what: string) => void } = {}): StreetManifest {
  const size = streetSize(scale);
  const r = rng(options.seed ?? 14);
  const asOf = AS_OF.getTime();
  const start = localMidnight(asOf - YEARS * 365 * DAY);
  const say = options.progress ?? (() => {});
  const sqlite = db.$client;

  // 1. The org tree, staff and group chats, through the domain's functions, at the street's start.
  const clock = new SimulatedClock(new Date(start + 9 * HOUR));
  const ctx: Ctx = {
    db,
    clock,
    settings: { lang: 'zh', timeZone: TIME_ZONE, dataDir: tmpdir() },
    render: renderNotice,
    actor: { kind: 'system', job: 'seed' },
  };
  const room = (platformRoomId: string, name: string, unitId: number, purpose: 'residents' | 'staff') => {
    const now = clock.now();
    return db
      .insert(rooms)
      .values({ platform: PLATFORM, platformRoomId, name, kind: 'group', unitId, purpose, boundAt: now, lastSeenAt: now, createdAt: now })
      .returning({ id: rooms.id })
      .get().id;
  };
  const person = (name: string, role: 'staff' | 'admin', unitId: number) => {
    const member = createMember(ctx, { name });
    grantRole(ctx, { memberId: member.id, role, unitId });
    return member.id;
  };
  const names = rng(7);
  const personName = () => pick(names, [...SURNAMES]) + pick(names, [...GIVEN]) + (names() < 0.6 ? pick(names, [...GIVEN]) : '');

  const org = sqlite.transaction(() => {
    const street = createUnit(ctx, { parentId: null, kind: 'street', name: '沈家门街道', pointsPerHour: 10 });
    const streetStaff = [person(`街道干部${personName()}`, 'staff', street.id), person(`街道干部${personName()}`, 'staff', street.id)];
    const admin = person('街道管理员', 'admin', street.id);
    room('street-staff', '沈家门街道工作群', street.id, 'staff');
    const communities: StreetManifest['communities'] = [];
    const grids: GridIds[] = [];
    for (let c = 0; c < size.communities; c++) {
      const unit = createUnit(ctx, { parentId: street.id, kind: 'community', name: `第${c + 1}社区` });
      const staff = [person(`社区书记${personName()}`, 'staff', unit.id), person(`社区干部${personName()}`, 'staff', unit.id)];
      communities.push({ unit, staff, staffRoomId: room(`c${c + 1}-staff`, `${unit.name}工作群`, unit.id, 'staff') });
    }
    for (let g = 0; g < size.grids; g++) {
      const community = communities[g % size.communities]!.unit;
      const unit = createUnit(ctx, { parentId: community.id, kind: 'grid', name: `${community.name}第${Math.floor(g / size.communities) + 1}网格` });
      for (let b = 1; b <= size.buildingsPerGrid; b++) createUnit(ctx, { parentId: unit.id, kind: 'building', name: `${g + 1}-${b}号楼` });
      const worker = person(`网格员${personName()}`, 'staff', unit.id);
      const residentsRoom = `g${g + 1}`;
      const residentsRoomId = room(residentsRoom, `${unit.name}居民群`, unit.id, 'residents');
      const staffRoomId = room(`g${g + 1}-staff`, `${unit.name}工作群`, unit.id, 'staff');
      grids.push({ unit, community, worker, residentsRoomId, residentsRoom, staffRoomId });
    }
    return { street, streetStaff, admin, communities, grids };
  })();
  const { street, communities, grids } = org;
  const communityIndex = new Map(communities.map((c, i) => [c.unit.id, i]));
  say(`org: ${size.communities} communities, ${size.grids} grids`);

  // 2. Bulk: the statements the domain's inserts and updates come down to.
  const insert = {
    member: sqlite.prepare(
      'INSERT INTO members (id, name, language, phone, party_member, notes, merged_into, created_at) VALUES (?, ?, ?, NULL, 0, NULL, NULL, ?)',
    ),
    identity: sqlite.prepare('INSERT INTO identities (platform, platform_user_id, member_id, display_name, created_at) VALUES (?, ?, ?, ?, ?)'),
    grant: sqlite.prepare('INSERT INTO role_grants (id, member_id, role, unit_id, granted_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)'),
    audit: sqlite.prepare('INSERT INTO audit_log (at, actor_kind, actor_id, action, target_type, target_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    task: sqlite.prepare(`INSERT INTO tasks (id, kind, unit_id, title, requester_id, posted_by, slots, cap_minutes, status, room_id, created_at, done_at)
      VALUES (?, 'task', ?, ?, NULL, ?, ?, 480, ?, ?, ?, ?)`),
    claim: sqlite.prepare(
      "INSERT INTO task_claims (id, task_id, volunteer_id, status, room_id, claimed_at, withdrawn_at) VALUES (?, ?, ?, 'active', ?, ?, NULL)",
    ),
    completion: sqlite.prepare(`INSERT INTO task_completions (id, claim_id, task_id, volunteer_id, minutes, reported_at, requester_told, status,
      dispute_reason, disputed_at, credited_minutes, rate, points, decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, 0, 'pending', NULL, NULL, NULL, NULL, NULL, NULL, NULL)`),
    settle: sqlite.prepare(
      "UPDATE task_completions SET status = 'confirmed', credited_minutes = minutes, rate = ?, points = ?, decided_at = ?, decided_by = ? WHERE id = ?",
    ),
    account: sqlite.prepare('INSERT INTO ledger_accounts (kind, key, member_id, unit_id, balance, created_at) VALUES (?, ?, ?, ?, 0, ?)'),
    transaction: sqlite.prepare(`INSERT INTO ledger_transactions (at, reason, ref, memo, idempotency_key, actor_kind, actor_id, reverses_id)
      VALUES (?, 'task', ?, ?, ?, 'member', ?, NULL)`),
    leg: sqlite.prepare('INSERT INTO ledger_legs (transaction_id, account_id, amount) VALUES (?, ?, ?)'),
    patrol: sqlite.prepare('INSERT INTO patrols (unit_id, member_id, at, night, note, room_id) VALUES (?, ?, ?, ?, ?, ?)'),
  };
  const ids = (table: string) => (sqlite.prepare(`SELECT coalesce(max(id), 0) AS n FROM ${table}`).get() as { n: number }).n;
  let grantId = ids('role_grants');
  const queue = new TimeOrdered();
  const audit = (at: number, actor: Actor, action: string, target: [string, number], data: unknown) =>
    insert.audit.run(at, actorKind(actor), actorId(actor), action, target[0], String(target[1]), json(data));

  // 2a. Residents: each first spoke in their grid's group and became a resident of it (resolveSender);
  // one in five volunteers for their community.
  const chat: Actor = { kind: 'system', job: 'chat' };
  const firstMember = ids('members') + 1;
  const residentsOf: number[][] = grids.map(() => []);
  const volunteersOf: number[][] = communities.map(() => []);
  for (let i = 0; i < size.members; i++) {
    const id = firstMember + i;
    const g = i % size.grids;
    const grid = grids[g]!;
    const joined = Math.round(start + ((i + 0.5) / size.members) * JOINING_MS);
    const name = personName();
    residentsOf[g]!.push(id);
    queue.add(joined, () => {
      insert.member.run(id, name, 'zh', joined);
      audit(joined, chat, 'member.create', ['member', id], { name });
      insert.identity.run(PLATFORM, `r${id}`, id, name, joined);
      insert.grant.run(++grantId, id, 'resident', grid.unit.id, joined);
      audit(joined, chat, 'role.grant', ['member', id], { role: 'resident', unitId: grid.unit.id, grantId });
    });
    if (i % 5 === 2) {
      const c = communityIndex.get(grid.community.id)!;
      volunteersOf[c]!.push(id);
      const at = joined + HOUR;
      const by: Actor = { kind: 'member', id: communities[c]!.staff[0]! };
      queue.add(at, () => {
        insert.grant.run(++grantId, id, 'volunteer', grid.community.id, at);
        audit(at, by, 'role.grant', ['member', id], { role: 'volunteer', unitId: grid.community.id, grantId });
      });
    }
  }
  const lastMember = firstMember + size.members - 1;
  const writeAll = sqlite.transaction((until?: number) => queue.flush(until));
  writeAll();
  say(`members: ${size.members}`);

  // 2b. Tickets, tasks and patrols, month by month, so each month's rows go in in time order.
  const categories = listCategories(db, { activeOnly: true });
  const weighted = categories.flatMap((c) => Array(CATEGORY_WEIGHTS[c.name] ?? 5).fill(c) as typeof categories);
  const from = start + JOINING_MS;
  const span = asOf - from;
  // More as the street takes Linli up: the density grows linearly from a third to all of it.
  const growth = (u: number) => {
    const a = 1 / 3;
    return (-a + Math.sqrt(a * a + (1 - a * a) * u)) / (1 - a);
  };
  const times = (n: number) =>
    Array.from({ length: n }, () => from + Math.floor(growth(r()) * span))
      .map((t) => {
        const day = localMidnight(t);
        return Math.min(daytime(r, day, 7, 22), asOf - MINUTE);
      })
      .sort((a, b) => a - b);
  const ticketTimes = times(size.tickets);
  const slotsChoice = [3, 4, 5, 5, 6, 7];
  const meanSlots = slotsChoice.reduce((a, b) => a + b, 0) / slotsChoice.length;
  const taskTimes = times(Math.ceil(size.legs / 2 / meanSlots / 0.995));

  const chainOf = (grid: GridIds, startLevel: string | null) => {
    const community = communities[communityIndex.get(grid.community.id)!]!;
    const units = startLevel === 'community' ? [community.unit.id, street.id] : [grid.unit.id, community.unit.id, street.id];
    const takers = startLevel === 'community' ? [community.staff[0]!, org.streetStaff[0]!] : [grid.worker, community.staff[0]!, org.streetStaff[0]!];
    return { units, takers };
  };

  let ticketId = 0;
  let ti = 0;
  let taskId = 0;
  let claimId = 0;
  let completionId = 0;
  let ki = 0;
  const byStatus: Record<string, number> = {};
  const accounts = new Map<string, number>();
  const account = (key: string, kind: 'pool' | 'member', owner: number, at: number) => {
    let id = accounts.get(key);
    if (id === undefined) {
      id = Number(insert.account.run(kind, key, kind === 'member' ? owner : null, kind === 'pool' ? owner : null, at).lastInsertRowid);
      accounts.set(key, id);
    }
    return id;
  };

  const writeTicket = ticketWriter(sqlite, queue);
  const addTicket = (createdAt: number) => {
    const g = Math.floor(r() * size.grids);
    const grid = grids[g]!;
    const category = pick(r, weighted);
    const residents = residentsOf[g]!.length ? residentsOf[g]! : [grid.worker];
    const { units, takers } = chainOf(grid, category.startLevel);
    const plan = ticketPlan(r, {
      createdAt,
      reporterId: pick(r, residents),
      anonymous: r() < 0.03,
      categoryId: category.id,
      takeMinutes: category.takeMinutes,
      resolveMinutes: category.resolveMinutes,
      chain: units,
      takerAt: takers,
    });
    const state = writeTicket(
      { id: ++ticketId, originUnitId: grid.unit.id, originRoomId: grid.residentsRoomId, text: reportText(r, category.name), plan },
      asOf,
    );
    byStatus[state.status] = (byStatus[state.status] ?? 0) + 1;
  };

  const addTask = (postedAt: number) => {
    const g = Math.floor(r() * size.grids);
    const grid = grids[g]!;
    const c = communityIndex.get(grid.community.id)!;
    const atCommunity = r() < 0.3;
    const unitId = atCommunity ? grid.community.id : grid.unit.id;
    const staff = atCommunity ? communities[c]!.staff[0]! : grid.worker;
    const roomId = atCommunity ? communities[c]!.staffRoomId : grid.staffRoomId;
    const pool = volunteersOf[c]!;
    const slots = Math.min(pick(r, slotsChoice), pool.length);
    if (!slots) return;
    const title = pick(r, TASK_TITLES);
    const id = ++taskId;
    const poster: Actor = { kind: 'member', id: staff };
    const chosen = new Set<number>();
    while (chosen.size < slots) chosen.add(pick(r, pool));
    let settled = 0;
    let doneAt = 0;
    const work: (() => void)[] = [];
    for (const volunteerId of chosen) {
      const claim = ++claimId;
      const claimedAt = Math.round(postedAt + between(r, 10 * MINUTE, 2 * DAY));
      if (claimedAt > asOf) continue;
      const volunteer: Actor = { kind: 'member', id: volunteerId };
      const volunteerRoom = grids[(volunteerId - firstMember) % size.grids]!.residentsRoomId;
      queue.add(claimedAt, () => {
        insert.claim.run(claim, id, volunteerId, atCommunity ? volunteerRoom : grid.residentsRoomId, claimedAt);
        audit(claimedAt, volunteer, 'task.claim', ['task', id], { claimId: claim });
      });
      const reportedAt = Math.round(claimedAt + between(r, DAY, 5 * DAY));
      if (reportedAt > asOf) continue;
      const completion = ++completionId;
      const minutes = pick(r, [60, 90, 120, 120, 180, 240]);
      queue.add(reportedAt, () => {
        insert.completion.run(completion, claim, id, volunteerId, minutes, reportedAt);
        audit(reportedAt, volunteer, 'task.report', ['task', id], { completionId: completion, minutes });
      });
      const decidedAt = Math.round(reportedAt + between(r, HOUR, 3 * DAY));
      if (decidedAt > asOf) continue;
      const points = pointsFor(minutes, 10);
      settled++;
      doneAt = Math.max(doneAt, decidedAt);
      work.push(() =>
        queue.add(decidedAt, () => {
          const poolId = account(`pool:${unitId}`, 'pool', unitId, decidedAt);
          const memberId = account(`member:${volunteerId}`, 'member', volunteerId, decidedAt);
          const tx = insert.transaction.run(
            decidedAt,
            `completion:${completion}`,
            `${taskRef(id)} ${title}`.slice(0, 60),
            `task-confirm:${completion}`,
            String(staff),
          ).lastInsertRowid;
          insert.leg.run(tx, poolId, -points);
          insert.leg.run(tx, memberId, points);
          insert.settle.run(10, points, decidedAt, staff, completion);
          audit(decidedAt, poster, 'task.confirm', ['task', id], { completions: [{ id: completion, minutes, points }] });
        }),
      );
    }
    for (const w of work) w();
    const done = settled === slots;
    queue.add(postedAt, () => {
      insert.task.run(id, unitId, title, staff, slots, done ? 'done' : 'open', roomId, postedAt, done ? doneAt : null);
      audit(postedAt, poster, 'task.post', ['task', id], { unitId, title, slots, capMinutes: 480 });
    });
  };

  const patrolFrom = localMidnight(asOf - size.patrolDays * DAY);
  const addPatrols = (day: number) => {
    if (day < patrolFrom) return;
    for (const grid of grids) {
      const at: number[] = [];
      if (r() < 0.95) at.push(daytime(r, day, 8.5, 11.5));
      if (r() < 0.92) at.push(daytime(r, day, 14.5, 17.5));
      // Fridays (local): the week's night patrol.
      if (new Date(day + OFFSET_MS).getUTCDay() === 5 && r() < 0.9) at.push(daytime(r, day, 20, 22));
      for (const t of at) {
        if (t >= asOf) continue;
        const night = localHour(t) >= 19 || localHour(t) < 6;
        const note = r() < 0.2 ? '一切正常' : null;
        queue.add(t, () => {
          const id = insert.patrol.run(grid.unit.id, grid.worker, t, night ? 1 : 0, note, grid.staffRoomId).lastInsertRowid;
          audit(t, { kind: 'member', id: grid.worker }, 'patrol.log', ['patrol', Number(id)], { unitId: grid.unit.id, night });
        });
      }
    }
  };

  const month = sqlite.transaction((end: number) => {
    while (ti < ticketTimes.length && ticketTimes[ti]! < end) addTicket(ticketTimes[ti++]!);
    while (ki < taskTimes.length && taskTimes[ki]! < end) addTask(taskTimes[ki++]!);
    queue.flush(end);
  });
  for (let day = localMidnight(from); day < asOf; ) {
    const end = Math.min(day + 30 * DAY, asOf);
    for (let d = day; d < end; d += DAY) addPatrols(d);
    month(end);
    day = end;
    say(`up to ${new Date(end).toISOString().slice(0, 10)}: ${ticketId} tickets, ${completionId} service reports`);
  }
  writeAll();

  const count = (table: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const volunteer = volunteersOf[0]![0]!;
  const volunteerGrid = grids[(volunteer - firstMember) % size.grids]!;
  if (lastMember !== firstMember + size.members - 1) throw new Error('member ids');
  return {
    version: BUILDER_VERSION,
    size,
    asOf: AS_OF.toISOString(),
    street,
    communities,
    grids,
    streetStaff: org.streetStaff,
    admin: org.admin,
    volunteer: { memberId: volunteer, platformUserId: `r${volunteer}`, room: volunteerGrid.residentsRoom },
    counts: {
      members: count('members'),
      tickets: count('tickets'),
      ticketEvents: count('ticket_events'),
      audit: count('audit_log'),
      ledgerLegs: count('ledger_legs'),
      ledgerTransactions: count('ledger_transactions'),
      tasks: count('tasks'),
      completions: count('task_completions'),
      patrols: count('patrols'),
    },
    byStatus,
  };
}

/** What people will do to a ticket: most are taken within the window, resolved within the day and rated. */
export function ticketPlan(r: () => number, base: Omit<Plan, 'cancelAfter' | 'takeAfter' | 'resolveAfter' | 'rateAfter' | 'rating'>): Plan {
  const plan: Plan = { ...base };
  const take = base.takeMinutes * MINUTE;
  const x = r();
  if (x < 0.04) {
    plan.cancelAfter = Math.round(between(r, 5 * MINUTE, 6 * HOUR));
    return plan;
  }
  // A few are never taken: they climb to the street and stay overdue there.
  if (x < 0.055) return plan;
  plan.takeAfter = Math.round(r() < 0.82 ? between(r, 2 * MINUTE, 0.95 * take) : between(r, take, 6 * take));
  const y = r();
  const resolve = base.resolveMinutes * MINUTE;
  plan.resolveAfter = Math.round(
    y < 0.9 ? between(r, 20 * MINUTE, 0.75 * resolve) : y < 0.97 ? between(r, 0.8 * resolve, resolve) : between(r, resolve, 2.5 * resolve),
  );
  plan.resolveNote = pick(r, RESOLVE_NOTES) ?? undefined;
  if (r() < 0.55) {
    plan.rateAfter = Math.round(between(r, 10 * MINUTE, 70 * HOUR));
    const s = r();
    plan.rating = s < 0.55 ? 5 : s < 0.8 ? 4 : s < 0.9 ? 3 : s < 0.95 ? 2 : 1;
  }
  return plan;
}

// -- the cache -------------------------------------------------------------------------------------------

/** Where built streets are kept between runs: LINLI_SCALE_CACHE, else a folder under the system's temp dir. */
export const cacheDir = () => process.env.LINLI_SCALE_CACHE ?? join(tmpdir(), 'linli-scale');

/**
 * The street of this size, built once into the cache (a file database opened as production opens it) and
 * reused while the builder's version stays the same.
 */
export function cachedStreet(
  scale: number,
  progress?: (what: string) => void,
): { file: string; manifestFile: string; manifest: StreetManifest; built: boolean } {
  const dir = cacheDir();
  const base = join(dir, `street-v${BUILDER_VERSION}-s${scale}`);
  const file = `${base}.db`;
  const manifestFile = `${base}.json`;
  if (existsSync(file) && existsSync(manifestFile)) {
    return { file, manifestFile, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as StreetManifest, built: false };
  }
  mkdirSync(dir, { recursive: true });
  const building = `${base}.building.db`;
  for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  const db = openDatabase(building);
  // Building only: a lost file would just be built again, so no fsync per commit. Per connection, not stored.
  db.$client.pragma('synchronous = OFF');
  db.$client.pragma('cache_size = -262144');
  const manifest = buildStreet(db, scale, progress ? { progress } : {});
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
  renameSync(building, file);
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 1));
  return { file, manifestFile, manifest, built: true };
}

/** A private copy of a built street to measure on, so a run's writes never reach the cache. */
export function copyStreet(file: string, to: string): string {
  for (const f of [to, `${to}-wal`, `${to}-shm`]) rmSync(f, { force: true });
  copyFileSync(file, to);
  return to;
}
