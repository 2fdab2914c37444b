import type { Table, Value } from './index.js';
import { plural } from './plural.js';

export const patrolMessages = {
  'help.patrol': { zh: '巡查 [备注] — 登记一次网格巡查（可随后发照片）', en: '/patrol [note] — log a patrol of your grid (photos may follow)' },
  'help.patrols': { zh: '巡查记录 — 本周的巡查记录', en: "/patrols — this week's patrols" },
  'patrol.staffOnly': { zh: '只有网格员和社区工作人员可以登记巡查。', en: 'Only grid workers and community staff can log patrols.' },
  'patrol.logged': {
    zh: '✅ 已登记 {unit} 的{kind}（{time}），本周第 {count} 次。有照片的话，2 分钟内发到这里会附在这次巡查上。',
    en: '✅ Logged a {kind} of {unit} ({time}), number {count} this week. Photos sent here within 2 minutes are attached to it.',
  },
  'patrol.kind.day': { zh: '巡查', en: 'patrol' },
  'patrol.kind.night': { zh: '夜巡', en: 'night patrol' },
  'patrol.photosAdded': {
    zh: '📷 已把 {count} 张照片附到 {time} 的巡查上。',
    en: (p: { count: Value; time: Value }) => `📷 Attached ${plural(p.count, 'photo')} to the patrol of ${p.time}.`,
  },
  'patrol.week.header': { zh: '📋 本周巡查（{from} 起）：', en: '📋 Patrols this week (since {from}):' },
  'patrol.week.line': { zh: '· {time} {unit} {member}{night}{note}{photos}', en: '· {time} {unit} {member}{night}{note}{photos}' },
  'patrol.week.night': { zh: '（夜巡）', en: ' (night)' },
  'patrol.week.photos': { zh: ' 📷{count}', en: ' 📷{count}' },
  'patrol.week.none': { zh: '本周还没有巡查记录。发送「巡查」登记一次。', en: 'No patrols this week yet. Send /patrol to log one.' },
  'patrol.week.total': { zh: '共 {count} 次，其中夜巡 {nights} 次。', en: '{count} in all, {nights} at night.' },
  'patrol.reminder': {
    zh: '⏰ 巡查提醒：{unit} 该巡查了（一日双巡）。巡查后发送「巡查 [备注]」登记。',
    en: '⏰ Patrol reminder: time to patrol {unit}. Send "/patrol [note]" afterwards to log it.',
  },
  'patrol.nightReminder': {
    zh: '🌙 夜巡提醒：本周的夜巡请安排上（每周夜巡），{unit} 夜巡后发送「巡查 [备注]」登记。',
    en: '🌙 Night patrol reminder: this week\'s night patrol for {unit}; send "/patrol [note]" afterwards.',
  },
  'patrol.missed': {
    zh: '⚠️ 巡查提醒：{grids} 在 {from} 至 {to} 没有登记巡查。',
    en: '⚠️ No patrol logged by {grids} between {from} and {to}.',
  },
  'patrol.nightMissed': {
    zh: '⚠️ 夜巡提醒：{grids} 本周（{from} 至 {to}）没有登记夜巡。',
    en: '⚠️ No night patrol logged this week ({from} to {to}) by {grids}.',
  },
} as const satisfies Table;
