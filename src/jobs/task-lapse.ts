import { lapseCompletions, nextLapseWork } from '../domain/timebank/lapse.js';
import type { JobDef } from './job.js';

/** Reported hours left unconfirmed for a week lapse; the volunteer and the unit's staff are told. */
export const taskLapse: JobDef = {
  name: 'task-lapse',
  cron: '15 * * * *',
  description: 'Lapse service hours unconfirmed after 7 days; tell the volunteer and staff',
  catchUp: true,
  nextWork: (deps) => nextLapseWork(deps),
  run(ctx) {
    return `lapsed ${lapseCompletions(ctx, ctx.scheduledFor)} reports`;
  },
};
