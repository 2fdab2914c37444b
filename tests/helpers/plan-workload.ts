import { SimulatedClock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { systemActor } from '../../src/domain/context.js';
import { ticketsCoveredBy } from '../../src/domain/tickets/listing.js';
import { createToken } from '../../src/domain/tokens.js';
import { createHttpApp } from '../../src/http/app.js';
import type { Services } from '../../src/services.js';
import { type Ran, statementsRun } from './plans.js';
import { testServices } from './services.js';
import { type Street, seedStreet, SMALL_STREET, type StreetSize } from './street.js';

const ROOT = 'root-admin-token-for-query-plans-0123456789';

/** One thing an operator or a job does, and the statements it ran. */
export interface Step {
  name: string;
  /** Lists and reports over a subtree: a temp B-tree sort there sorts the subtree. */
  subtree: boolean;
  ran: Ran[];
}

export interface Workload {
  services: Services;
  street: Street;
  steps: Step[];
}

/**
 * Seeds a street, runs ANALYZE, then runs the reports, lists, sweeps and reconcile through the real jobs,
 * routes and domain functions, recording each one's statements.
 */
export async function planWorkload(size: StreetSize = SMALL_STREET, options: { db?: Db; analyze?: boolean } = {}): Promise<Workload> {
  const clock = new SimulatedClock(size.end);
  const services = testServices({ clock, env: { LINLI_ADMIN_TOKEN: ROOT }, ...(options.db ? { db: options.db } : {}) });
  const street = seedStreet(services.db, size);
  if (options.analyze !== false) services.db.$client.exec('ANALYZE');
  const app = createHttpApp(services);
  const system = { ...services.deps, actor: systemActor('query-plans') };
  const communityToken = createToken(system, { role: 'admin', unitId: street.communityIds[0]!, merchantId: null, label: 'community' }).secret;
  const steps: Step[] = [];
  const step = async (name: string, subtree: boolean, fn: () => unknown) => steps.push({ name, subtree, ran: await statementsRun(services.db, fn) });
  const get = async (path: string, token = ROOT) => {
    const response = await app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { nextCursor?: string | null };
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  /** The first page, then the page after `deep` pages. */
  const pages = async (label: string, path: string, token = ROOT, deep = 20, subtree = true) => {
    let cursor: string | null | undefined;
    await step(`${label}, first page`, subtree, async () => {
      cursor = (await get(path, token)).nextCursor;
    });
    for (let i = 1; i < deep && cursor; i++) cursor = (await get(`${path}&cursor=${cursor}`, token)).nextCursor;
    if (cursor) await step(`${label}, page ${deep}`, subtree, () => get(`${path}&cursor=${cursor}`, token));
  };
  const grid = street.gridIds[0]!;
  const community = street.communityIds[0]!;
  for (const [scope, unitId] of [
    ['grid', grid],
    ['community', community],
    ['street', street.streetId],
  ] as const) {
    await pages(`GET /tickets at ${scope} scope`, `/tickets?unitId=${unitId}&limit=20`);
    await pages(`GET /tickets?status=open at ${scope} scope`, `/tickets?unitId=${unitId}&status=open&limit=20`, ROOT, 3);
    await step(`GET /reports/tickets at ${scope} scope`, true, () =>
      get(`/reports/tickets?unitId=${unitId}&from=${new Date(size.end.getTime() - 60 * 86_400_000).toISOString()}&to=${size.end.toISOString()}`),
    );
  }
  await pages('GET /audit for a community token', '/audit?limit=20', communityToken, 5);
  await pages('GET /audit', '/audit?limit=20', ROOT, 5, false);
  await step('GET /members/{id}/ledger', false, () => get(`/members/${street.gridStaffId}/ledger?limit=20`));
  await step('工单 of a grid worker', true, () => ticketsCoveredBy(services.db, street.gridStaffId));

  const at = size.end;
  const run = (job: string) => {
    const outcome = services.jobs.run(job, at, 'manual');
    if (outcome.status === 'ok' && outcome.run.outcome !== 'ok') throw new Error(`${job}: ${outcome.run.detail}`);
  };
  for (const job of ['sla-sweep', 'ticket-autoclose', 'patrol-check', 'night-patrol-check', 'reconcile', 'housekeeping']) {
    await step(`job ${job}`, false, () => run(job));
  }
  for (const job of ['monthly-reminder', 'quarterly-dispatch', 'annual-review']) await step(`job ${job}`, true, () => run(job));
  await step('next SLA and auto-close work', false, () => {
    services.jobs.job('sla-sweep').nextWork!(services.deps, at);
    services.jobs.job('ticket-autoclose').nextWork!(services.deps, at);
  });
  return { services, street, steps };
}
