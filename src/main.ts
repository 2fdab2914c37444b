import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { createTelegramAdapter } from '../bots/telegram/adapter.js';
import type { WechatPuppet } from '../bots/wechat/adapter.js';
import type { ChatAdapter } from './chat/adapter.js';
import type { Clock } from './clock.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { ensureAdminToken } from './domain/tokens.js';
import { StoreError } from './errors.js';
import { createHttpApp, type Mount } from './http/app.js';
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
  /** Where the first admin token is shown (default: stderr). */
  announce?: (text: string) => void;
}

export interface Running {
  /** Base URL of the HTTP server, or null when there is none. */
  url: string | null;
  services: Services;
  /** The admin token created on this start (no LINLI_ADMIN_TOKEN and no active token), else undefined. */
  firstToken: string | undefined;
  /** Settles once every chat platform has connected or given up (each logs which). */
  connected: Promise<void>;
  stop(): Promise<void>;
}

/** Starts everything `npm start` starts: database, HTTP API, chat adapters, outbox dispatcher, jobs. */
export async function startLinli(options: StartOptions = {}): Promise<Running> {
  const env = options.env ?? process.env;
  // The database given as an option counts as LINLI_DB, so the data directory (photos, the WeChat session)
  // follows it unless LINLI_DATA_DIR says otherwise.
  // Options stand in for their variables and are checked the same way (an admin token of 32 characters or more).
  const base = loadConfig({
    ...env,
    ...(options.db !== undefined ? { LINLI_DB: options.db } : {}),
    ...(options.adminToken !== undefined ? { LINLI_ADMIN_TOKEN: options.adminToken } : {}),
  });
  const config: Config = {
    ...base,
    port: options.port === false ? base.port : (options.port ?? base.port),
    seed: options.seed ?? base.seed,
  };
  const log = options.log ?? createLogger(config.logLevel);
  const services = createServices({ config, log, ...(options.clock ? { clock: options.clock } : {}) });
  const stops: (() => Promise<void>)[] = [];
  log.info('database ready', { file: config.dbFile, seeded: services.seeded });

  let url: string | null = null;
  let firstToken: string | undefined;
  const connecting: Promise<void>[] = [];
  let stopping: Promise<void> | undefined;
  const stopped = () => stopping !== undefined;
  try {
    const adapters = await configuredAdapters(services, options);
    const mounts = adapters.flatMap((adapter) => (adapter.mount ? [adapter.mount] : []));
    if (mounts.length && options.port === false) {
      throw new ConfigError(['TELEGRAM_WEBHOOK_URL: webhook mode needs the HTTP server; unset it to use long polling']);
    }

    if (options.port !== false) {
      const app = createHttpApp(services, mounts);
      const server = await listen(app.fetch, config.port, config.host);
      const { port } = server.address() as AddressInfo;
      url = `http://${urlHost(config.host)}:${port}`;
      stops.push(() => closeServer(server));
      log.info('http server listening', { url });
      // Only once the server is up: a token made by a start that then failed would never be shown.
      firstToken = config.adminToken ? undefined : ensureAdminToken(services.deps);
      if (firstToken) (options.announce ?? announceOnStderr)(firstTokenBanner(firstToken, url));
    }

    services.dispatcher.start();
    stops.push(() => services.dispatcher.stop());
    log.info('outbox dispatcher started');

    const scheduler = new CronScheduler(services.jobs, () => void services.dispatcher.tick());
    const caughtUp = await scheduler.start();
    stops.push(() => scheduler.stop());
    log.info('job scheduler started', { jobs: services.jobs.names.length, timeZone: config.timeZone, caughtUp: caughtUp.length });

    // The chat platforms connect in the background: Telegram or WeChat out of reach (api.telegram.org is
    // blocked in places) must not keep the API, the jobs and the other platform from running, nor stop
    // Linli from shutting down. Their messages wait in the outbox until they are up.
    for (const adapter of adapters) {
      stops.push(() => adapter.stop());
      connecting.push(connect(log, adapter.platform, adapter.start(), () => adapter.describe?.() ?? {}, stopped));
    }
    if (!connecting.length) {
      log.info('no chat platform configured: set TELEGRAM_BOT_TOKEN or LINLI_WECHAT=on, or try `npm run chat`');
    }
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await services.close();
    throw error;
  }

  return {
    url,
    services,
    firstToken,
    connected: Promise.all(connecting).then(() => undefined),
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

/** A chat adapter as the composition root runs it: with the HTTP route it adds, if any (Telegram's webhook). */
type RunnableAdapter = ChatAdapter & { mount?: Mount | undefined };

/** The chat platforms the configuration turns on: Telegram when it has a token, WeChat when enabled or given a puppet. */
async function configuredAdapters(services: Services, options: StartOptions): Promise<RunnableAdapter[]> {
  const { config } = services;
  const adapters: RunnableAdapter[] = [];
  if (config.telegram) adapters.push(createTelegramAdapter(services, config.telegram));
  if (options.wechatPuppet || config.wechat.enabled) {
    // wechaty is large: loaded only when WeChat is on.
    const { createWechatAdapter } = await import('../bots/wechat/adapter.js');
    adapters.push(createWechatAdapter(services, { puppet: options.wechatPuppet ?? config.wechat.puppet }));
  }
  return adapters;
}

const SLOW_CONNECT_MS = 30_000;

/** Follows a platform's start in the background: logs when it is up, still trying, or failed for good. */
function connect(log: Logger, platform: string, starting: Promise<unknown>, details: () => Record<string, unknown>, stopped: () => boolean): Promise<void> {
  const slow = setTimeout(() => log.warn(`${platform} not connected yet; still trying`, { after: `${SLOW_CONNECT_MS / 1000}s` }), SLOW_CONNECT_MS);
  slow.unref();
  return starting.then(
    () => {
      clearTimeout(slow);
      log.info(`${platform} bot started`, details());
    },
    (error) => {
      clearTimeout(slow);
      if (stopped()) return log.info(`${platform} start abandoned: stopping`);
      log.error(`${platform} could not start; the rest of Linli runs on without it`, { error, hint: startHint(error) });
    },
  );
}

/** What to do about a platform that refused to start, where that is clear. */
function startHint(error: unknown): string | undefined {
  const code = (error as { error_code?: unknown }).error_code;
  if (code === 401 || code === 404) return 'Telegram refused TELEGRAM_BOT_TOKEN: copy the token again from @BotFather';
  return undefined;
}

/** Printed once, whatever the log level: the token is not stored and cannot be shown again. */
function firstTokenBanner(token: string, url: string): string {
  return [
    '',
    '================ LINLI ADMIN API TOKEN (shown once) ================',
    `  ${token}`,
    `  Keep it safe: only its hash is stored. Docs: ${url}/docs`,
    `  curl -H "Authorization: Bearer ${token}" ${url}/api/v1/units`,
    '  Set LINLI_ADMIN_TOKEN instead to choose your own; revoke this one with DELETE /api/v1/tokens/{id}.',
    '=====================================================================',
    '',
  ].join('\n');
}

const announceOnStderr = (text: string) => void process.stderr.write(text + '\n');

/** How to reach the server from this machine: any address (0.0.0.0, ::) includes the loopback one. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new ConfigError([`PORT: ${port} is already in use; stop what holds it, or set PORT to another port (0 picks a free one)`]));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new ConfigError([`HOST: ${hostname} is not an address of this machine; use 127.0.0.1, or 0.0.0.0 for every address`]));
      } else if (error.code === 'EACCES') {
        reject(new ConfigError([`PORT: ${port} needs privileges this process does not have; use a port above 1023`]));
      } else reject(error);
    });
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive connections would hold close() open.
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

const USAGE = `npm start [-- options]   (every setting is also an environment variable: see docs/configuration.md)

  --db <file>   the SQLite file (LINLI_DB)
  --port <n>    the HTTP port (PORT); 0 picks a free one
  --no-seed     do not seed the demo neighbourhood into an empty database (LINLI_SEED=off)
  -h, --help    this text`;

const parseStartArgs = (args: string[]) =>
  parseArgs({
    args,
    options: {
      db: { type: 'string' },
      port: { type: 'string' },
      'no-seed': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });

/** `npm start`'s flags, as start options; a wrong one is a ConfigError that says what is expected. */
export function startOptionsFromArgs(args: string[]): StartOptions | 'help' {
  let values: ReturnType<typeof parseStartArgs>['values'];
  try {
    ({ values } = parseStartArgs(args));
  } catch (error) {
    throw new ConfigError([`${(error as Error).message}; \`npm start -- --help\` lists the options`]);
  }
  if (values.help) return 'help';
  const options: StartOptions = {};
  if (values.db !== undefined) options.db = values.db;
  if (values['no-seed']) options.seed = false;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new ConfigError([`--port: expected a port number (0-65535), got "${values.port}"`]);
    options.port = port;
  }
  return options;
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
    const options = startOptionsFromArgs(process.argv.slice(2));
    if (options === 'help') {
      process.stdout.write(USAGE + '\n');
      return;
    }
    running = await startLinli(options);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StoreError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(error instanceof StoreError ? 1 : 2);
    }
    throw error;
  }
  if (signalled) shutdown(signalled);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
