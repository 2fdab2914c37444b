import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import { HOUR } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { tickets } from '../../db/schema/index.js';
import { ACTIVE_STATUSES } from './states.js';
import type { Ticket } from './store.js';

/** How far back a report looks for the same matter. */
const DEDUPE_WINDOW_MS = 48 * HOUR;
/** A similarity at or above this reads as the same matter (tuned on the cases in tests/domain/tickets/similarity.test.ts). */
export const SIMILAR_AT = 0.35;

// Particles and fillers carry no meaning for "is this the same matter": 3号楼的路灯又坏了 ≈ 3号楼路灯坏了.
const FILLER = /[的了又也还吗呢吧啊呀哦么很太都在有是里我们你他她它这那个儿]|\s|[\p{P}\p{S}]/gu;

const numbersIn = (text: string) => new Set(text.match(/\d+/g) ?? []);

// Words that only look like directions: 东西 "things", 以前/之后 "before/after", 左右 "about".
const NOT_DIRECTIONS = /东西|以前|以后|之前|之后|然后|最后|前后|先后|后来|左右|前天|后天/g;
// A direction names a place when a place follows it (东门, 西侧, 前楼, 左边) or it follows a building or gate (楼前, 门后).
const DIRECTION = /(?:东北|东南|西北|西南|[东西南北前后左右])(?=[门侧边面头墙楼区院口角])|(?<=[楼门院])[前后]/gu;

/** Places a report may name, each with the words people use for it: 大门口 and 门口 are one place. */
const PLACES: Record<string, RegExp> = {
  gate: /门口|大门|门前|出入口/,
  stairs: /楼道|楼梯|走廊/,
  lift: /电梯/,
  garage: /车库/,
  basement: /地下室/,
  roof: /楼顶|天台|屋顶/,
  upstairs: /楼上/,
  downstairs: /楼下/,
  parking: /停车场/,
  garden: /花园|绿化带|草坪/,
  square: /广场|篮球场|健身/,
  bins: /垃圾房|垃圾站/,
};

function directionsIn(text: string): Set<string> {
  return new Set(text.replace(NOT_DIRECTIONS, '，').match(DIRECTION) ?? []);
}

function placesIn(text: string): Set<string> {
  return new Set(Object.keys(PLACES).filter((place) => PLACES[place]!.test(text)));
}

/** Two reports that both name something of a kind and share none of it are about different places. */
const disjoint = (a: Set<string>, b: Set<string>) => a.size > 0 && b.size > 0 && ![...a].some((x) => b.has(x));

function bigrams(text: string): Set<string> {
  const chars = [...text.normalize('NFKC').toLowerCase().replace(FILLER, '')];
  if (chars.length === 1) return new Set(chars);
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/**
 * How alike two reports read, 0 to 1: the mean of the Jaccard and overlap coefficients of their character
 * bigrams without fillers. Jaccard alone misses a short report of a matter already told at length
 * ("路灯坏了" after "3号楼门口的路灯坏了好几天了"); overlap alone merges any two that share a phrase.
 * Reports naming different numbers (3号楼, 5号楼), directions (东门, 西门) or places (楼道, 门口) are
 * different matters whatever else they share.
 */
export function similarity(a: string, b: string): number {
  const ta = a.normalize('NFKC');
  const tb = b.normalize('NFKC');
  if (disjoint(numbersIn(ta), numbersIn(tb))) return 0;
  if (disjoint(directionsIn(ta), directionsIn(tb)) || disjoint(placesIn(ta), placesIn(tb))) return 0;
  const x = bigrams(a);
  const y = bigrams(b);
  if (!x.size || !y.size) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  const jaccard = shared / (x.size + y.size - shared);
  const overlap = shared / Math.min(x.size, y.size);
  return (jaccard + overlap) / 2;
}

/** An open ticket of the same unit and category from the last 48 hours that reads like `text`; the most alike wins. */
export function findSimilarOpen(db: Db, input: { originUnitId: number; categoryId: number; text: string; now: Date }): Ticket | undefined {
  const candidates = db
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.originUnitId, input.originUnitId),
        eq(tickets.categoryId, input.categoryId),
        inArray(tickets.status, [...ACTIVE_STATUSES]),
        gte(tickets.createdAt, new Date(input.now.getTime() - DEDUPE_WINDOW_MS)),
      ),
    )
    .orderBy(desc(tickets.id))
    .all();
  let best: { ticket: Ticket; score: number } | undefined;
  for (const ticket of candidates) {
    const score = similarity(ticket.text, input.text);
    if (score >= SIMILAR_AT && (!best || score > best.score)) best = { ticket, score };
  }
  return best?.ticket;
}
