import { describe, expect, it } from 'vitest';
import { createUnit } from '../../src/domain/org/units.js';
import { toCsv } from '../../src/http/csv.js';
import { apiHarness } from './harness.js';

describe('toCsv', () => {
  const columns = [
    { header: 'name', value: (r: { name: string; n: number | null; at?: Date }) => r.name },
    { header: 'n', value: (r: { n: number | null }) => r.n },
  ];

  it('writes a BOM, a header line and CRLF rows', () => {
    expect(toCsv(columns, [{ name: '金阿姨', n: 3 }])).toBe('\uFEFFname,n\r\n金阿姨,3\r\n');
  });

  it.each([
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
  ])('quotes and defuses %j', (value, written) => {
    expect(toCsv(columns, [{ name: value, n: null }]).split('\r\n')[1]).toBe(`${written},`);
  });

  it('leaves numbers alone, negative ones included', () => {
    expect(toCsv(columns, [{ name: 'x', n: -5 }]).split('\r\n')[1]).toBe('x,-5');
  });
});

describe('?format=csv', () => {
  it('serves the audit log as CSV, paged like JSON with a Link to the next page', async () => {
    const h = apiHarness();
    createUnit(h.system, { parentId: h.ids.units.grid2.id, kind: 'building', name: '8号楼, 东' });
    const answer = await h.call('GET', '/audit?format=csv&limit=2', { token: h.tokens.root });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="audit.csv"');
    const lines = answer.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('id,at,actorKind,actorId,action,targetType,targetId,data');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^\d+,2026-03-02T01:00:00.000Z,system,test,unit\.create,unit,\d+,"\{""name"":""8号楼, 东""/);
    const link = answer.headers.get('link');
    expect(link).toMatch(/^<\/api\/v1\/audit\?format=csv&limit=2&cursor=[\w-]+>; rel="next"$/);
    const next = await h.call('GET', link!.slice(1, link!.indexOf('>')), { token: h.tokens.root });
    expect(next.text.split('\r\n')[1]).not.toBe(lines[1]);
  });

  it('refuses an unknown format', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', '/audit?format=xlsx', { token: h.tokens.root });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].path).toBe('query.format');
  });
});
