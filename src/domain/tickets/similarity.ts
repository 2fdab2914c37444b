import { and, desc, eq, gte, inArray, like, not, or, sql } from 'drizzle-orm';
import { HOUR } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { fixedLimit, placeholderFor, preparedPerDb } from '../../db/prepared.js';
import { tickets } from '../../db/schema/index.js';
import { ACTIVE_STATUSES } from './states.js';
import { getTicket, type Ticket } from './store.js';

/** How far back a report looks for the same matter. */
const DEDUPE_WINDOW_MS = 48 * HOUR;
/** A similarity at or above this reads as the same matter (tuned on the cases in tests/domain/tickets/similarity.test.ts). */
export const SIMILAR_AT = 0.35;
/**
 * At most this many open tickets are read and scored for one report: the most recent of those that may be
 * the same matter. A grid with more open tickets of one category in two days than this can miss an older
 * one, and the report is filed as a ticket of its own; but 报事 costs the same into a busy grid as into a
 * quiet one.
 */
export const SIMILAR_CANDIDATES = 50;

// Particles and fillers carry no meaning for "is this the same matter": 3号楼的路灯又坏了 ≈ 3号楼路灯坏了.
const FILLER = /[的了又也还吗呢吧啊呀哦么很太都在有是里我们你他她它这那个儿]|\s|[\p{P}\p{S}]/gu;

const numbersIn = (text: string) => new Set(text.match(/\d+/g) ?? []);

// Words that only look like directions: 东西 "things", 以前/之后 "before/after", 左右 "about".
const NOT_DIRECTIONS = /东西|以前|以后|之前|之后|然后|最后|前后|先后|后来|左右|前天|后天/g;
// A direction names a place when a place follows it (东门, 西侧, 前楼, 左边) or it follows a building or gate (楼前, 门后).
const DIRECTION = /(?:东北|东南|西北|西南|[东西南北前后左右])(?=[门侧边面头墙楼区院口角])|(?<=[楼门院])[前后]/gu;

/** Places a report may name, each with the words people use for it: 大门口 and 门口 are one place. */
const PLACES: Record<string, readonly string[]> = {
  gate: ['门口', '大门', '门前', '出入口'],
  stairs: ['楼道', '楼梯', '走廊'],
  lift: ['电梯'],
  garage: ['车库'],
  basement: ['地下室'],
  roof: ['楼顶', '天台', '屋顶'],
  upstairs: ['楼上'],
  downstairs: ['楼下'],
  parking: ['停车场'],
  garden: ['花园', '绿化带', '草坪'],
  square: ['广场', '篮球场', '健身'],
  bins: ['垃圾房', '垃圾站'],
};
const PLACE_WORDS = Object.values(PLACES).flat();

function directionsIn(text: string): Set<string> {
  return new Set(text.replace(NOT_DIRECTIONS, '，').match(DIRECTION) ?? []);
}

function placesIn(text: string): Set<string> {
  return new Set(Object.keys(PLACES).filter((place) => PLACES[place]!.some((word) => text.includes(word))));
}

/** Two reports that both name something of a kind and share none of it are about different places. */
const disjoint = (a: Set<string>, b: Set<string>) => a.size > 0 && b.size > 0 && ![...a].some((x) => b.has(x));

