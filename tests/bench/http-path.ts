/**
 * The API's read path against a bare Hono app serving the same bodies, in one run: both servers in this
 * process (so `node --cpu-prof --import tsx tests/bench/http-path.ts` profiles them), the load from a
 * child process over keep-alive connections, rounds interleaved. Prints requests a second and the server's
 * CPU time a request (this process's, which only serves), and Linli's share of the bare app's figure for
 * both. On a shared machine the CPU share is the steadier of the two.
 *
 *   node --import tsx tests/bench/http-path.ts [seconds a round = 3] [rounds = 3] [connections = 8]
 *
 * HTTP_PATH_ONLY=rewards measures only the paths that contain it.
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadConfig } from '../../src/config.js';
import { createToken } from '../../src/domain/tokens.js';
import { createHttpApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createServices } from '../../src/services.js';

const PATHS = ['/api/v1/rewards', '/api/v1/tickets?limit=50'] as const;

interface Round {
  port: number;
  path: string;
  token: string;
  seconds: number;
  connections: number;
}

/** The child: as many requests as it can over `connections` keep-alive connections, for `seconds`. */
async function load(round: Round): Promise<{ rps: number; requests: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: round.connections });
  const until = Date.now() + round.seconds * 1000;
  let done = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: round.port, path: round.path, agent, headers: { authorization: `Bearer ${round.token}` } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${round.path}: ${res.statusCode}`));
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: round.connections }, async () => {
      while (Date.now() < until) {
        await one();
        done++;
      }
    }),
  );
  agent.destroy();
  return { rps: done / round.seconds, requests: done };
}

if (process.argv[2] === '--child') {
  process.on('message', async (round: Round) => {
    process.send!(await load(round));
  });
} else {
  const [seconds = 3, rounds = 3, connections = 8] = process.argv.slice(2).map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'linli-http-path-'));
  const config = loadConfig({ LINLI_DB: join(dir, 'linli.db'), LINLI_DATA_DIR: dir, LINLI_SEED: 'on', LINLI_RATE_LIMIT: '100000000' });
  // The server's own logger at the level it runs with, writing nowhere.
  const services = createServices({ config, log: createLogger(config.logLevel, () => {}) });
  const system = { ...services.deps, actor: { kind: 'system', job: 'bench' } as const };
  const { secret } = createToken(system, { role: 'admin', unitId: null, label: 'bench' });
  // Enough open tickets for a full page of 50.
  for (let i = 0; (services.db.$client.prepare('SELECT count(*) AS n FROM tickets').pluck().get() as number) < 60; i++) {
    await services.core.handle({
      platform: 'shell',
      roomId: 'grid-1',
      roomName: 'g',
      isPrivate: false,
      senderId: 'jin',
      senderName: '金阿姨',
      messageId: `bench-${i}`,
      text: `报事 ${i} 号楼楼道灯不亮了，晚上看不见路`,
    });
  }
  const real = createHttpApp(services);
  const bare = new Hono();
  for (const path of PATHS) {
    const response = await real.request(path, { headers: { authorization: `Bearer ${secret}` } });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    const body = await response.text();
    bare.get(path.split('?')[0]!, (c) => c.body(body, 200, { 'content-type': 'application/json' }));
  }
  const listen = (fetch: Hono['fetch']) =>
    new Promise<ReturnType<typeof serve>>((resolve) => {
      const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server));
    });
  const realServer = await listen(real.fetch);
  const bareServer = await listen(bare.fetch);
  const port = (s: ReturnType<typeof serve>) => (s.address() as AddressInfo).port;
  const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'] });
  /** Requests a second, and this process's CPU microseconds a request. */
  const run = (round: Round) =>
    new Promise<{ rps: number; cpu: number }>((resolve) => {
      const before = process.cpuUsage();
      child.once('message', (done) => {
        const { rps, requests } = done as { rps: number; requests: number };
        const used = process.cpuUsage(before);
        resolve({ rps, cpu: (used.user + used.system) / requests });
      });
      child.send(round);
    });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const results: Record<string, { real: number[]; bare: number[]; realCpu: number[]; bareCpu: number[] }> = {};
  for (const server of [realServer, bareServer]) await run({ port: port(server), path: PATHS[0], token: secret, seconds: 1, connections }); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const path of PATHS.filter((p) => p.includes(process.env.HTTP_PATH_ONLY ?? ''))) {
      results[path] ??= { real: [], bare: [], realCpu: [], bareCpu: [] };
      const at = results[path];
      const real = await run({ port: port(realServer), path, token: secret, seconds, connections });
      const bare = await run({ port: port(bareServer), path, token: secret, seconds, connections });
      at.real.push(real.rps);
      at.realCpu.push(real.cpu);
      at.bare.push(bare.rps);
      at.bareCpu.push(bare.cpu);
    }
  }
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`.padStart(4);
  for (const [path, { real: r, bare: b, realCpu, bareCpu }] of Object.entries(results)) {
    console.log(
      `${path.padEnd(26)} Linli ${median(r).toFixed(0).padStart(6)} rps ${median(realCpu).toFixed(0).padStart(5)} µs CPU/req` +
        ` | bare Hono ${median(b).toFixed(0).padStart(6)} rps ${median(bareCpu).toFixed(0).padStart(5)} µs CPU/req` +
        ` | share: rps ${pct(median(r) / median(b))}, CPU ${pct(median(bareCpu) / median(realCpu))}`,
    );
  }
  child.kill();
  realServer.close();
  bareServer.close();
  await services.close();
}
