import { type ChildProcess, fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { percentile } from './measure.js';
import type { Memory, ServerMessage } from './servers/probe.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A server of the HTTP rows in its own process: Linli's (`servers/linli.ts`) or the bare Hono reference. */
export interface BenchServer {
  url: string;
  pid: number;
  /** CPU time the server process has used so far. */
  cpuMs(): Promise<number>;
  /** Its memory after a full GC. */
  memory(): Promise<Memory>;
  /** What it wrote to stderr (its log), for when something went wrong. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts `tests/bench/servers/<name>.ts` as `npm start` runs Linli (node --import tsx), with --expose-gc. */
export function startServer(name: 'linli' | 'bare-hono', args: string[]): Promise<BenchServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL(`./servers/${name}.ts`, import.meta.url)), args, {
    cwd: ROOT,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, LINLI_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const waiting: ((message: ServerMessage) => void)[] = [];
  const ask = (probe: 'cpu' | 'memory') =>
    new Promise<ServerMessage>((resolve) => {
      waiting.push(resolve);
      child.send(probe);
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} server exited (${code}) before it was ready:\n${log}`)));
    child.on('message', (message: ServerMessage) => {
      if ('ready' in message) {
        resolve({
          url: message.ready,
          pid: child.pid!,
          cpuMs: async () => ((await ask('cpu')) as { cpuMs: number }).cpuMs,
          memory: async () => ((await ask('memory')) as { memory: Memory }).memory,
          log: () => log,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.send('stop');
            }),
        });
      } else waiting.shift()?.(message);
    });
  });
}

export interface LoadRound {
  requests: number;
  /** Responses that were not 200 with the expected body length, and requests that failed. */
  errors: number;
  ms: number;
  latencies: number[];
}

export interface LoadOptions {
  /** How long to keep the connections busy. */
  ms: number;
  /** Keep-alive connections, each with one request in flight at a time. */
  connections: number;
  headers?: Record<string, string>;
  /** The body's length in bytes, when known: any other answer counts as an error. */
  expectBytes?: number;
  /** At least this many requests, however long they take (the harness's own test runs a handful). */
  minRequests?: number;
}

/** A plain load loop: `connections` keep-alive connections, each sending GET `path` as soon as the last answer is read. */
export async function load(url: string, path: string, options: LoadOptions): Promise<LoadRound> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(path, url);
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  const minRequests = options.minRequests ?? 0;
  const get = () =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      const req = request(target, { agent, headers: options.headers ?? {} }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => {
          latencies.push(performance.now() - sent);
          if (res.statusCode !== 200 || (options.expectBytes !== undefined && bytes !== options.expectBytes)) errors++;
          resolve();
        });
        res.on('error', () => {
          errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const start = performance.now();
  const until = start + options.ms;
  const worker = async () => {
    while (started < minRequests || performance.now() < until) {
      started++;
      await get();
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const ms = performance.now() - start;
  agent.destroy();
  return { requests: latencies.length, errors, ms, latencies };
}

export const p99 = (round: LoadRound) => percentile(round.latencies, 0.99);

/** GETs `path` once: status and body, as the load loop's client sees them. */
export async function fetchBody(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(new URL(path, url), { headers });
  return { status: response.status, body: await response.text() };
}
