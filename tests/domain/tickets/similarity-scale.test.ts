import { describe, expect, it } from 'vitest';
import { MINUTE } from '../../../src/clock.js';
import { tickets } from '../../../src/db/schema/index.js';
import { inferCategory } from '../../../src/domain/tickets/categories.js';
import { SIMILAR_CANDIDATES, findSimilarOpen, similarCandidates, similarity } from '../../../src/domain/tickets/similarity.js';
import { ticketsDemo } from '../../helpers/tickets.js';

/** Open 市政照明 tickets of grid 1, filed a minute apart after everything already there, with the given texts. */
function fill(demo: ReturnType<typeof ticketsDemo>, texts: string[]) {
  const lamp = inferCategory(demo.db, '路灯坏了');
  const grid = demo.ids.units.grid1.id;
  for (const text of texts) {
    const at = demo.clock.advance(MINUTE);
    demo.db
      .insert(tickets)
      .values({
        originUnitId: grid,
        responsibleUnitId: grid,
        categoryId: lamp.id,
        status: 'open',
        text,
        reporterId: demo.ids.members.wang.id,
        createdAt: at,
        updatedAt: at,
      })
      .run();
  }
  return lamp;
}

// Other buildings (none with a 3 in its number), other places, and matters that pass the narrowing but read otherwise.
const otherBuildings = [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22];
const unrelated = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    if (i % 50 === 0) return ['小区东门路灯晚上不亮', '路边的灯杆歪了', '灯一直闪'][(i / 50) % 3]!;
    const building = otherBuildings[i % otherBuildings.length]!;
    return [`${building}号楼路灯坏了`, `${building}号楼门口的灯不亮`, '停车场的灯坏了', '花园里的路灯不亮了', '楼道灯不亮了'][i % 5]!;
  });

describe('finding the same matter in a busy grid', () => {
  it('joins a report to its ticket when 1,500 unrelated open tickets came in since', () => {
    const demo = ticketsDemo();
    const lamp = demo.report('jin', '3号楼门口路灯坏了');
    fill(demo, unrelated(1500));
    const found = findSimilarOpen(demo.db, {
      originUnitId: demo.ids.units.grid1.id,
      categoryId: lamp.categoryId,
      text: '3号楼门口的路灯又坏了',
      now: demo.clock.now(),
    });
    expect(found?.id).toBe(lamp.id);
    expect(found).toEqual(lamp);
  });

  it('reads only the tickets that may be the same matter, newest first, and never more than the bound', () => {
    const demo = ticketsDemo();
    const lamp = fill(demo, unrelated(1500));
    const input = { originUnitId: demo.ids.units.grid1.id, categoryId: lamp.id, now: demo.clock.now() };

    // 3号楼门口: only tickets naming no other number and no other place are read; here, the 30 plain ones.
    const narrowed = similarCandidates(demo.db, { ...input, text: '3号楼门口路灯坏了' });
    expect(narrowed.map((c) => c.text).sort()).toEqual(
      unrelated(1500)
        .filter((t) => !/\d|停车场|花园|楼道/.test(t))
        .sort(),
    );

    // A report naming neither: every open lamp ticket may be the same matter, and the newest are read.
    const plain = similarCandidates(demo.db, { ...input, text: '路灯坏了' });
    expect(plain).toHaveLength(SIMILAR_CANDIDATES);
    const newest = demo.db
      .select({ id: tickets.id })
      .from(tickets)
      .all()
      .map((t) => t.id)
      .sort((a, b) => b - a)
      .slice(0, SIMILAR_CANDIDATES);
    expect(plain.map((c) => c.id)).toEqual(newest);
  });

  it('never leaves out a ticket that reads as the same matter, whatever numbers and places the two name', () => {
    const demo = ticketsDemo();
    const texts = [
      '3号楼路灯坏了',
      '３号楼路灯坏了',
      '13号楼路灯坏了',
      '5号楼路灯坏了',
      '路灯坏了',
      '门口路灯坏了',
      '大门口路灯坏了',
      '楼道路灯坏了',
      '3号楼2单元门口路灯坏了',
      '停车场路灯坏了',
      '小区西门路灯坏了',
    ];
    const lamp = fill(demo, texts);
    const input = { originUnitId: demo.ids.units.grid1.id, categoryId: lamp.id, now: demo.clock.now() };
    for (const report of texts) {
      const read = new Set(similarCandidates(demo.db, { ...input, text: report }).map((c) => c.text));
      for (const other of texts) if (similarity(report, other) > 0) expect(read, `${report} → ${other}`).toContain(other);
    }
  });

  it('reads them newest first through the index of the unit, without sorting the window', () => {
    const demo = ticketsDemo();
    const sqlite = demo.db.$client;
    const plans: string[] = [];
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((source: string) => {
      if (/from "tickets"/i.test(source) && /like/i.test(source)) {
        plans.push(
          (prepare(`EXPLAIN QUERY PLAN ${source}`).all(...Array.from({ length: (source.match(/\?/g) ?? []).length }, () => null)) as { detail: string }[])
            .map((r) => r.detail)
            .join('; '),
        );
      }
      return prepare(source);
    }) as typeof sqlite.prepare;
    similarCandidates(demo.db, { originUnitId: demo.ids.units.grid1.id, categoryId: 1, text: '路灯坏了', now: demo.clock.now() });
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatch(/USING INDEX tickets_origin/);
    expect(plans[0]).not.toMatch(/TEMP B-TREE/);
  });
});
