/**
 * One process of `npm run bench:scale`: opens a copy of the built street as production does, at the street's
 * own "now", and runs the measurements named on the command line one after the other, printing one JSON
 * line as each starts and ends. run.ts kills it when a measurement overruns its time limit.
 *
 *   node --import tsx tests/bench/scale/probe.ts <db file> <manifest.json> <measurement>...
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HOUR, SimulatedClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config.js';
import { createHttpApp } from '../../../src/http/app.js';
import { encodeCursor } from '../../../src/http/pagination.js';
import { CronSchedule } from '../../../src/jobs/cron.js';
import { silentLogger } from '../../../src/log.js';
import { createServices, type Services } from '../../../src/services.js';
import { reportTicket } from '../../../src/domain/tickets/report.js';
import { ADMIN_TOKEN } from './constants.js';
import { PLATFORM, type StreetManifest, TIME_ZONE } from './street.js';

const [file, manifestFile, ...wanted] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestFile!, 'utf8')) as StreetManifest;
const asOf = new Date(manifest.asOf);
const clock = new SimulatedClock(asOf);
// Beside the copy, in the run's folder, which run.ts removes even after killing this process.
const dataDir = join(dirname(file!), 'data');
const config = loadConfig({
  LINLI_DB: file,
  LINLI_DATA_DIR: dataDir,
  LINLI_SEED: 'off',
  LINLI_TZ: TIME_ZONE,
  LINLI_ADMIN_TOKEN: ADMIN_TOKEN,
  LINLI_RATE_LIMIT: '1000000',
});
const services: Services = createServices({ config, clock, log: silentLogger });
const app = createHttpApp(services);

const out = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { n: ms.length, median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1]! };
};

/** Repeats `fn` until `budgetMs` is spent or `max` runs, after `warm` unmeasured ones. */
async function repeat(fn: (i: number) => unknown, options: { warm?: number; max?: number; budgetMs?: number } = {}) {
  const { warm = 3, max = 500, budgetMs = 5000 } = options;
  for (let i = 0; i < warm; i++) await fn(-1 - i);
  const ms: number[] = [];
  const until = performance.now() + budgetMs;
  for (let i = 0; i < max && (i < 3 || performance.now() < until); i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return summary(ms);
}

let messages = 0;
const say = (room: string, senderId: string, text: string) =>
  services.core.handle({
    platform: PLATFORM,
    roomId: room,
    roomName: room,
    isPrivate: false,
    senderId,
    senderName: senderId,
    messageId: `scale-${process.pid}-${messages++}`,
    text,
  });

/** The ticket list as an admin reads it, through the whole HTTP app. */
async function ticketPage(unitId: number, deep: boolean) {
  let cursor = '';
  let position = 0;
  if (deep) {
    // Two thirds of the way down the unit's tickets: an admin paging back through a year or two.
    const { n } = services.db.$client
      .prepare('SELECT count(*) AS n FROM tickets t JOIN units u ON u.id = t.origin_unit_id WHERE u.path LIKE ?')
      .get(`${unitPath(unitId)}%`) as { n: number };
    position = Math.floor((n * 2) / 3);
    const row = services.db.$client
      .prepare('SELECT t.id FROM tickets t JOIN units u ON u.id = t.origin_unit_id WHERE u.path LIKE ? ORDER BY t.id DESC LIMIT 1 OFFSET ?')
      .get(`${unitPath(unitId)}%`, position) as { id: number };
    cursor = `&cursor=${encodeCursor(row.id)}`;
  }
  const url = `http://bench/api/v1/tickets?unitId=${unitId}&limit=50${cursor}`;
  let items = 0;
  const stats = await repeat(
    async () => {
      const res = await app.request(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
      items = ((await res.json()) as { data: unknown[] }).data.length;
    },
    { warm: 1, max: 50, budgetMs: 3000 },
  );
  return { ...stats, items, position };
}

const unitPath = (unitId: number) => (services.db.$client.prepare('SELECT path FROM units WHERE id = ?').get(unitId) as { path: string }).path;

/** The job's last firing at or before the street's "now": the run the scheduler made or would make. */
function lastFiring(cron: string): Date {
  const schedule = new CronSchedule(cron, TIME_ZONE);
  for (const back of [2 * HOUR, 2 * 24 * HOUR, 40 * 24 * HOUR, 100 * 24 * HOUR, 400 * 24 * HOUR]) {
    let last: Date | undefined;
    for (let t = schedule.next(new Date(asOf.getTime() - back)); t <= asOf; t = schedule.next(t)) last = t;
    if (last) return last;
  }
  throw new Error(`${cron} did not fire in the year before ${asOf.toISOString()}`);
}

async function job(name: string) {
  const scheduledFor = lastFiring(services.jobs.job(name).cron);
  const t = performance.now();
  const outcome = services.jobs.run(name, scheduledFor, 'schedule');
  const ms = performance.now() - t;
  if (outcome.status === 'error') throw new Error(`${name}: ${outcome.run.detail}`);
  return { ms, scheduledFor: scheduledFor.toISOString(), detail: outcome.status === 'ok' ? outcome.run.detail : outcome.status };
}

/**
 * 报事 into a grid holding 1,500 open tickets of the same category from the last two days, against 报事 into
 * a grid with its usual few, in interleaved rounds. The 1,500 are reported through reportTicket first.
 */
async function reportBusyVsQuiet() {
  const busy = manifest.grids[0]!;
  const quiet = manifest.grids[1]!;
  const db = services.db.$client;
  const residents = (unitId: number) =>
    (db.prepare("SELECT member_id AS id FROM role_grants WHERE unit_id = ? AND role = 'resident' ORDER BY id LIMIT 400").all(unitId) as { id: number }[]).map(
      (r) => r.id,
    );
  const busyPeople = residents(busy.unit.id);
  const quietPeople = residents(quiet.unit.id);
  const setup = performance.now();
  for (let i = 0; i < 1500; i++) {
    const at = new Date(asOf.getTime() - 47 * HOUR + i * ((46 * HOUR) / 1500));
    reportTicket(
      { ...services.deps, clock: { now: () => at }, actor: { kind: 'member', memberId: busyPeople[i % busyPeople.length]! } },
      { unitId: busy.unit.id, roomId: busy.residentsRoomId, text: `垃圾房门口垃圾没人清，第${i + 1}次说了`, force: true },
    );
  }
  const setupMs = performance.now() - setup;
  const open = (unitId: number) =>
    (
      db
        .prepare("SELECT count(*) AS n FROM tickets WHERE origin_unit_id = ? AND status IN ('open', 'taken') AND created_at >= ?")
        .get(unitId, asOf.getTime() - 48 * HOUR) as { n: number }
    ).n;
  const busyOpen = open(busy.unit.id);
  const quietOpen = open(quiet.unit.id);
  const rounds = 5;
  const perRound = 20;
  const ms = { busy: [] as number[], quiet: [] as number[] };
  const before = (db.prepare('SELECT max(id) AS id FROM tickets').get() as { id: number }).id;
  let n = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [which, grid, people] of [
      ['busy', busy, busyPeople],
      ['quiet', quiet, quietPeople],
    ] as const) {
      const t = performance.now();
      for (let i = 0; i < perRound; i++) {
        const reporter = people[(n++ * 7) % people.length]!;
        await say(grid.residentsRoom, `r${reporter}`, `报事 ${10 + (n % 20)}号楼楼道堆满杂物没人管`);
      }
      ms[which].push(performance.now() - t);
    }
  }
  const rate = (list: number[]) => (perRound * list.length * 1000) / list.reduce((a, b) => a + b, 0);
  // How many of the reports became tickets (the rest joined one as duplicates): the two grids should be alike.
  const created = (unitId: number) =>
    (db.prepare('SELECT count(*) AS n FROM tickets WHERE origin_unit_id = ? AND id > ?').get(unitId, before) as { n: number }).n;
  return {
    busyPerSecond: rate(ms.busy),
    quietPerSecond: rate(ms.quiet),
    busyOpen,
    quietOpen,
    busyCreated: created(busy.unit.id),
    quietCreated: created(quiet.unit.id),
    reports: rounds * perRound,
    setupMs,
  };
}

