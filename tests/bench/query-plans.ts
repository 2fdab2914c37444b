/**
 * The query plans of the reports, lists, sweeps and reconcile on a seeded street, with each step's
 * statement count and CPU time, and every plan that scans a growing table or sorts a subtree:
 *
 *   node --import tsx tests/bench/query-plans.ts [tickets] [--plans]   (default 3,000 tickets)
 *
 * Seeds an in-memory database (tests/helpers/street.ts), runs ANALYZE, then the real jobs and routes.
 */
import { planWorkload } from '../helpers/plan-workload.js';
import { outline, planFaults, queryPlan } from '../helpers/plans.js';
import { SMALL_STREET } from '../helpers/street.js';

const tickets = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? SMALL_STREET.tickets);
const showPlans = process.argv.includes('--plans');
const scale = tickets / SMALL_STREET.tickets;
// A street's shape: 10 communities of 13 grids.
const size = {
  ...SMALL_STREET,
  communities: 10,
  gridsPerCommunity: 13,
  tickets,
  transactions: Math.round(SMALL_STREET.transactions * scale),
  audit: Math.round(SMALL_STREET.audit * scale),
  patrols: Math.round(SMALL_STREET.patrols * scale),
  members: Math.max(SMALL_STREET.members, Math.round(tickets / 10)),
};
const seeded = process.cpuUsage();
const { services, steps } = await planWorkload(size);
console.log(`seeded ${tickets} tickets and ran the workload in ${(process.cpuUsage(seeded).user / 1000).toFixed(0)} ms CPU`);
for (const step of steps) {
  const faults = step.ran.flatMap((ran) => {
    const plan = queryPlan(services.db, ran);
    const found = planFaults(ran, plan, step.subtree);
    return found.length || showPlans ? [{ ran, plan, found }] : [];
  });
  // Re-run each statement alone to time it: CPU of the reads, not of the HTTP layer.
  const cpu = process.cpuUsage();
  for (const ran of step.ran) if (/^\s*(select|with)/i.test(ran.sql)) services.db.$client.prepare(ran.sql).all(...(ran.params as unknown[]));
  const ms = process.cpuUsage(cpu).user / 1000;
  console.log(
    `\n${step.name}: ${step.ran.length} statements, ${ms.toFixed(1)} ms CPU to rerun its reads, ${faults.filter((f) => f.found.length).length} bad plans`,
  );
  for (const { ran, plan, found } of faults) {
    console.log(`  ${ran.sql.replace(/\s+/g, ' ').slice(0, 300)}`);
    console.log(outline(plan).replace(/^/gm, '    '));
    for (const f of found) console.log(`    !! ${f.why}: ${f.detail}`);
  }
}
