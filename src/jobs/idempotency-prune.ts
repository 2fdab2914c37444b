import { lt } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema/index.js';
import { IDEMPOTENCY_TTL_MS } from '../domain/idempotency.js';
import type { JobDef } from './job.js';

/** Forgets Idempotency-Keys past their 24 hours; a retry after that is a new request. */
export const idempotencyPrune: JobDef = {
  name: 'idempotency-prune',
  cron: '50 3 * * *',
  description: 'Forget API idempotency keys older than 24 hours',
  catchUp: true,
  run(ctx) {
    const before = new Date(ctx.scheduledFor.getTime() - IDEMPOTENCY_TTL_MS);
    const removed = ctx.db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).run().changes;
    return `removed ${removed} idempotency keys`;
  },
};
