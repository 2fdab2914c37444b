import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DAY } from '../../src/clock.js';
import { idempotencyKeys, outbox } from '../../src/db/schema/index.js';
import { stableJson } from '../../src/http/idempotency.js';
import { idempotencyPrune } from '../../src/jobs/idempotency-prune.js';
import { apiHarness, type Harness } from './harness.js';

const outboxRows = (h: Harness) => h.services.db.select({ n: count() }).from(outbox).get()!.n;

function broadcast(h: Harness, key: string | undefined, text = '防诈骗提醒', token = h.tokens.root) {
  return h.call('POST', '/broadcasts', {
    token,
    body: { unitId: h.ids.units.community.id, text },
    headers: key ? { 'idempotency-key': key } : {},
  });
}

describe('Idempotency-Key', () => {
  it('answers the same key and body with the first response, acting once', async () => {
    const h = apiHarness();
    const first = await broadcast(h, 'k-1');
    expect(first.status).toBe(202);
    const rows = outboxRows(h);
    const again = await broadcast(h, 'k-1');
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(outboxRows(h)).toBe(rows);
  });

  it.each([
    ['a unit', '/units', (h: Harness) => ({ parentId: h.ids.units.community.id, kind: 'grid', name: '荷东第九网格' })],
    ['a category', '/categories', () => ({ name: '电梯', takeMinutes: 10 })],
    ['a binding code', '/binding-codes', (h: Harness) => ({ unitId: h.ids.units.grid1.id, purpose: 'staff' })],
  ] as const)('creates %s once when a request is retried under its key', async (_what, path, body) => {
    const h = apiHarness();
    const send = () => h.call('POST', path, { token: h.tokens.root, body: body(h), headers: { 'idempotency-key': `retry${path}` } });
    const first = await send();
    expect(first.status).toBe(201);
    const again = await send();
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('treats a body with its keys in another order as the same', async () => {
    const h = apiHarness();
    const body = { unitId: h.ids.units.community.id, text: 'x' };
    await h.call('POST', '/broadcasts', { token: h.tokens.root, body, headers: { 'idempotency-key': 'k' } });
    const reordered = await h.call('POST', '/broadcasts', {
      token: h.tokens.root,
      raw: JSON.stringify({ text: 'x', unitId: body.unitId }),
      headers: { 'idempotency-key': 'k', 'content-type': 'application/json' },
    });
    expect(reordered.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with another body with 409', async () => {
    const h = apiHarness();
    await broadcast(h, 'k-2', 'first');
    const rows = outboxRows(h);
    const other = await broadcast(h, 'k-2', 'second');
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('k-2') });
    expect(outboxRows(h)).toBe(rows);
  });

  it('refuses the same key on another route with 409', async () => {
    const h = apiHarness();
    await broadcast(h, 'k-3');
    const other = await h.call('POST', '/members', {
      token: h.tokens.root,
      body: { name: '新居民', unitId: h.ids.units.grid1.id },
      headers: { 'idempotency-key': 'k-3' },
    });
    expect(other.status).toBe(409);
  });

  it('keeps keys apart per token', async () => {
    const h = apiHarness();
    await broadcast(h, 'shared');
    const rows = outboxRows(h);
    const other = await broadcast(h, 'shared', '防诈骗提醒', h.tokens.community);
    expect(other.status).toBe(202);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(outboxRows(h)).toBeGreaterThan(rows);
  });

  it('acts every time without a key', async () => {
    const h = apiHarness();
    await broadcast(h, undefined);
    const rows = outboxRows(h);
    await broadcast(h, undefined);
    expect(outboxRows(h)).toBe(2 * rows);
  });

  it('remembers nothing when the request fails, so a corrected retry may use the key', async () => {
    const h = apiHarness();
    const missing = await h.call('POST', '/broadcasts', {
      token: h.tokens.root,
      body: { unitId: 9999, text: 'x' },
      headers: { 'idempotency-key': 'k-4' },
    });
    expect(missing.status).toBe(404);
    expect(h.services.db.select().from(idempotencyKeys).all()).toEqual([]);
  });

  it('forgets a key after 24 hours', async () => {
    const h = apiHarness();
    await broadcast(h, 'k-5');
    const rows = outboxRows(h);
    h.clock.advance(DAY + 1);
    const later = await broadcast(h, 'k-5');
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(outboxRows(h)).toBe(2 * rows);
  });

  it('is pruned by its job', async () => {
    const h = apiHarness();
    await broadcast(h, 'old');
    h.clock.advance(DAY + 60_000);
    await broadcast(h, 'new');
    const run = h.services.jobs;
    expect(run.names).toContain(idempotencyPrune.name);
    const outcome = run.run(idempotencyPrune.name, h.clock.now(), 'manual');
    expect(outcome).toMatchObject({ status: 'ok', run: { detail: 'removed 1 idempotency keys' } });
    expect(h.services.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).all()).toEqual([{ key: 'new' }]);
  });

  it('refuses a key that is not printable ASCII', async () => {
    const h = apiHarness();
    const answer = await broadcast(h, 'has space');
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].path).toBe('header.idempotency-key');
  });

  it('hashes bodies regardless of key order', () => {
    expect(stableJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":1,"f":2}]},"b":1}');
  });
});
