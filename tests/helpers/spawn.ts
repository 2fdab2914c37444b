import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point of the project with tsx, feeding `input` on stdin. */
export function runScript(
  script: string,
  args: string[],
  options: { input?: string; env?: Record<string, string> /** Leave stdout unread this long (or until exit): a slow reader. */; slowReaderMs?: number } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [script, ...args], {
      cwd: ROOT,
      env: { ...process.env, LINLI_LOG_LEVEL: 'warn', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    if (options.slowReaderMs !== undefined) {
      child.stdout.pause();
      const resume = setTimeout(() => child.stdout.resume(), options.slowReaderMs);
      child.on('exit', () => {
        clearTimeout(resume);
        child.stdout.resume();
      });
    }
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { room: string; text: string });

/** A worker process of a race test: it says `ready`, waits for `go` on stdin, then prints one JSON line. */
export interface RaceWorker<R> {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; result: R | undefined; stderr: string }>;
}

/** Starts `script` (a race test's worker) with `args`; several started together race once each is told `go()`. */
export function raceWorker<R = any>(script: string, args: string[]): RaceWorker<R> {
  const child = spawn(TSX, [script, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Awaited<RaceWorker<R>['done']>>((resolve) =>
    child.on('close', (code, signal) => {
      markReady(); // a worker that died before it was ready: the test sees why in `done`
      const line = stdout.split('\n').filter(Boolean)[1];
      resolve({ code, signal, result: line ? (JSON.parse(line) as R) : undefined, stderr });
    }),
  );
  return { ready, go: () => child.stdin.end('go\n'), done };
}
