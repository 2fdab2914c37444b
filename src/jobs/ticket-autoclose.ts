import { autocloseUnrated, nextAutocloseWork } from '../domain/tickets/autoclose.js';
import type { JobDef } from './job.js';

/** Closes tickets resolved three days ago and still unrated. Caught up after downtime: closing must not be lost. */
export const ticketAutoclose: JobDef = {
  name: 'ticket-autoclose',
  cron: '0 * * * *',
  description: 'Close resolved tickets left unrated for 3 days',
  catchUp: true,
  nextWork: (deps) => nextAutocloseWork(deps),
  run(ctx) {
    return `closed ${autocloseUnrated(ctx, ctx.scheduledFor)} unrated tickets`;
  },
};