const MEASUREMENTS: Record<string, () => Promise<Record<string, unknown>> | Record<string, unknown>> = {
  points: async () => {
    const { room, platformUserId } = manifest.volunteer;
    const stats = await repeat(() => say(room, platformUserId, '积分'), { warm: 3, max: 2000, budgetMs: 5000 });
    return stats;
  },
  'tickets:grid:first': () => ticketPage(manifest.grids[0]!.unit.id, false),
  'tickets:grid:deep': () => ticketPage(manifest.grids[0]!.unit.id, true),
  'tickets:community:first': () => ticketPage(manifest.communities[0]!.unit.id, false),
  'tickets:community:deep': () => ticketPage(manifest.communities[0]!.unit.id, true),
  'tickets:street:first': () => ticketPage(manifest.street.id, false),
  'tickets:street:deep': () => ticketPage(manifest.street.id, true),
  report: reportBusyVsQuiet,
};
for (const name of services.jobs.names) MEASUREMENTS[`job:${name}`] = () => job(name);

for (const id of wanted) {
  out({ start: id });
  const measure = MEASUREMENTS[id];
  try {
    if (!measure) throw new Error(`no measurement ${id}; known: ${Object.keys(MEASUREMENTS).join(', ')}`);
    out({ id, ...(await measure()) });
  } catch (error) {
    out({ id, error: error instanceof Error ? error.message : String(error) });
  }
}
await services.close();
