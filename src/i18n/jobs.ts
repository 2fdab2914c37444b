import type { Table } from './index.js';

export const jobMessages = {
  'job.notFound': { zh: '没有名为 {name} 的定时任务。', en: 'There is no scheduled job called {name}.' },
  'job.neverFires': {
    zh: 'cron 表达式「{cron}」在今后 {years} 年内一次也不会运行（日期和星期两个字段须同时满足，例如 2 月 29 日又是星期一）。请放宽日期或星期字段（用 *）。',
    en: 'The cron expression "{cron}" would not run even once in the next {years} years (day of month and day of week must both match, such as 29 February on a Monday). Loosen one of them (use *).',
  },
  'job.badCron': { zh: 'cron 表达式有误：{problem}', en: 'Invalid cron expression: {problem}' },
} as const satisfies Table;
