import { asc, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { units } from '../../../src/db/schema/index.js';
import { inSubtree, isInSubtree, unitInSubtree } from '../../../src/domain/org/subtree.js';
import { freshDb } from '../../helpers/db.js';

/**
 * A tree whose ids make the trap real: unit 23 is 2's sibling and its path "/1/23/" starts with the
 * characters "/1/2". 1 → 2 → 5 → 7; 1 → 23 → 24; 3 is another root.
 */
const TREE = [
  { id: 1, parentId: null, path: '/1/' },
  { id: 2, parentId: 1, path: '/1/2/' },
  { id: 3, parentId: null, path: '/3/' },
  { id: 5, parentId: 2, path: '/1/2/5/' },
  { id: 7, parentId: 5, path: '/1/2/5/7/' },
  { id: 23, parentId: 1, path: '/1/23/' },
  { id: 24, parentId: 23, path: '/1/23/24/' },
];

function treeDb() {
  const db = freshDb();
  for (const u of TREE) {
    db.insert(units)
      .values({ ...u, kind: 'grid', name: `u${u.id}`, depth: u.path.split('/').length - 3, createdAt: new Date(0) })
      .run();
  }
  return db;
}

const PATH = Object.fromEntries(TREE.map((u) => [u.id, u.path])) as Record<number, string>;

describe('a unit subtree', () => {
  const db = treeDb();
  const byPath = (root: string) =>
    db
      .select({ id: units.id })
      .from(units)
      .where(inSubtree(units.path, root))
      .orderBy(asc(units.id))
      .all()
      .map((r) => r.id);
  const byUnitId = (root: string) => db.all<{ id: number }>(sql`SELECT id FROM units u WHERE ${unitInSubtree(sql`u.id`, root)} ORDER BY id`).map((r) => r.id);

  it.each([
    ['a root holds all below it, and not the other root', 1, [1, 2, 5, 7, 23, 24]],
    ['a unit holds itself, its child and grandchild, not its sibling sharing a prefix', 2, [2, 5, 7]],
    ['the sibling holds its own branch only', 23, [23, 24]],
    ['a leaf holds itself', 7, [7]],
    ['another root holds only itself', 3, [3]],
  ])('%s', (_, root, ids) => {
    expect(byPath(PATH[root]!)).toEqual(ids);
    expect(byUnitId(PATH[root]!)).toEqual(ids);
    expect(TREE.filter((u) => isInSubtree(u.path, PATH[root]!)).map((u) => u.id)).toEqual(ids);
  });

  it('reads a path without its final slash the same way: "/1/2" does not reach "/1/23/"', () => {
    expect(byPath('/1/2')).toEqual([2, 5, 7]);
    expect(isInSubtree('/1/23/', '/1/2')).toBe(false);
    expect(isInSubtree('/1/2/5/', '/1/2')).toBe(true);
  });

  it('agrees with LIKE on every pair of units, and searches the path index instead of scanning', () => {
    for (const root of TREE) {
      const like = db.all<{ id: number }>(sql`SELECT id FROM units WHERE path LIKE ${root.path + '%'} ORDER BY id`).map((r) => r.id);
      expect(byPath(root.path)).toEqual(like);
    }
    const plan = db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN SELECT id FROM units WHERE ${inSubtree(units.path, '/1/2/')}`);
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX units_path/);
  });
});
