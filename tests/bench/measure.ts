/**
 * Measuring for the side-by-side benchmark: time-boxed rounds, interleaved between Linli and its
 * reference, reduced to medians. Wall-clock rates on a shared machine drift; what both sides met in the
 * same minute does not, so a row's share compares rounds run next to each other.
 */

/** One operation: a Linli message or request, or a reference loop's step. Sync steps are not awaited. */
export type Step = () => unknown;

export interface Round {
  ops: number;
  ms: number;
  /** CPU time of this process (user + system) over the round. */
  cpuMs: number;
}

/** Runs `step` again and again for at least `ms` (and `minOps` times), counting. */
export async function timedRound(step: Step, ms: number, minOps = 1): Promise<Round> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const until = start + ms;
  let ops = 0;
  while (ops < minOps || performance.now() < until) {
    const done = step();
    if (done instanceof Promise) await done;
    ops++;
  }
  const used = process.cpuUsage(cpu);
  return { ops, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

export const median = (values: readonly number[]): number => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The value below which `p` (0..1) of `values` lie, nearest rank. */
export const percentile = (values: readonly number[], p: number): number => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
};

/**
 * Runs `rounds` rounds of each side, alternating which goes first (L R, R L, ...) so that a machine
 * getting busier or quieter over the run weighs on both alike; one untimed warm-up round each first.
 */
export async function interleave<T>(rounds: number, linli: () => Promise<T>, reference: () => Promise<T>): Promise<{ linli: T[]; reference: T[] }> {
  await linli();
  await reference();
  const out = { linli: [] as T[], reference: [] as T[] };
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      out.linli.push(await linli());
      out.reference.push(await reference());
    } else {
      out.reference.push(await reference());
      out.linli.push(await linli());
    }
  }
  return out;
}

/** Median rate (per second) and CPU per operation of rounds. */
export function summarise(rounds: readonly Round[]): { rate: number; cpuMsEach: number } {
  return {
    rate: median(rounds.map((r) => (r.ops * 1000) / r.ms)),
    cpuMsEach: median(rounds.map((r) => r.cpuMs / r.ops)),
  };
}

/** One line of the printed table. */
export interface Row {
  what: string;
  linli: string;
  reference: string;
  /** Linli's rate as a share of the reference's (0..1); undefined where a share means nothing. */
  share: number | undefined;
  target: string;
  /** Whether the target is met. */
  met: boolean;
}

const thousands = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const rate = (n: number) => thousands.format(n);
export const ms = (n: number) => (n >= 10 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n >= 0.1 ? n.toFixed(2) : n.toFixed(3));
export const pct = (share: number) => (share >= 0.1 ? `${(share * 100).toFixed(0)}%` : `${(share * 100).toFixed(1)}%`);

/** The table as Markdown, to paste into docs/performance.md. */
export function table(rows: readonly Row[]): string {
  const lines = ['| what | Linli | reference | share | target |', '| --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    const share = row.share === undefined ? '—' : pct(row.share);
    lines.push(`| ${row.what} | ${row.linli} | ${row.reference} | ${share} | ${row.target} ${row.met ? '✓' : '✗'} |`);
  }
  return lines.join('\n');
}
