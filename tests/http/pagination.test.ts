import { describe, expect, it } from 'vitest';
import { createUnit } from '../../src/domain/org/units.js';
import { decodeCursor, encodeCursor } from '../../src/http/pagination.js';
import { apiHarness } from './harness.js';

describe('pagination', () => {
  it('walks a list page by page with the cursor, without repeating or skipping', async () => {
    const h = apiHarness();
    for (let i = 1; i <= 7; i++) createUnit(h.system, { parentId: h.ids.units.grid2.id, kind: 'building', name: `${i}栋` });
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const answer = await h.call('GET', `/units?limit=3${query}`, { token: h.tokens.root });
      expect(answer.status).toBe(200);
      expect(answer.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...answer.body.data.map((u: { id: number }) => u.id));
      cursor = answer.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual([...Array(12).keys()].map((i) => i + 1));
    expect(pages).toBe(4);
  });

  it('returns 50 by default and nextCursor null on the last page', async () => {
    const h = apiHarness();
    for (let i = 1; i <= 50; i++) createUnit(h.system, { parentId: h.ids.units.grid2.id, kind: 'building', name: `${i}栋` });
    const first = await h.call('GET', '/units', { token: h.tokens.root });
    expect(first.body.data).toHaveLength(50);
    const second = await h.call('GET', `/units?cursor=${first.body.nextCursor}`, { token: h.tokens.root });
    expect(second.body).toMatchObject({
      data: [expect.anything(), expect.anything(), expect.anything(), expect.anything(), expect.anything()],
      nextCursor: null,
    });
  });

  it.each(['0', '501', '2.5', 'ten'])('refuses limit=%s', async (limit) => {
    const h = apiHarness();
    const answer = await h.call('GET', `/units?limit=${limit}`, { token: h.tokens.root });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].path).toBe('query.limit');
  });

  it.each(['garbage', Buffer.from('{"k":"x"}').toString('base64url'), Buffer.from('[1]').toString('base64url')])(
    'refuses a cursor it did not make: %s',
    async (cursor) => {
      const h = apiHarness();
      const answer = await h.call('GET', `/units?cursor=${cursor}`, { token: h.tokens.root });
      expect(answer.status).toBe(400);
      expect(answer.body.detail).toContain('nextCursor');
    },
  );

  it('round-trips keys through an opaque cursor', () => {
    expect(decodeCursor(encodeCursor(12345))).toBe(12345);
    expect(encodeCursor(7)).not.toContain('7');
    expect(decodeCursor(undefined)).toBeUndefined();
  });
});
