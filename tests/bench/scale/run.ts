/**
 * `npm run bench:scale`: Linli on a street of issue 14's size (131 grids, 50,000 members, 200,000 tickets,
 * 1,000,000 ledger legs, a year of patrols), measured against the issue's targets. Not a test: it prints a
 * Markdown table to paste into docs/performance.md and exits 0.
 *
 *   LINLI_SCALE=0.1            a tenth of the street (default 1)
 *   LINLI_SCALE_TIMEOUT_S=60   time limit of each measurement; one that overruns is reported as "> 60 s"
 *   LINLI_SCALE_CACHE=<dir>    where built streets are kept (default: <tmp>/linli-scale)
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { scheduleTable } from '../../../src/jobs/schedule.js';
import { ADMIN_TOKEN } from './constants.js';
import { cachedStreet, copyStreet, type StreetManifest, TIME_ZONE } from './street.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url));
const scale = Number(process.env.LINLI_SCALE ?? 1);
const limitS = Number(process.env.LINLI_SCALE_TIMEOUT_S ?? 60);
const log = (text: string) => process.stderr.write(`${text}\n`);

type Result = { ok: true; value: Record<string, any> } | { ok: false; why: string };

/** Starts the server as `npm start` does and waits for its "job scheduler started" line; then its idle memory. */
async function startUp(db: string): Promise<{ readyMs: number; rssMb: number } | { error: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'linli-scale-start-'));
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--db', db, '--port', '0', '--no-seed'], {
    cwd: ROOT,
    env: { ...process.env, LINLI_ADMIN_TOKEN: ADMIN_TOKEN, LINLI_TZ: TIME_ZONE, LINLI_LOG_LEVEL: 'info', LINLI_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`> ${limitS} s`)), limitS * 1000);
      child.stderr.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        if (said.includes('job scheduler started')) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code}: ${said.slice(-500)}`));
      });
    });
    // Idle: started, nothing to do but its timers.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
    return { readyMs, rssMb };
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Runs the measurements in probe processes, one after another; a measurement that overruns the limit is
 * killed with its process, and the rest go on in a new one.
 */
async function probe(db: string, manifestFile: string, ids: string[]): Promise<Map<string, Result>> {
  const results = new Map<string, Result>();
  let rest = [...ids];
  while (rest.length) {
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE, db, manifestFile, ...rest], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let current: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (id: string) => {
      clearTimeout(timer);
      current = id;
      log(`  ${id} …`);
      timer = setTimeout(() => {
        results.set(id, { ok: false, why: `> ${limitS} s` });
        log(`  ${id}: over ${limitS} s, stopped`);
        child.kill('SIGKILL');
      }, limitS * 1000);
    };
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let parsed: Record<string, any>;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      if (typeof parsed.start === 'string') return arm(parsed.start);
      clearTimeout(timer);
      const { id, error, ...value } = parsed;
      results.set(id, error ? { ok: false, why: `error: ${error}` } : { ok: true, value });
      current = undefined;
    });
    await new Promise((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    if (current && !results.has(current)) results.set(current, { ok: false, why: 'the probe died' });
    rest = rest.filter((id) => !results.has(id));
  }
  return results;
}

// -- the table ----------------------------------------------------------------------------------------------

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : v >= 10 ? `${v.toFixed(0)} ms` : `${v.toFixed(2)} ms`);
const rows: string[][] = [];
const row = (what: string, value: string, target: string, pass: boolean | null) => rows.push([what, value, target, pass === null ? '' : pass ? '✅' : '❌']);

async function main() {
  log(`street at scale ${scale}: building or finding it in the cache …`);
  const t = performance.now();
  const { file, manifestFile, manifest, built } = cachedStreet(scale, (what) => log(`  ${((performance.now() - t) / 1000).toFixed(0)} s ${what}`));
  const buildS = (performance.now() - t) / 1000;
  log(built ? `built in ${buildS.toFixed(0)} s: ${file}` : `cached: ${file}`);

  const work = mkdtempSync(join(tmpdir(), 'linli-scale-run-'));
  try {
    const db = copyStreet(file, join(work, 'street.db'));
    log('start-up …');
    const start = await startUp(db);
    const empty = await startUp(join(work, 'empty.db'));

    const jobs = scheduleTable();
    const ids = [
      'points',
      ...['grid', 'community', 'street'].flatMap((scope) => [`tickets:${scope}:first`, `tickets:${scope}:deep`]),
      ...jobs.map((j) => `job:${j.name}`),
      'report',
    ];
    log('measurements …');
    const results = await probe(db, manifestFile, ids);

    if ('error' in start) row('start-up to ready (`npm start` on the street)', start.error, '< 3 s', false);
    else {
      row('start-up to ready (`npm start` on the street: open, quick_check, migrate, HTTP, jobs)', ms(start.readyMs), '< 3 s', start.readyMs < 3000);
    }
    if (!('error' in empty)) row('start-up to ready on an empty database (reference)', ms(empty.readyMs), '', null);
    if (!('error' in start)) row('idle memory of the server (RSS 5 s after ready)', `${start.rssMb.toFixed(0)} MB`, '< 120 MB', start.rssMb < 120);

    const got = (id: string, show: (v: Record<string, any>) => [string, boolean | null], what: string, target: string) => {
      const r = results.get(id);
      if (!r?.ok) return row(what, r?.why ?? 'not run', target, target ? false : null);
      const [value, pass] = show(r.value);
      row(what, value, target, pass);
    };
    got('points', (v) => [`p99 ${ms(v.p99)} (median ${ms(v.median)}, n ${v.n})`, v.p99 < 2], '积分 through the chat core', 'p99 < 2 ms');
    for (const scope of ['grid', 'community', 'street']) {
      for (const page of ['first', 'deep']) {
        got(
          `tickets:${scope}:${page}`,
          (v) => [`${ms(v.median)} (p99 ${ms(v.p99)}, n ${v.n}${page === 'deep' ? `, from #${v.position}` : ''})`, v.p99 < 50],
          `GET /api/v1/tickets?unitId=<${scope}>, ${page} page of 50`,
          '< 50 ms',
        );
      }
    }
    const REPORTS = new Set(['monthly-reminder', 'quarterly-dispatch', 'annual-review']);
    for (const j of jobs) {
      const report = REPORTS.has(j.name);
      got(`job:${j.name}`, (v) => [`${ms(v.ms)} (${v.detail})`, report ? v.ms < 1000 : null], `job ${j.name} (${j.cron})`, report ? '< 1 s' : '');
    }
    got(
      'report',
      (v) => {
        const share = v.busyPerSecond / v.quietPerSecond;
        return [
          `${v.busyPerSecond.toFixed(0)}/s with ${v.busyOpen} open vs ${v.quietPerSecond.toFixed(0)}/s with ${v.quietOpen} open: ${(share * 100).toFixed(0)}%` +
            ` (tickets made ${v.busyCreated} / ${v.quietCreated} of ${v.reports} each)`,
          share >= 0.9,
        ];
      },
      '报事 into a grid with 1,500 open tickets vs into a quiet grid',
      'as fast (≥ 90%)',
    );

    printReport(manifest, buildS, built);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function printReport(manifest: StreetManifest, buildS: number, built: boolean) {
  const c = manifest.counts;
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    } catch {
      return '?';
    }
  })();
  const n = (v: number) => v.toLocaleString('en-US');
  const lines = [
    '',
    `Street scale, LINLI_SCALE=${scale} (builder v${manifest.version}${built ? `, built in ${buildS.toFixed(0)} s` : ', cached'}), ` +
      `${new Date().toISOString().slice(0, 10)}, commit ${commit}, node ${process.version}, ${cpus().length} cores`,
    `${manifest.size.grids} grids, ${n(c.members)} members, ${n(c.tickets)} tickets (${Object.entries(manifest.byStatus)
      .map(([s, k]) => `${n(k)} ${s}`)
      .join(', ')}), ${n(c.ticketEvents)} ticket events, ${n(c.audit)} audit entries,`,
    `${n(c.ledgerLegs)} ledger legs in ${n(c.ledgerTransactions)} transactions, ${n(c.tasks)} tasks, ${n(c.patrols)} patrols; now = ${manifest.asOf}`,
    '',
    '| what | measured | target | |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

await main();
