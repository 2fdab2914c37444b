import { type Clock, systemClock } from './clock.js';
import { ChatCore, type CoreDeps } from './chat/core.js';
import { OutboxDispatcher } from './chat/outbox.js';
import { renderNotice } from './chat/render/index.js';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/client.js';
import { seedDemoIfEmpty } from './domain/seed/demo.js';
import { JobRunner } from './jobs/runner.js';
import { scheduleTable } from './jobs/schedule.js';
import { createLogger, type Logger } from './log.js';

/** The long-lived parts every entry point shares: database, chat core, outbox. */
export interface Services {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  deps: CoreDeps;
  core: ChatCore;
  dispatcher: OutboxDispatcher;
  jobs: JobRunner;
  /** Whether the demo neighbourhood was seeded on this start. */
  seeded: boolean;
  close(): Promise<void>;
}

export interface ServiceOptions {
  config: Config;
  clock?: Clock;
  log?: Logger;
  /** Seed the demo neighbourhood when the database is empty (default: config.seed). */
  seed?: boolean;
  /** An already open database (tests). */
  db?: Db;
}

export function createServices(options: ServiceOptions): Services {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger(config.logLevel);
  const db = options.db ?? openDatabase(config.dbFile, { synchronous: config.synchronous });
  const deps: CoreDeps = {
    db,
    clock,
    log,
    settings: { lang: config.lang, timeZone: config.timeZone, dataDir: config.dataDir },
    render: renderNotice,
  };
  const seeded = (options.seed ?? config.seed) && seedDemoIfEmpty(deps);
  const core = new ChatCore(deps);
  const dispatcher = new OutboxDispatcher({ db, clock, log: log.child('outbox') }, { intervalMs: config.outboxIntervalMs });
  const jobs = new JobRunner(deps, scheduleTable());
  return {
    config,
    db,
    clock,
    log,
    deps,
    core,
    dispatcher,
    jobs,
    seeded,
    async close() {
      await dispatcher.stop();
      if (db.$client.open) db.$client.close();
    },
  };
}
