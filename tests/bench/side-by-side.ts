/**
 * `npm run bench`: Linli side by side with what its parts allow, in one run, on this machine.
 *
 * Each row of issue 14's table runs Linli and its reference (tests/bench/reference.ts, a bare Hono server
 * for the HTTP rows) in interleaved, time-boxed rounds on a database file opened as production opens it,
 * and reports the medians, the share and the target. It is a measurement, not a test: it exits 0 whatever
 * the numbers (and 1 only when it could not measure). docs/performance.md says what each row means.
 *
 *   npm run bench                      a little over a minute
 *   npm run bench -- --long            longer rounds, more of them: steadier numbers (about 6 minutes)
 *   npm run bench -- --rounds 9 --round-ms 1000 --http-ms 3000 --connections 10 --tickets 200
 */
import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { HOUR, SimulatedClock } from '../../src/clock.js';
import { meStep, pointsStep, redeemStep, reportStep, shellReportStep } from './chat.js';
import { fetchBody, type LoadRound, load, p99, startServer } from './http.js';
import { interleave, median, ms, type Round, type Row, rate, type Step, summarise, table, timedRound } from './measure.js';
import { handRedeem, pointSelect, rawInsert } from './reference.js';
import { createWorld, type World } from './world.js';

const { values } = parseArgs({
  options: {
    long: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    'round-ms': { type: 'string' },
    'http-ms': { type: 'string' },
    connections: { type: 'string', default: '10' },
    tickets: { type: 'string', default: '120' },
  },
  strict: true,
});
const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const ROUNDS = num(values.rounds, values.long ? 15 : 5);
const ROUND_MS = num(values['round-ms'], values.long ? 1000 : 400);
const HTTP_MS = num(values['http-ms'], values.long ? 3000 : 1500);
const CONNECTIONS = num(values.connections, 10);
const TICKETS = num(values.tickets, 120);

const MB = 1024 * 1024;
const MEMORY_TARGET_MB = 120;
/** Past the 48 hours a report looks back for the same matter: each round reports into a quiet grid. */
const NEXT_WINDOW = 49 * HOUR;

