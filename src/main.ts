import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import type { WechatPuppet } from '../bots/wechat/adapter.js';
import type { Clock } from './clock.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createHttpApp } from './http/app.js';
import { CronScheduler } from './jobs/scheduler.js';
import { createLogger, type Logger } from './log.js';
import { createServices, type Services } from './services.js';

export interface StartOptions {
  /** SQLite file; overrides LINLI_DB. */
  db?: string;
  /** HTTP port; 0 picks any free port, false runs no HTTP server. Overrides PORT. */
  port?: number | false;
  /** Seed the demo neighbourhood when the database is empty. Overrides LINLI_SEED. */
  seed?: boolean;
  /** Root admin token. Overrides LINLI_ADMIN_TOKEN. */
  adminToken?: string;
  /** A wechaty puppet instance: enables WeChat with it, whatever LINLI_WECHAT says. */
  wechatPuppet?: WechatPuppet;
  /** Environment to read instead of process.env. */
  env?: Record<string, string | undefined>;
  clock?: Clock;
  log?: Logger;
}

export interface Running {
  /** Base URL of the HTTP server, or null when there is none. */
  url: string | null;
  services: Services;
  stop(): Promise<void>;
}

/** Starts everything `npm start` starts: database, HTTP API, chat adapters, outbox dispatcher, jobs. */
export async function startLinli(options: StartOptions = {}): Promise<Running> {
  const base = loadConfig(options.env ?? process.env);
  const config: Config = {
    ...base,
    dbFile: options.db ?? base.dbFile,
    port: options.port === false ? base.port : (options.port ?? base.port),
    seed: options.seed ?? base.seed,
    adminToken: options.adminToken ?? base.adminToken,
  };
  const log = options.log ?? createLogger(config.logLevel);
  const services = createServices({ config, log, ...(options.clock ? { clock: options.clock } : {}) });
  const stops: (() => Promise<void>)[] = [];
  log.info('database ready', { file: config.dbFile, seeded: services.seeded });

  let url: string | null = null;
  try {
    if (options.port !== false) {
      const app = createHttpApp(services);
      const server = await listen(app.fetch, config.port);
      const { port } = server.address() as AddressInfo;
      url = `http://127.0.0.1:${port}`;
      stops.push(() => closeServer(server));
      log.info('http server listening', { url });
    }

    const adapters: string[] = [];
    if (options.wechatPuppet || config.wechat.enabled) {
      // wechaty is large: loaded only when WeChat is on.
      const { createWechatAdapter } = await import('../bots/wechat/adapter.js');
      const wechat = createWechatAdapter(services, { puppet: options.wechatPuppet ?? config.wechat.puppet });
      stops.push(() => wechat.stop());
      await wechat.start();
      adapters.push('wechat');
    }
    if (!adapters.length) {
      log.info('no chat platform configured: set TELEGRAM_BOT_TOKEN or LINLI_WECHAT=on, or try `npm run chat`');
    }

    services.dispatcher.start();
    stops.push(() => services.dispatcher.stop());
    log.info('outbox dispatcher started', { platforms: services.dispatcher.platforms });

    const scheduler = new CronScheduler(services.jobs, () => void services.dispatcher.tick());
    const caughtUp = await scheduler.start();
    stops.push(() => scheduler.stop());
    log.info('job scheduler started', { jobs: services.jobs.names.length, timeZone: config.timeZone, caughtUp: caughtUp.length });
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await services.close();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    services,
    stop() {
      stopping ??= (async () => {
        for (const stop of stops.reverse()) {
          await stop().catch((error) => log.error('while stopping', { error }));
        }
        await services.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '0.0.0.0' }, () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive connections would hold close() open.
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

async function main() {
  let running: Running | undefined;
  // A signal during start-up (WeChat can take a while to connect) stops Linli once it has started.
  let signalled: string | undefined;
  const shutdown = (signal: string) => {
    if (!running) {
      signalled = signal;
      return;
    }
    running.services.log.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // A chat platform library failing in a callback must not take the HTTP API and the other platforms down.
  process.on('unhandledRejection', (reason) => {
    (running?.services.log ?? createLogger()).error('unhandled rejection', {
      error: reason instanceof Error ? reason.message : String(reason),
      stack: reason instanceof Error ? reason.stack?.split('\n').slice(0, 4).join(' | ') : undefined,
    });
  });
  try {
    running = await startLinli();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (signalled) shutdown(signalled);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
