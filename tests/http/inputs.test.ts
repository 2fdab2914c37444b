import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { members } from '../../src/db/schema/index.js';
import { createMember } from '../../src/domain/org/members.js';
import { fixtures } from './fixtures.js';
import { apiHarness } from './harness.js';

describe('ids in paths and queries', () => {
  it.each(['0x3', '1e0', '03', '+3', '3.0', '%203', '-3', '0', '9999999999999999'])('refuses %s as an id with 400', async (id) => {
    const h = apiHarness();
    const answer = await h.call('GET', `/units/${id}`, { token: h.tokens.root });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body).toMatchObject({ code: 'INVALID_INPUT', errors: [{ path: 'path.id', message: expect.stringContaining('decimal') }] });
  });

  it('refuses a loose id in a query too, and takes a plain one', async () => {
    const h = apiHarness();
    expect((await h.call('GET', '/units?parent=0x2', { token: h.tokens.root })).status).toBe(400);
    expect((await h.call('DELETE', `/members/${h.ids.members.jin.id}/roles/1e0`, { token: h.tokens.root })).status).toBe(400);
    expect((await h.call('GET', `/units/${h.ids.units.grid1.id}`, { token: h.tokens.root })).status).toBe(200);
  });
});

describe('dates', () => {
  it.each([
    ['a report from year 0', '/reports/tickets?unitId=1&from=0000-01-01T00:00:00Z'],
    ['a report to year 20260', '/reports/timebank?unitId=1&to=+020260-01-01T00:00:00Z'],
    ['tickets since 1970', '/tickets?from=1970-01-01T00:00:00Z'],
    ['the month 0000-01', '/reports/monthly?unitId=1&month=0000-01'],
    ['the year 2999', '/reports/annual?unitId=1&year=2999'],
  ])('refuses %s with 400', async (_, path) => {
    const h = apiHarness();
    const answer = await h.call('GET', path, { token: h.tokens.root });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.code).toBe('INVALID_INPUT');
  });

  it('takes dates of this century', async () => {
    const h = apiHarness();
    expect((await h.call('GET', '/reports/tickets?unitId=1&from=2026-01-01T00:00:00Z', { token: h.tokens.root })).status).toBe(200);
    expect((await h.call('GET', '/reports/monthly?unitId=1&month=2026-01', { token: h.tokens.root })).status).toBe(200);
  });
});

describe('names', () => {
  it.each([
    ['zero-width spaces', '\u200b\u200c\u200d'],
    ['direction marks', '\u200e\u202e\u2066\u2069'],
    ['a word joiner and a BOM', ' \u2060\ufeff '],
    ['a Hangul filler', '\u3164'],
  ])('refuses a name of only %s, saying what is wrong', async (_, name) => {
    const h = apiHarness();
    for (const [path, body] of [
      ['/units', { parentId: h.ids.units.grid1.id, kind: 'building', name }],
      ['/members', { unitId: h.ids.units.grid1.id, name }],
      ['/tasks', { unitId: h.ids.units.grid1.id, title: name, slots: 1 }],
      ['/broadcasts', { unitId: h.ids.units.grid1.id, text: name }],
    ] as const) {
      const answer = await h.call('POST', path, { token: h.tokens.root, body, headers: { 'accept-language': 'zh' } });
      expect(answer.status, `${path} ${answer.text}`).toBe(400);
      expect(answer.body.errors[0].message).toContain('须含可见字符');
    }
  });

  it('takes a name with a direction mark among visible characters', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/units', { token: h.tokens.root, body: { parentId: h.ids.units.grid1.id, kind: 'building', name: '\u200e5号楼' } });
    expect(answer.status, answer.text).toBe(201);
  });
});

describe('Idempotency-Key', () => {
  it('is honoured by escalate: a retry is answered again, not escalated twice', async () => {
    const h = apiHarness();
    const ticket = fixtures(h).ticket;
    const send = () =>
      h.call('POST', `/tickets/${ticket.id}/escalate`, { token: h.tokens.root, body: { note: '需要社区协调' }, headers: { 'idempotency-key': 'escalate-1' } });
    const first = await send();
    expect(first.status, first.text).toBe(200);
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.body.level).toBe(1);
  });

  it('is documented on every POST but the one that makes a token (its secret is never stored)', async () => {
    const h = apiHarness();
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const without = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method} ${path}`, op })))
      .filter(({ name, op }) => name.startsWith('post ') && !(op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key'))
      .map(({ name }) => name);
    expect(without).toEqual(['post /tokens']);
  });
});

describe('adjusting a merged record', () => {
  it("answers with the survivor's id and balance", async () => {
    const h = apiHarness();
    const old = createMember(h.system, { name: '金阿姨（微信）' });
    h.services.db.update(members).set({ mergedInto: h.ids.members.jin.id }).where(eq(members.id, old.id)).run();
    const answer = await h.call('POST', '/ledger/adjustments', {
      token: h.tokens.community,
      body: { memberId: old.id, unitId: h.ids.units.grid1.id, points: 30, reason: '认养花园' },
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({ memberId: h.ids.members.jin.id, balance: 30 });
  });
});