const log = (line: string) => process.stderr.write(`${line}\n`);
const count = (world: World, table: string) => (world.services.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

interface ChatRow {
  what: string;
  linli: Step;
  reference: Step;
  /** Called before each Linli round. */
  beforeRound?: () => void;
  /** The unit the Linli side is counted in ("msg/s"). */
  unit: string;
  target: number;
  /** After the rounds: how many operations each side made, checked against what they wrote. */
  check?: (ops: { linli: number; reference: number }) => string | undefined;
}

const problems: string[] = [];

async function chatRow(row: ChatRow): Promise<Row> {
  log(`· ${row.what}`);
  const total = { linli: 0, reference: 0 };
  const rounds = await interleave<Round>(
    ROUNDS,
    async () => {
      row.beforeRound?.();
      const round = await timedRound(row.linli, ROUND_MS);
      total.linli += round.ops;
      return round;
    },
    async () => {
      const round = await timedRound(row.reference, ROUND_MS);
      total.reference += round.ops;
      return round;
    },
  );
  const problem = row.check?.(total);
  if (problem) problems.push(`${row.what}: ${problem}`);
  const linli = summarise(rounds.linli);
  const reference = summarise(rounds.reference);
  const share = linli.rate / reference.rate;
  return {
    what: row.what,
    linli: `${rate(linli.rate)} ${row.unit} (${ms(linli.cpuMsEach)} ms CPU each)`,
    reference: `${rate(reference.rate)}/s (${ms(reference.cpuMsEach)} ms CPU each)`,
    share,
    target: `≥ ${Math.round(row.target * 100)}%`,
    met: share >= row.target,
  };
}

/** Counts rows of `table` before and after, expecting one per operation of one side or both. */
function grows(world: World, tableName: string, per: (ops: { linli: number; reference: number }) => number) {
  const before = count(world, tableName);
  return (ops: { linli: number; reference: number }) => {
    const added = count(world, tableName) - before;
    return added === per(ops) ? undefined : `expected ${per(ops)} new rows in ${tableName}, found ${added}`;
  };
}

async function chatRows(): Promise<Row[]> {
  const clock = new SimulatedClock(new Date());
  const world = createWorld({ clock });
  log(`chat rows: ${world.file} (WAL, synchronous=${world.services.config.synchronous})`);
  const { $client: sqlite } = world.services.db;
  const rows: Row[] = [];
  try {
    const insert = rawInsert(sqlite);
    const select = pointSelect(sqlite, world.reader);

    const tickets = grows(world, 'tickets', (ops) => ops.linli);
    rows.push(
      await chatRow({
        what: '报事 through the chat core',
        linli: reportStep(world),
        reference: insert,
        beforeRound: () => clock.advance(NEXT_WINDOW),
        unit: 'msg/s',
        target: 0.5,
        check: tickets,
      }),
    );
    const shellTickets = grows(world, 'tickets', (ops) => ops.linli);
    const shell = await shellReportStep(world);
    rows.push(
      await chatRow({
        what: 'shell chat end to end, 报事',
        linli: shell,
        reference: insert,
        beforeRound: () => clock.advance(NEXT_WINDOW),
        unit: 'msg/s',
        target: 0.3,
        check: (ops) => {
          const pending = count(world, "outbox WHERE status = 'pending' AND platform = 'shell'");
          return shellTickets(ops) ?? (pending ? `${pending} announcements left undelivered` : undefined);
        },
      }),
    );
    rows.push(await chatRow({ what: '积分', linli: pointsStep(world), reference: select, unit: 'msg/s', target: 0.05 }));
    rows.push(await chatRow({ what: '我的', linli: meStep(world), reference: select, unit: 'msg/s', target: 0.05 }));
    const vouchers = grows(world, 'vouchers', (ops) => ops.linli + ops.reference);
    rows.push(
      await chatRow({
        what: '兑换',
        linli: redeemStep(world),
        reference: handRedeem(sqlite, { memberId: world.buyer, rewardId: world.rewardId }),
        unit: 'msg/s',
        target: 0.5,
        check: vouchers,
      }),
    );
  } finally {
    await world.services.close();
    rmSync(world.dir, { recursive: true, force: true });
  }
  return rows;
}

/** The HTTP rows and idle memory: the real server and the bare Hono one, each in its own process. */
async function serverRows(): Promise<Row[]> {
  const world = createWorld();
  const report = reportStep(world);
  for (let i = 0; i < TICKETS; i++) await report();
  await world.services.close();
  log(`http rows: ${world.file} (${TICKETS} tickets), ${CONNECTIONS} keep-alive connections`);

  const token = `bench-${'t'.repeat(40)}`;
  const auth = { authorization: `Bearer ${token}` };
  const paths = { rewards: '/api/v1/rewards', tickets: '/api/v1/tickets?limit=50' };
  const linli = await startServer('linli', [world.file, token]);
  const rows: Row[] = [];
  let bare: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const bodies: Record<string, string> = {};
    for (const path of Object.values(paths)) {
      const got = await fetchBody(linli.url, path, auth);
      if (got.status !== 200) throw new Error(`GET ${path}: ${got.status} ${got.body}`);
      bodies[new URL(path, linli.url).pathname] = got.body;
    }
    const bodiesFile = join(world.dir, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    bare = await startServer('bare-hono', [bodiesFile]);
    for (const path of Object.values(paths)) {
      const ours = await fetchBody(bare.url, path);
      if (ours.body !== bodies[new URL(path, linli.url).pathname]) throw new Error(`the bare server's ${path} differs from Linli's`);
    }

    // Idle: after start-up (and the first requests above), before any load.
    const idle = await linli.memory();
    const bareIdle = await bare.memory();

    for (const [name, path] of Object.entries(paths)) {
      const bytes = Buffer.byteLength(bodies[new URL(path, linli.url).pathname]!);
      const what = name === 'rewards' ? '`GET /api/v1/rewards`' : '`GET /api/v1/tickets` (50 a page)';
      log(`· ${what} (${bytes} bytes)`);
      const side = (server: BenchServer, headers: Record<string, string>) => async () => {
        const cpu = await server.cpuMs();
        const round = await load(server.url, path, { ms: HTTP_MS, connections: CONNECTIONS, headers, expectBytes: bytes });
        return { round, cpuMs: (await server.cpuMs()) - cpu };
      };
      const rounds = await interleave(ROUNDS, side(linli, auth), side(bare, {}));
      const errors = [...rounds.linli, ...rounds.reference].reduce((sum, r) => sum + r.round.errors, 0);
      if (errors) problems.push(`${what}: ${errors} requests failed or answered otherwise`);
      const cell = (of: { round: LoadRound; cpuMs: number }[]) => {
        const rps = median(of.map((r) => (r.round.requests * 1000) / r.round.ms));
        const cpu = median(of.map((r) => r.cpuMs / r.round.requests));
        return { rps, text: `${rate(rps)} rps, p99 ${ms(median(of.map((r) => p99(r.round))))} ms (${ms(cpu)} ms server CPU each)` };
      };
      const ours = cell(rounds.linli);
      const theirs = cell(rounds.reference);
      const share = ours.rps / theirs.rps;
      rows.push({ what, linli: ours.text, reference: theirs.text, share, target: '≥ 50%', met: share >= 0.5 });
    }

    for (const path of Object.values(paths)) {
      const again = await fetchBody(linli.url, path, auth);
      if (again.body !== bodies[new URL(path, linli.url).pathname]) problems.push(`GET ${path} changed during the run: the bare server served an older body`);
    }

    const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
    rows.push({
      what: 'idle memory of the server (RSS after start-up and a full GC)',
      linli: `${mb(idle.rss)} (heap ${mb(idle.heapUsed)})`,
      reference: `bare Hono process: ${mb(bareIdle.rss)} (heap ${mb(bareIdle.heapUsed)})`,
      share: undefined,
      target: `< ${MEMORY_TARGET_MB} MB`,
      met: idle.rss < MEMORY_TARGET_MB * MB,
    });
  } catch (error) {
    log(linli.log());
    throw error;
  } finally {
    await bare?.stop();
    await linli.stop();
    rmSync(world.dir, { recursive: true, force: true });
  }
  return rows;
}

type BenchServer = Awaited<ReturnType<typeof startServer>>;

const started = performance.now();
log(`side by side: ${ROUNDS} rounds a side (+1 warm-up), ${ROUND_MS} ms a chat round, ${HTTP_MS} ms an HTTP round`);
try {
  const rows = [...(await chatRows()), ...(await serverRows())];
  const [one, five] = loadavg();
  process.stdout.write(`\n${table(rows)}\n\n`);
  process.stdout.write(
    `Medians of ${ROUNDS} interleaved rounds a side (${ROUND_MS} ms chat, ${HTTP_MS} ms HTTP); node ${process.version}, ` +
      `${availableParallelism()} CPUs, load average ${one!.toFixed(1)} / ${five!.toFixed(1)}; ${((performance.now() - started) / 1000).toFixed(0)} s.\n`,
  );
  for (const problem of problems) process.stdout.write(`CHECK FAILED: ${problem}\n`);
} catch (error) {
  log(`could not measure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
