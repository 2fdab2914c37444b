import { beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, SimulatedClock } from '../../../src/clock.js';
import { type Db, openDatabaseImage } from '../../../src/db/client.js';
import type { Deps } from '../../../src/domain/context.js';
import { memberAccount, statement } from '../../../src/domain/ledger/accounts.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { isNight } from '../../../src/domain/patrols/windows.js';
import { autocloseUnrated, nextAutocloseWork } from '../../../src/domain/tickets/autoclose.js';
import { cancelTicket } from '../../../src/domain/tickets/cancel.js';
import { findCategoryByName, inferCategory } from '../../../src/domain/tickets/categories.js';
import { ticketNumbers } from '../../../src/domain/tickets/numbers.js';
import { rateTicket } from '../../../src/domain/tickets/rate.js';
import { reportTicket } from '../../../src/domain/tickets/report.js';
import { resolveTicket } from '../../../src/domain/tickets/resolve.js';
import { nextSlaWork, sweepSla } from '../../../src/domain/tickets/sla.js';
import { getTicket } from '../../../src/domain/tickets/store.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { lapseCompletions } from '../../../src/domain/timebank/lapse.js';
import { createHttpApp } from '../../../src/http/app.js';
import { freshDb } from '../../helpers/db.js';
import { testServices } from '../../helpers/services.js';
import { ADMIN_TOKEN } from './constants.js';
import type { Plan } from './lifecycle.js';
import { AS_OF, buildStreet, REPORT_TEXTS, type StreetManifest, streetSize, type TicketSpec, TimeOrdered, ticketWriter } from './street.js';

/**
 * The street `npm run bench:scale` measures is written in bulk; these checks hold it to what the domain
 * would have written, so the builder cannot drift from the schema and the rules unnoticed. Not timed.
 */
const SCALE = 0.002;
let built: Db;
let manifest: StreetManifest;
let image: Buffer;
const asOf = AS_OF.getTime();

beforeAll(() => {
  built = freshDb();
  manifest = buildStreet(built, SCALE);
  image = built.$client.serialize();
}, 60_000);

const copy = () => openDatabaseImage(image);
const one = <T>(db: Db, sql: string, ...params: unknown[]) => db.$client.prepare(sql).get(...params) as T;
const depsAt = (db: Db, now: number): Deps => ({
  db,
  clock: new SimulatedClock(new Date(now)),
  settings: { lang: 'zh', timeZone: 'Asia/Shanghai', dataDir: '/tmp' },
  render: testServices().deps.render,
});

