import { expireVouchers } from '../domain/rewards/expire.js';
import type { JobDef } from './job.js';

/** Expired vouchers give their points back to the holder and one back to stock; the holder is told. */
export const voucherExpiry: JobDef = {
  name: 'voucher-expiry',
  cron: '10 0 * * *',
  description: 'Expire vouchers past their date: points back to the holder, one back to stock',
  catchUp: true,
  run(ctx) {
    return `expired ${expireVouchers(ctx, ctx.scheduledFor)} vouchers`;
  },
};
