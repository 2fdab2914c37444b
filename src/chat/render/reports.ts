import type { Lang } from '../../config.js';
import type { AnnualReport } from '../../domain/reports/annual.js';
import type { MonthlyReport } from '../../domain/reports/monthly.js';
import type { Period } from '../../domain/reports/periods.js';
import type { QuarterlyReport } from '../../domain/reports/quarterly.js';
import type { UnitSummary } from '../../domain/reports/summary.js';
import type { Translate } from '../../i18n/index.js';
import { formatDuration } from '../../time.js';
import type { OutMessage } from '../types.js';

/** How wide a string looks in a chat window: CJK characters take two columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return width;
}

/** Label and value lines with the values in one column. */
export function aligned(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([label]) => displayWidth(label)));
  return rows.map(([label, value]) => `${label}${' '.repeat(width - displayWidth(label) + 2)}${value}`);
}

export function periodName(t: Translate, period: Period): string {
  const [year = '', rest = ''] = period.label.split('-');
  if (period.kind === 'month') return t('report.period.month', { year, month: Number(rest) });
  if (period.kind === 'quarter') return t('report.period.quarter', { year, quarter: rest.slice(1) });
  return t('report.period.year', { year });
}

const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
const rating = (t: Translate, average: number | null) => (average === null ? t('report.none') : average.toFixed(1));

/** The three things that matter most, first: tickets and timeliness, satisfaction, patrols. */
function topThree(t: Translate, s: UnitSummary): string[] {
  return [
    t('report.top.tickets', { total: s.tickets.total, done: s.tickets.done, open: s.tickets.open, share: s.tickets.withinSlaShare }),
    t('report.top.satisfaction', { average: rating(t, s.satisfaction.average), rated: s.satisfaction.rated, unrated: s.satisfaction.unrated }),
    s.patrols
      ? t('report.top.patrols', {
          done: s.patrols.halfDaysDone,
          expected: s.patrols.halfDaysExpected,
          nights: s.patrols.nightsDone,
          nightsExpected: s.patrols.nightsExpected,
        })
      : t('report.top.noPatrols'),
  ];
}

export function renderMonthly(report: MonthlyReport, t: Translate, lang: Lang): OutMessage {
  const s = report.summary;
  const span = (ms: number | null) => (ms === null ? t('report.none') : formatDuration(ms, lang));
  const lines = [
    t('report.monthly.title', { unit: s.name, period: periodName(t, report.period) }),
    ...topThree(t, s),
    '',
    ...aligned([
      [t('report.line.take'), span(s.tickets.medianTakeMs)],
      [t('report.line.resolve'), span(s.tickets.medianResolveMs)],
      [t('report.line.escalations'), t('report.count', { count: s.tickets.escalations })],
      [t('report.line.hours'), t('report.hours', { hours: hours(s.minutesServed) })],
    ]),
    '',
  ];
  if (report.stillOpen.count) {
    lines.push(t('report.stillOpen.header', { count: report.stillOpen.count }));
    for (const open of report.stillOpen.oldest) {
      lines.push(t('report.stillOpen.line', { ref: open.ref, text: open.text, age: formatDuration(open.ageMs, lang) }));
    }
  } else {
    lines.push(t('report.allDone'));
  }
  lines.push(t('report.monthly.footer'));
  return { text: lines.join('\n') };
}

export function renderQuarterly(report: QuarterlyReport, t: Translate): OutMessage {
  const lines = [
    t('report.quarterly.title', { unit: report.community.name, period: periodName(t, report.period) }),
    ...topThree(t, report.community),
    '',
    t('report.quarterly.header'),
    // Names differ in length: the figures start in one column.
    ...aligned(
      report.grids.map((g) => [
        t('report.quarterly.grid', { rank: g.rank, name: g.name }),
        t('report.quarterly.row', {
          share: g.tickets.withinSlaShare,
          average: rating(t, g.satisfaction.average),
          total: g.tickets.total,
          hours: hours(g.minutesServed),
          patrols: g.patrols
            ? t('report.quarterly.patrols', {
                done: g.patrols.halfDaysDone,
                expected: g.patrols.halfDaysExpected,
                nights: g.patrols.nightsDone,
                nightsExpected: g.patrols.nightsExpected,
              })
            : null,
        }),
      ]),
    ),
    '',
  ];
  const best = report.grids[0];
  if (best && report.grids.length > 1 && !best.behind.length) lines.push(t('report.quarterly.best', { name: best.name }));
  const behind = report.grids.filter((g) => g.behind.length);
  for (const g of behind) {
    lines.push(t('report.quarterly.behind', { name: g.name, reasons: g.behind.map((b) => t(`report.shortfall.${b}`)) }));
  }
  if (!behind.length) lines.push(t('report.quarterly.allOnPace'));
  return { text: lines.join('\n') };
}

/** Party members listed in the chat message; the API has them all. */
const PARTY_LINES = 30;

export function renderAnnual(report: AnnualReport, t: Translate): OutMessage {
  const figures = (s: UnitSummary) => ({
    name: s.name,
    total: s.tickets.total,
    share: s.tickets.withinSlaShare,
    average: rating(t, s.satisfaction.average),
    hours: hours(s.minutesServed),
  });
  const lines = [t('report.annual.title', { unit: report.street.name, period: periodName(t, report.period) }), ...topThree(t, report.street), ''];
  for (const community of report.communities) {
    lines.push(t('report.annual.community', figures(community)));
    for (const grid of community.grids) lines.push(t('report.annual.grid', figures(grid)));
  }
  lines.push('', t('report.annual.party.header'));
  if (!report.partyMembers.length) lines.push(t('report.annual.party.none'));
  for (const m of report.partyMembers.slice(0, PARTY_LINES)) lines.push(t('report.annual.party.line', { name: m.name, hours: hours(m.minutes) }));
  if (report.partyMembers.length > PARTY_LINES) lines.push(t('report.annual.party.more', { count: report.partyMembers.length - PARTY_LINES }));
  return { text: lines.join('\n') };
}
