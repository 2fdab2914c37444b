import type { Table, Value } from './index.js';
import { plural } from './plural.js';

/** The figures of one unit's row; `share` is null while no ticket was due yet. */
type Figures = { total: Value; share: Value | null; average: Value; hours: Value };

const pct = (p: { share: Value | null }) => (p.share === null || p.share === undefined ? '—' : `${Math.round(Number(p.share) * 100)}%`);
type TicketFigures = { total: Value; done: Value; open: Value; share: Value | null };
type Named = Figures & { name: Value };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** A grid's patrols in a ranking row; nothing for a unit without grid patrols. */
const patrolPart = (p: { patrols?: Value | null }) => (p.patrols ? ` · ${p.patrols}` : '');

export const reportMessages = {
  'report.monthly.title': { zh: '📊 {unit} · {period} 月报', en: '📊 {unit} · monthly report, {period}' },
  'report.quarterly.title': { zh: '🏁 {unit} · {period} 网格比学赶超', en: '🏁 {unit} · grids side by side, {period}' },
  'report.annual.title': { zh: '🏆 {unit} · {period} 年度评审', en: '🏆 {unit} · annual review, {period}' },
  'report.period.month': { zh: '{year}年{month}月', en: (p: { month: Value; year: Value }) => `${MONTHS[Number(p.month) - 1]} ${p.year}` },
  'report.period.quarter': { zh: '{year}年第{quarter}季度', en: 'Q{quarter} {year}' },
  'report.period.year': { zh: '{year}年', en: '{year}' },
  'report.top.tickets': {
    zh: (p: TicketFigures) => `① 工单 ${p.total} 件：办结 ${p.done}，在办 ${p.open}；按时办结 ${pct(p)}`,
    en: (p: TicketFigures) => `① ${plural(p.total, 'ticket')}: ${p.done} done, ${p.open} open; ${pct(p)} on time`,
  },
  'report.top.satisfaction': {
    zh: '② 满意度 {average} 分（评价 {rated} 件，未评 {unrated} 件）',
    en: '② Satisfaction {average} / 5 ({rated} rated, {unrated} unrated)',
  },
  'report.top.patrols': {
    zh: '③ 巡查 {done}/{expected} 个半天，夜巡 {nights}/{nightsExpected} 次',
    en: '③ Patrols: {done}/{expected} half-days, {nights}/{nightsExpected} night patrols',
  },
  'report.top.noPatrols': { zh: '③ 本级不设网格巡查', en: '③ No grid patrols at this level' },
  'report.line.take': { zh: '接单用时（中位）', en: 'Time to take (median)' },
  'report.line.resolve': { zh: '办结用时（中位）', en: 'Time to resolve (median)' },
  'report.line.escalations': { zh: '超时上报', en: 'Escalations' },
  'report.line.hours': { zh: '志愿服务', en: 'Volunteer service' },
  'report.hours': { zh: '{hours} 小时', en: '{hours} h' },
  'report.count': { zh: '{count} 次', en: '{count}' },
  'report.none': { zh: '—', en: '—' },
  'report.stillOpen.header': { zh: '仍未办结 {count} 件（最早的在前）：', en: '{count} still open (oldest first):' },
  'report.stillOpen.line': { zh: '· {ref} {text} · 已 {age}', en: '· {ref} {text} · {age} old' },
  'report.allDone': { zh: '✅ 目前没有未办结的工单。', en: '✅ No open tickets right now.' },
  'report.monthly.footer': { zh: '月提醒：请跟进未办结工单，按时巡查。', en: 'Monthly reminder: follow up open tickets; keep up the patrols.' },
  'report.quarterly.header': {
    zh: '名次 网格：按时办结 · 满意度 · 工单 · 服务时长 · 巡查（半天） · 夜巡（周）',
    en: 'Rank grid: on time · satisfaction · tickets · service · patrols (half-days) · night patrols (weeks)',
  },
  'report.quarterly.grid': { zh: '{rank}. {name}', en: '{rank}. {name}' },
  'report.quarterly.row': {
    zh: (p: Figures & { patrols: Value | null }) => `${pct(p)} · ${p.average} · ${p.total} 件 · ${p.hours} 小时${patrolPart(p)}`,
    en: (p: Figures & { patrols: Value | null }) => `${pct(p)} · ${p.average} · ${plural(p.total, 'ticket')} · ${p.hours} h${patrolPart(p)}`,
  },
  'report.quarterly.patrols': {
    zh: '巡查 {done}/{expected} · 夜巡 {nights}/{nightsExpected}',
    en: 'patrols {done}/{expected} · nights {nights}/{nightsExpected}',
  },
  'report.quarterly.best': { zh: '优者更优：{name} 本季度排名第一，望保持。', en: 'Best: {name} leads this quarter; keep it up.' },
  'report.quarterly.behind': { zh: '后进赶超：{name}（{reasons}）。', en: 'Catch up: {name} ({reasons}).' },
  'report.quarterly.allOnPace': { zh: '各网格都跟上了社区整体水平。', en: 'Every grid kept pace with the community.' },
  'report.shortfall.sla': { zh: '按时办结率低于社区', en: 'on-time share below the community' },
  'report.shortfall.satisfaction': { zh: '满意度低于社区', en: 'satisfaction below the community' },
  'report.shortfall.patrols': { zh: '巡查缺漏超过两成', en: 'missed over a fifth of patrols' },
  'report.annual.community': {
    zh: (p: Named) => `【${p.name}】工单 ${p.total} 件，按时 ${pct(p)}，满意度 ${p.average}，服务 ${p.hours} 小时`,
    en: (p: Named) => `[${p.name}] ${plural(p.total, 'ticket')}, ${pct(p)} on time, satisfaction ${p.average}, ${p.hours} h of service`,
  },
  'report.annual.grid': {
    zh: (p: Named) => `  · ${p.name}：工单 ${p.total}，按时 ${pct(p)}，满意度 ${p.average}，服务 ${p.hours} 小时`,
    en: (p: Named) => `  · ${p.name}: ${plural(p.total, 'ticket')}, ${pct(p)} on time, satisfaction ${p.average}, ${p.hours} h`,
  },
  'report.annual.party.header': { zh: '党员服务时长（综合评价参考）：', en: "Party members' service hours (for the overall evaluation):" },
  'report.annual.party.line': { zh: '· {name} {hours} 小时', en: '· {name} {hours} h' },
  'report.annual.party.more': { zh: '……另有 {count} 人，完整名单见管理接口。', en: '…and {count} more; the full list is in the admin API.' },
  'report.annual.party.none': { zh: '（暂无党员记录）', en: '(no party members on record)' },
  'reconcile.mismatch': {
    zh: '⚠️ 积分对账发现 {count} 处不一致（{details}）。对账只读不改，请管理员尽快核查。',
    en: (p: { count: Value; details: Value }) =>
      `⚠️ The points reconciliation found ${plural(p.count, 'mismatch', 'mismatches')} (${p.details}). Nothing was changed; an admin should look into it now.`,
  },
} as const satisfies Table;
