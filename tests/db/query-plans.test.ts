import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Step, planWorkload, type Workload } from '../helpers/plan-workload.js';
import { outline, planFaults, queryPlan } from '../helpers/plans.js';

/**
 * The reports, lists, sweeps and reconcile, run for real (jobs through the job runner, lists through the
 * HTTP app) on a seeded street after ANALYZE: every statement they run is planned with EXPLAIN QUERY PLAN,
 * and none may read tickets, ticket_events, ledger_legs or audit_log whole, nor sort a subtree to give a
 * page. Plans, not timings: a plan that is right on a few thousand rows stays right on a street's years.
 */

/**
 * Known and left for now: a token for part of the tree pages the audit log newest first, keeping the rows
 * about its subtree (an OR of the targets of nine kinds), so a page reads about (page size / the
 * subtree's share of the log) rows. Named here so the rest stays strict; see docs/performance.md.
 */
const KNOWN = new Set(['GET /audit for a community token, first page']);

let workload: Workload;
beforeAll(async () => {
  workload = await planWorkload();
}, 120_000);
afterAll(() => workload.services.db.$client.close());

function faultsOf(step: Step): string[] {
  return step.ran.flatMap((ran) => {
    const plan = queryPlan(workload.services.db, ran);
    const faults = planFaults(ran, plan, step.subtree);
    return faults.length
      ? [`${ran.sql.replace(/\s+/g, ' ').slice(0, 240)}\n${outline(plan)}\n=> ${faults.map((f) => `${f.why}: ${f.detail}`).join('; ')}`]
      : [];
  });
}

describe('query plans at street scale', () => {
  it('cover every kind of step', () => {
    const names = workload.steps.map((s) => s.name);
    for (const expected of [
      'GET /tickets at grid scope, first page',
      'GET /tickets at community scope, page 20',
      'GET /tickets at street scope, page 20',
      'GET /tickets?status=open at street scope, page 3',
      'GET /reports/tickets at street scope',
      'GET /audit, page 5',
      'GET /members/{id}/ledger',
      '工单 of a grid worker',
      'job sla-sweep',
      'job ticket-autoclose',
      'job reconcile',
      'job monthly-reminder',
      'job quarterly-dispatch',
      'job annual-review',
    ]) {
      expect(names).toContain(expected);
    }
    // Each step ran the statements it is judged by, and the jobs did work on the seeded street.
    for (const step of workload.steps) expect(step.ran.length, step.name).toBeGreaterThan(0);
  });

  it('read no growing table whole and sort no subtree for a page', () => {
    const found = workload.steps.filter((s) => !KNOWN.has(s.name)).flatMap((step) => faultsOf(step).map((f) => `${step.name}:\n${f}`));
    expect(found, found.join('\n\n')).toEqual([]);
  });

  it.each([...KNOWN])('%s: still as documented', (name) => {
    const step = workload.steps.find((s) => s.name === name)!;
    expect(faultsOf(step).length).toBeGreaterThan(0);
  });
});