function bigrams(normalized: string): Set<string> {
  const chars = [...normalized.toLowerCase().replace(FILLER, '')];
  if (chars.length === 1) return new Set(chars);
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/** What the comparison needs of one report, worked out once however many it is compared with. */
interface Reading {
  numbers: Set<string>;
  directions: Set<string>;
  places: Set<string>;
  grams: Set<string>;
}

function reading(text: string): Reading {
  const normalized = text.normalize('NFKC');
  return { numbers: numbersIn(normalized), directions: directionsIn(normalized), places: placesIn(normalized), grams: bigrams(normalized) };
}

function alike(a: Reading, b: Reading): number {
  if (disjoint(a.numbers, b.numbers) || disjoint(a.directions, b.directions) || disjoint(a.places, b.places)) return 0;
  const x = a.grams;
  const y = b.grams;
  if (!x.size || !y.size) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  const jaccard = shared / (x.size + y.size - shared);
  const overlap = shared / Math.min(x.size, y.size);
  return (jaccard + overlap) / 2;
}

/**
 * How alike two reports read, 0 to 1: the mean of the Jaccard and overlap coefficients of their character
 * bigrams without fillers. Jaccard alone misses a short report of a matter already told at length
 * ("路灯坏了" after "3号楼门口的路灯坏了好几天了"); overlap alone merges any two that share a phrase.
 * Reports naming different numbers (3号楼, 5号楼), directions (东门, 西门) or places (楼道, 门口) are
 * different matters whatever else they share.
 */
export function similarity(a: string, b: string): number {
  return alike(reading(a), reading(b));
}

// Digits a stored report may be typed with: ASCII and full-width (NFKC makes ３ a 3).
const DIGITS = [...'0123456789０１２３４５６７８９'];
const NUMBER_SLOTS = 6;
const PLACE_SLOTS = 8;
const slots = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
// The patterns are written into the SQL, or built from the placeholder in it: SQLite prepares a statement
// again every time a value bound as a LIKE pattern changes (it may plan around the pattern), which for
// this one cost more than the whole report.
const mentions = (words: readonly string[]) => or(...words.map((word) => like(tickets.text, sql.raw(`'%${word}%'`))))!;
const mentionsSlot = (slot: string) => like(tickets.text, sql`'%' || ${sql.placeholder(slot)} || '%'`);

/**
 * The open tickets of the unit and category from the window that may be the same matter as a report,
 * newest first, at most SIMILAR_CANDIDATES: one naming none of the report's numbers but some other number,
 * or none of its places but some other place, cannot be (see `similarity`), and is left in the database.
 * The slots take the report's numbers and place words; a report naming none fills the first with '',
 * which every ticket contains.
 */
const candidatesQuery = preparedPerDb((db) =>
  db
    .select({ id: tickets.id, text: tickets.text })
    .from(tickets)
    .where(
      and(
        eq(tickets.originUnitId, sql.placeholder('unitId')),
        eq(tickets.categoryId, sql.placeholder('categoryId')),
        inArray(tickets.status, [...ACTIVE_STATUSES]),
        gte(tickets.createdAt, placeholderFor('since', tickets.createdAt)),
        or(...slots('number', NUMBER_SLOTS).map(mentionsSlot), not(mentions(DIGITS))),
        or(...slots('place', PLACE_SLOTS).map(mentionsSlot), not(mentions(PLACE_WORDS))),
      ),
    )
    // The order of the tickets_origin index (unit, created_at, then id): read newest first, stop at the limit.
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(fixedLimit(SIMILAR_CANDIDATES))
    .prepare(),
);

/** The words for the slots, each as typed; an empty one, which every text contains, when there are none or more than fit. */
function patterns(prefix: string, n: number, words: string[]): Record<string, string | null> {
  const fits = words.length > 0 && words.length <= n;
  return Object.fromEntries(slots(prefix, n).map((slot, i) => [slot, fits ? (words[i] ?? null) : i === 0 ? '' : null]));
}

export interface SimilarInput {
  originUnitId: number;
  categoryId: number;
  text: string;
  now: Date;
}

/** The open tickets a report is compared with: see candidatesQuery. */
export const similarCandidates = (db: Db, input: SimilarInput) => candidates(db, input, reading(input.text));

function candidates(db: Db, input: SimilarInput, report: Reading): { id: number; text: string }[] {
  const fullWidth = (n: string) => n.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  return candidatesQuery(db).all({
    unitId: input.originUnitId,
    categoryId: input.categoryId,
    since: new Date(input.now.getTime() - DEDUPE_WINDOW_MS),
    ...patterns(
      'number',
      NUMBER_SLOTS,
      [...report.numbers].flatMap((n) => [n, fullWidth(n)]),
    ),
    ...patterns(
      'place',
      PLACE_SLOTS,
      [...report.places].flatMap((place) => PLACES[place]!),
    ),
  });
}

/** An open ticket of the same unit and category from the last 48 hours that reads like `text`; the most alike wins. */
export function findSimilarOpen(db: Db, input: SimilarInput): Ticket | undefined {
  const report = reading(input.text);
  let best: { id: number; score: number } | undefined;
  for (const candidate of candidates(db, input, report)) {
    const score = alike(reading(candidate.text), report);
    if (score >= SIMILAR_AT && (!best || score > best.score)) best = { id: candidate.id, score };
  }
  return best && getTicket(db, best.id);
}
