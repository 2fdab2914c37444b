import type { Table } from './index.js';

export const jobMessages = {
  'job.notFound': { zh: '没有名为 {name} 的定时任务。', en: 'There is no scheduled job called {name}.' },
  'job.badCron': { zh: 'cron 表达式有误：{problem}', en: 'Invalid cron expression: {problem}' },
} as const satisfies Table;
