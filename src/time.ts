import type { Lang } from './config.js';

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** An ISO-8601 duration without years or months ("PT2H", "P1DT30M", "P2W") in milliseconds; null if malformed. */
export function parseIsoDuration(text: string): number | null {
  const m = ISO_DURATION.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T')) return null;
  const [, w, d, h, min, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  const ms = ((((w! * 7 + d!) * 24 + h!) * 60 + min!) * 60 + s!) * 1000;
  return Number.isFinite(ms) ? ms : null;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

// Building a DateTimeFormat costs far more than formatting with one (it loads the zone's rules), and a
// reply can format a dozen times: one formatter per zone, made on first use. The zones are the
// configured one and what tests use, so the map stays small.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Wall-clock fields of an instant in a time zone. */
export function localParts(date: Date, timeZone: string) {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, weekday: -1 };
  for (const part of formatterFor(timeZone).formatToParts(date)) {
    switch (part.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
        out[part.type] = Number(part.value);
        break;
      case 'weekday':
        out.weekday = WEEKDAYS.indexOf(part.value);
        break;
    }
  }
  return out;
}

/** The instant at which a wall-clock time in the zone happens. */
export function zonedTime(timeZone: string, year: number, month: number, day: number, hour = 0, minute = 0): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const p = localParts(new Date(guess), timeZone);
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - guess;
  return new Date(guess - offset);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "3月2日 09:30" / "Mar 2 09:30"; the year only when it is not the reference's. */
export function formatDateTime(date: Date, timeZone: string, lang: Lang, reference?: Date): string {
  const p = localParts(date, timeZone);
  const sameYear = !reference || localParts(reference, timeZone).year === p.year;
  const time = `${pad(p.hour)}:${pad(p.minute)}`;
  if (lang === 'zh') return `${sameYear ? '' : `${p.year}年`}${p.month}月${p.day}日 ${time}`;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][p.month - 1];
  return `${month} ${p.day}${sameYear ? '' : ` ${p.year}`} ${time}`;
}

/** "2小时" / "1小时30分钟" / "2 h 30 min"; "0小时" for none. */
export function formatHours(minutes: number, lang: Lang): string {
  if (minutes <= 0) return lang === 'zh' ? '0小时' : '0 h';
  return formatDuration(minutes * 60_000, lang);
}

/** "2小时5分钟" / "2 h 5 min"; days for long spans; "不到1分钟" for less than a minute. */
export function formatDuration(ms: number, lang: Lang): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes === 0) return lang === 'zh' ? '不到1分钟' : 'under a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const zh = [days && `${days}天`, hours && `${hours}小时`, !days && mins && `${mins}分钟`];
  const en = [days && `${days} d`, hours && `${hours} h`, !days && mins && `${mins} min`];
  return (lang === 'zh' ? zh : en).filter(Boolean).join(lang === 'zh' ? '' : ' ');
}
