import { reconcile } from '../domain/ledger/reconcile.js';
import { say } from '../domain/notice.js';
import { notifyTopStaff } from '../domain/notify.js';
import type { JobDef } from './job.js';

/** Recomputes every balance and stock from the records; a mismatch goes to the street staff room and the log. */
export const reconcileJob: JobDef = {
  name: 'reconcile',
  cron: '0 3 * * *',
  description: 'Ledger balances and stock recomputed from their records; mismatches reported',
  catchUp: true,
  run(ctx) {
    const report = reconcile(ctx.db);
    if (report.ok) {
      return `ok: ${report.checked.accounts} accounts, ${report.checked.transactions} transactions, ${report.checked.rewards} rewards`;
    }
    const parts = {
      balances: report.accounts.length,
      unbalanced: report.unbalanced.length,
      negative: report.negative.length,
      stock: report.stock.length,
      escrow: report.escrow ? 1 : 0,
    };
    const count = Object.values(parts).reduce((a, b) => a + b, 0);
    const details = Object.entries(parts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    ctx.log.error('ledger reconciliation found mismatches', { ...parts, accounts: report.accounts.slice(0, 10), stock: report.stock.slice(0, 10) });
    notifyTopStaff(ctx, say('reconcile.mismatch', { count, details }), 'job:reconcile');
    return `mismatches: ${details}`;
  },
};