describe('the street builder', () => {
  it('builds the size asked for', () => {
    const size = streetSize(SCALE);
    const staff = 3 + 2 * size.communities + size.grids;
    expect(manifest.counts.members).toBe(size.members + staff);
    expect(manifest.counts.tickets).toBe(size.tickets);
    expect(Object.values(manifest.byStatus).reduce((a, b) => a + b, 0)).toBe(size.tickets);
    expect(manifest.counts.ledgerLegs).toBeGreaterThan(size.legs * 0.9);
    expect(manifest.counts.ledgerLegs).toBeLessThan(size.legs * 1.1);
    expect(one<{ n: number }>(built, "SELECT count(*) AS n FROM units WHERE kind = 'grid'").n).toBe(size.grids);
    // A year of patrols: about two a day in each grid.
    expect(manifest.counts.patrols).toBeGreaterThan(size.grids * 365 * 1.5);
  });

  it('keeps a ledger the reconcile check accepts, each point paid as creditCompletion pays it', () => {
    const report = reconcile(built);
    expect(report.ok).toBe(true);
    expect(report.checked.transactions).toBe(manifest.counts.ledgerTransactions);
    const credited = one<{ n: number; bad: number }>(
      built,
      `SELECT count(*) AS n, sum(t.id IS NULL OR t.ref <> 'completion:' || c.id OR
          (SELECT sum(amount) FROM ledger_legs l JOIN ledger_accounts a ON a.id = l.account_id WHERE l.transaction_id = t.id AND a.key = 'member:' || c.volunteer_id) <> c.points
          OR c.points <> round(c.minutes * c.rate / 60.0)) AS bad
       FROM task_completions c LEFT JOIN ledger_transactions t ON t.idempotency_key = 'task-confirm:' || c.id WHERE c.status = 'confirmed'`,
    );
    expect(credited.n * 2).toBe(manifest.counts.ledgerLegs);
    expect(credited.bad).toBe(0);
    const volunteer = memberAccount(manifest.volunteer.memberId);
    const lines = statement(built, volunteer, { limit: 10_000 });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.reduce((sum, l) => sum + l.amount, 0)).toBe(
      one<{ balance: number }>(built, 'SELECT balance FROM ledger_accounts WHERE key = ?', `member:${manifest.volunteer.memberId}`).balance,
    );
  });

  it('leaves the street as its jobs left it at its "now": nothing for the sweep, the auto-close or the lapse to do', () => {
    const db = copy();
    const deps = depsAt(db, asOf);
    const next = nextSlaWork(deps);
    expect(next === null || next.getTime() > asOf).toBe(true);
    expect(sweepSla(deps, AS_OF)).toEqual({ warned: 0, escalated: 0, overdue: 0 });
    expect(autocloseUnrated(deps, AS_OF)).toBe(0);
    expect(lapseCompletions({ ...deps, actor: { kind: 'system', job: 'task-lapse' } }, AS_OF)).toBe(0);
  });

  it('gives the figures and lists the domain computes over it', async () => {
    const numbers = ticketNumbers(built, manifest.street.id, new Date(0), new Date(asOf + 1));
    expect(numbers.total).toBe(manifest.counts.tickets);
    expect(Object.fromEntries(Object.entries(numbers.byStatus).filter(([, n]) => n > 0))).toEqual(manifest.byStatus);
    const events = (kind: string) => one<{ n: number }>(built, 'SELECT count(*) AS n FROM ticket_events WHERE kind = ?', kind).n;
    expect(numbers.escalations.total).toBe(events('escalate'));
    expect(numbers.ratings.rated).toBe(events('rate'));
    expect(numbers.ratings.unrated).toBe(events('close'));

    // Paging through a community's tickets over the API finds each ticket reported in its grids once.
    const services = testServices({ db: copy(), env: { LINLI_ADMIN_TOKEN: ADMIN_TOKEN } });
    const app = createHttpApp(services);
    const community = manifest.communities[0]!.unit;
    const seen = new Set<number>();
    let cursor = '';
    for (let page = 0; page < 100; page++) {
      const res = await app.request(`/api/v1/tickets?unitId=${community.id}&limit=100${cursor}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { id: string | number }[]; nextCursor: string | null };
      for (const t of body.data) seen.add(Number(String(t.id).replace(/^T/, '')));
      if (!body.nextCursor) break;
      cursor = `&cursor=${body.nextCursor}`;
    }
    const expected = one<{ n: number }>(
      built,
      'SELECT count(*) AS n FROM tickets t JOIN units u ON u.id = t.origin_unit_id WHERE u.path LIKE ?',
      `${community.path}%`,
    ).n;
    expect(expected).toBeGreaterThan(0);
    expect(seen.size).toBe(expected);
  });

  it('writes report texts the domain files under the category they were written for', () => {
    for (const [name, texts] of Object.entries(REPORT_TEXTS)) {
      for (const text of texts) expect(inferCategory(built, text.replace(/\{.\}/g, '3')).name, text).toBe(name);
    }
  });

  it('marks night patrols as logPatrol does', () => {
    const rows = built.$client.prepare('SELECT at, night FROM patrols').all() as { at: number; night: number }[];
    expect(rows.filter((p) => isNight(new Date(p.at), 'Asia/Shanghai') !== (p.night === 1))).toEqual([]);
    expect(rows.some((p) => p.night === 1)).toBe(true);
  });
});

/**
 * Each plan is lived twice on copies of the street: through the domain (reportTicket, takeTicket, … with the
 * SLA sweep and the auto-close job run when they next have work) and by the builder's writer. The rows must
 * be the same, column for column.
 */
describe('a ticket written by the builder', () => {
  const cases: [string, string, Partial<Plan> & { ago: number }][] = [
    [
      'taken, resolved and rated',
      '环境卫生',
      { ago: 20 * DAY, takeAfter: 10 * MINUTE, resolveAfter: 3 * HOUR, resolveNote: '已处理', rateAfter: 5 * HOUR, rating: 4 },
    ],
    ['warned twice, closed unrated by the job', '环境卫生', { ago: 20 * DAY, takeAfter: 25 * MINUTE, resolveAfter: 20 * HOUR }],
    [
      'up to the street before it is taken, overdue there, resolved, rated',
      '市政照明',
      { ago: 30 * DAY, takeAfter: 100 * MINUTE, resolveAfter: 30 * HOUR, rateAfter: HOUR, rating: 2 },
    ],
    ['never taken: overdue at the top, still open', '停车', { ago: 3 * DAY }],
    ['escalated, then cancelled by its reporter', '其他', { ago: 10 * DAY, cancelAfter: 2 * HOUR }],
    ['a dispute starting at the community', '邻里纠纷', { ago: 9 * DAY, takeAfter: 5 * MINUTE, resolveAfter: 2 * HOUR, rateAfter: DAY, rating: 5 }],
    ['urgent: warned and taken in the same minute', '安全隐患', { ago: 8 * DAY, takeAfter: 8 * MINUTE, resolveAfter: HOUR, rateAfter: HOUR, rating: 5 }],
    ['reported 40 minutes ago, escalated once', '水电', { ago: 40 * MINUTE, takeAfter: 2 * HOUR }],
    ['taken, not yet resolved', '水电', { ago: 5 * HOUR, takeAfter: 3 * MINUTE, resolveAfter: 10 * HOUR }],
    ['resolved yesterday, not yet rated', '物业', { ago: 2 * DAY, takeAfter: 3 * MINUTE, resolveAfter: 4 * HOUR, anonymous: true }],
  ];

  it.each(cases)('%s', (_what, categoryName, { ago, ...rest }) => {
    const grid = manifest.grids[0]!;
    const community = manifest.communities.find((c) => c.unit.id === grid.community.id)!;
    const category = findCategoryByName(built, categoryName)!;
    const fromCommunity = category.startLevel === 'community';
    const reporterId = one<{ id: number }>(built, "SELECT member_id AS id FROM role_grants WHERE unit_id = ? AND role = 'resident' LIMIT 1", grid.unit.id).id;
    const plan: Plan = {
      createdAt: Math.round(asOf - ago + 17_321),
      reporterId,
      anonymous: false,
      categoryId: category.id,
      takeMinutes: category.takeMinutes,
      resolveMinutes: category.resolveMinutes,
      chain: fromCommunity ? [community.unit.id, manifest.street.id] : [grid.unit.id, community.unit.id, manifest.street.id],
      takerAt: fromCommunity ? [community.staff[0]!, manifest.streetStaff[0]!] : [grid.worker, community.staff[0]!, manifest.streetStaff[0]!],
      ...rest,
    };
    const id = one<{ id: number }>(built, 'SELECT max(id) AS id FROM tickets').id + 1;
    const spec: TicketSpec = {
      id,
      originUnitId: grid.unit.id,
      originRoomId: grid.residentsRoomId,
      text: REPORT_TEXTS[categoryName]![0]!.replace(/\{.\}/g, '3'),
      plan,
    };

    const byDomain = copy();
    liveThroughDomain(byDomain, spec);
    const byBuilder = copy();
    const queue = new TimeOrdered();
    ticketWriter(byBuilder.$client, queue)(spec, asOf);
    queue.flush();

    expect(rowsOf(byBuilder, id)).toEqual(rowsOf(byDomain, id));
    expect(rowsOf(byDomain, id).events.length).toBeGreaterThan(0);
  });
});

function rowsOf(db: Db, id: number) {
  const parse = <T extends { data: string | null }>(rows: T[]) => rows.map((r) => ({ ...r, data: r.data === null ? null : JSON.parse(r.data) }));
  return {
    ticket: db.$client.prepare('SELECT * FROM tickets WHERE id = ?').get(id),
    events: parse(
      db.$client
        .prepare(
          'SELECT ticket_id, at, actor_kind, actor_id, kind, from_status, to_status, unit_id, note, data FROM ticket_events WHERE ticket_id = ? ORDER BY id',
        )
        .all(id) as { data: string | null }[],
    ),
    audit: parse(
      db.$client
        .prepare(
          "SELECT at, actor_kind, actor_id, action, target_type, target_id, data FROM audit_log WHERE target_type = 'ticket' AND target_id = ? ORDER BY id",
        )
        .all(String(id)) as { data: string | null }[],
    ),
  };
}

/** The plan's people act through the domain's verbs at its times; the sweep and auto-close run when they next have work. */
function liveThroughDomain(db: Db, { id, originUnitId, originRoomId, text, plan }: TicketSpec): void {
  const deps = depsAt(db, plan.createdAt);
  const clock = deps.clock as SimulatedClock;
  const as = (memberId: number) => ({ ...deps, actor: { kind: 'member' as const, memberId } });
  const reported = reportTicket(as(plan.reporterId), { unitId: originUnitId, roomId: originRoomId, text, anonymous: plan.anonymous, force: true });
  expect(reported.kind === 'created' && reported.ticket.id).toBe(id);
  const ceil = (t: number, unit: number) => Math.ceil(t / unit) * unit;
  for (;;) {
    const ticket = getTicket(db, id);
    let human = Number.POSITIVE_INFINITY;
    if (ticket.status === 'open') {
      const after = plan.cancelAfter ?? plan.takeAfter;
      if (after !== undefined) human = plan.createdAt + after;
    } else if (ticket.status === 'taken' && plan.resolveAfter !== undefined) human = ticket.takenAt!.getTime() + plan.resolveAfter;
    else if (ticket.status === 'resolved' && plan.rateAfter !== undefined) human = ticket.resolvedAt!.getTime() + plan.rateAfter;
    const sla = nextSlaWork(deps);
    const sweep = sla ? ceil(sla.getTime(), MINUTE) : Number.POSITIVE_INFINITY;
    const closing = nextAutocloseWork(deps);
    const close = closing ? ceil(closing.getTime(), HOUR) : Number.POSITIVE_INFINITY;
    const at = Math.min(human, sweep, close);
    if (at > asOf) return;
    clock.set(new Date(at));
    if (sweep === at) sweepSla(deps, new Date(at));
    else if (close === at) autocloseUnrated(deps, new Date(at));
    else if (ticket.status === 'open' && plan.cancelAfter !== undefined) cancelTicket(as(plan.reporterId), id);
    else if (ticket.status === 'open') takeTicket(as(plan.takerAt[ticket.level]!), id);
    else if (ticket.status === 'taken') resolveTicket(as(ticket.takerId!), id, plan.resolveNote ? { note: plan.resolveNote } : {});
    else rateTicket(as(plan.reporterId), id, { rating: plan.rating! });
  }
}
