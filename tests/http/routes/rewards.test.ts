import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ShellChat, type ShellOutput } from '../../../bots/shell/shell.js';
import { stockMovements } from '../../../src/db/schema/index.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { buy } from '../fixtures.js';
import { apiHarness, type Harness } from '../harness.js';

const newReward = (h: Harness, change: Record<string, unknown> = {}) => ({
  unitId: h.ids.units.grid1.id,
  name: '洗车券',
  description: '普通轿车洗车一次',
  pointsCost: 15,
  stock: 5,
  merchantId: h.ids.members.barber.id,
  ...change,
});

const movements = (h: Harness, rewardId: number) =>
  h.services.db
    .select()
    .from(stockMovements)
    .where(eq(stockMovements.rewardId, rewardId))
    .all()
    .map((m) => [m.reason, m.delta, m.actorKind, m.note]);

describe('GET /rewards', () => {
  it("lists the rewards offered in the caller's subtree, filtered", async () => {
    const h = apiHarness();
    const list = async (token: string, query = '') => (await h.call('GET', `/rewards${query}`, { token })).body.data.map((r: { ref: string }) => r.ref);
    expect(await list(h.tokens.community)).toEqual(['G1', 'G2']);
    expect(await list(h.tokens.staff)).toEqual([]);
    expect(await list(h.tokens.root, `?merchantId=${h.ids.members.spa.id}`)).toEqual(['G2']);
    await h.call('POST', '/rewards/2/archive', { token: h.tokens.root });
    expect(await list(h.tokens.root, '?active=true')).toEqual(['G1']);
    expect(await list(h.tokens.root, '?active=false')).toEqual(['G2']);
  });

  it('shows a reward in the documented shape', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', '/rewards/1', { token: h.tokens.community });
    expect(answer.body).toEqual({
      id: 1,
      ref: 'G1',
      name: '理发券',
      description: '洗剪吹一次',
      pointsCost: 20,
      stock: 10,
      perMemberMonthlyLimit: 2,
      validDays: 90,
      merchantId: h.ids.members.barber.id,
      unitId: h.ids.units.community.id,
      active: true,
    });
    expect((await h.call('GET', '/rewards/99', { token: h.tokens.root })).status).toBe(404);
  });
});

describe('POST /rewards', () => {
  it('puts a reward in the shop, its first stock ledgered as the token, and the chat offers it at once', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/rewards', { token: h.tokens.community, body: newReward(h) });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ ref: 'G3', name: '洗车券', stock: 5, validDays: 90, perMemberMonthlyLimit: null, active: true });
    expect(movements(h, answer.body.id)).toEqual([['create', 5, 'token', null]]);

    const sent: ShellOutput[] = [];
    const chat = new ShellChat(h.services, (out) => sent.push(out), h.clock);
    await chat.say({ room: 'grid-1', user: 'jin', text: '商城' });
    expect(sent.map((o) => o.text).join('\n')).toContain('G3 洗车券');
    await chat.say({ room: 'grid-2', user: 'chen', text: '商城' });
    expect(sent.at(-1)!.text).not.toContain('洗车券');
  });

  it('creates once per Idempotency-Key; another body under the key is a 409', async () => {
    const h = apiHarness();
    const send = (body: unknown) => h.call('POST', '/rewards', { token: h.tokens.root, body, headers: { 'idempotency-key': 'car-wash' } });
    const first = await send(newReward(h));
    const again = await send(newReward(h));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await send(newReward(h, { stock: 6 }))).status).toBe(409);
    expect((await h.call('GET', '/rewards', { token: h.tokens.root })).body.data).toHaveLength(3);
  });

  it.each([
    ['no name', { name: ' ' }, 400, 'INVALID_INPUT'],
    ['a cost of zero', { pointsCost: 0 }, 400, 'INVALID_INPUT'],
    ['negative stock', { stock: -1 }, 400, 'INVALID_INPUT'],
    ['a merchant who is not one', { merchantId: 'wang' }, 400, 'INVALID_INPUT'],
    ['an unknown merchant', { merchantId: 999 }, 404, 'NOT_FOUND'],
    ['an unknown unit', { unitId: 999 }, 404, 'NOT_FOUND'],
    ['a unit outside the token', { unitId: 'grid2' }, 403, 'FORBIDDEN'],
    ['a unit above the token', { unitId: 'street' }, 403, 'FORBIDDEN'],
  ])('refuses %s', async (_, change, status, code) => {
    const h = apiHarness();
    const body: Record<string, unknown> = newReward(h, change);
    if (body.merchantId === 'wang') body.merchantId = h.ids.members.wang.id;
    if (body.unitId === 'street') body.unitId = h.ids.units.street.id;
    if (body.unitId === 'grid2') body.unitId = h.ids.units.grid2.id;
    const answer = await h.call('POST', '/rewards', {
      token: body.unitId === h.ids.units.grid2.id ? h.token('admin', h.ids.units.grid1.id) : h.tokens.community,
      body,
    });
    expect(answer.status, answer.text).toBe(status);
    expect(answer.body.code).toBe(code);
    expect(reconcile(h.services.db).checked.rewards).toBe(2);
  });

  it("lets a grid's shop use the community's merchant", async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/rewards', { token: h.token('admin', h.ids.units.grid1.id), body: newReward(h) });
    expect(answer).toMatchObject({ status: 201, body: { unitId: h.ids.units.grid1.id, merchantId: h.ids.members.barber.id } });
  });

  it("says in the caller's language why a merchant is refused", async () => {
    const h = apiHarness();
    const body = newReward(h, { merchantId: h.ids.members.wang.id });
    const zh = await h.call('POST', '/rewards', { token: h.tokens.root, body, headers: { 'accept-language': 'zh-CN' } });
    expect(zh.body.detail).toBe('王阿姨 不是商户，请先授予商户角色。');
  });
});

describe('PATCH /rewards/{id}', () => {
  it('changes what a reward is and costs, not its stock', async () => {
    const h = apiHarness();
    const answer = await h.call('PATCH', '/rewards/1', {
      token: h.tokens.community,
      body: { pointsCost: 25, perMemberMonthlyLimit: null, merchantId: h.ids.members.spa.id },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ pointsCost: 25, perMemberMonthlyLimit: null, merchantId: h.ids.members.spa.id, stock: 10, name: '理发券' });
  });

  it.each([
    ['nothing', {}, 400],
    ['stock', { stock: 3 }, 400],
    ['a zero cost', { pointsCost: 0 }, 400],
    ['a resident as merchant', { merchantId: 'jin' }, 400],
  ])('refuses %s', async (_, body: Record<string, unknown>, status) => {
    const h = apiHarness();
    if (body.merchantId === 'jin') body.merchantId = h.ids.members.jin.id;
    const answer = await h.call('PATCH', '/rewards/1', { token: h.tokens.community, body });
    expect(answer.status, answer.text).toBe(status);
  });
});

describe('POST /rewards/{id}/restock', () => {
  it('adds and writes off stock, each movement ledgered with the note', async () => {
    const h = apiHarness();
    const added = await h.call('POST', '/rewards/1/restock', { token: h.tokens.community, body: { quantity: 5, note: '新到一批' } });
    expect(added.body.stock).toBe(15);
    const off = await h.call('POST', '/rewards/1/restock', { token: h.tokens.community, body: { quantity: -3, note: '过期作废' } });
    expect(off.body.stock).toBe(12);
    expect(movements(h, 1).slice(1)).toEqual([
      ['restock', 5, 'token', '新到一批'],
      ['writeoff', -3, 'token', '过期作废'],
    ]);
    expect(reconcile(h.services.db).ok).toBe(true);
  });

  it('restocks once per Idempotency-Key', async () => {
    const h = apiHarness();
    const send = () => h.call('POST', '/rewards/1/restock', { token: h.tokens.root, body: { quantity: 5 }, headers: { 'idempotency-key': 'delivery-7' } });
    await send();
    const again = await send();
    expect(again.body.stock).toBe(15);
    expect((await h.call('GET', '/rewards/1', { token: h.tokens.root })).body.stock).toBe(15);
  });

  it.each([
    ['zero', { quantity: 0 }, 400, 'INVALID_INPUT'],
    ['a fraction', { quantity: 1.5 }, 400, 'INVALID_INPUT'],
    ['a write-off below zero', { quantity: -11 }, 409, 'CONFLICT'],
  ])('refuses %s', async (_, body, status, code) => {
    const h = apiHarness();
    const answer = await h.call('POST', '/rewards/1/restock', { token: h.tokens.root, body });
    expect(answer.status).toBe(status);
    expect(answer.body.code).toBe(code);
  });

  it('adds no stock to an archived reward, but writes its stock off, and adds again once it is back on offer', async () => {
    const h = apiHarness();
    const stock = (await h.call('POST', '/rewards/1/archive', { token: h.tokens.root })).body.stock as number;
    const answer = await h.call('POST', '/rewards/1/restock', { token: h.tokens.root, body: { quantity: 1 } });
    expect(answer).toMatchObject({ status: 409, body: { code: 'CONFLICT', detail: expect.stringContaining('put it back on offer first') } });
    const zh = await h.call('POST', '/rewards/1/restock', { token: h.tokens.root, body: { quantity: 1 }, headers: { 'accept-language': 'zh' } });
    expect(zh.body.detail).toContain('重新上架');
    const writtenOff = await h.call('POST', '/rewards/1/restock', { token: h.tokens.root, body: { quantity: -stock, note: '下架清点' } });
    expect(writtenOff).toMatchObject({ status: 200, body: { stock: 0, active: false } });
    const back = await h.call('PATCH', '/rewards/1', { token: h.tokens.root, body: { active: true } });
    expect(back).toMatchObject({ status: 200, body: { active: true, stock: 0 } });
    expect((await h.call('POST', '/rewards/1/restock', { token: h.tokens.root, body: { quantity: 3 } })).body).toMatchObject({ stock: 3, active: true });
    // and PATCH takes it off again, as /archive does, with other changes in the same call
    expect((await h.call('PATCH', '/rewards/1', { token: h.tokens.root, body: { active: false, pointsCost: 22 } })).body).toMatchObject({
      active: false,
      pointsCost: 22,
    });
    const actions = (await h.call('GET', '/audit?targetType=reward&targetId=1', { token: h.tokens.root })).body.data.map((a: { action: string }) => a.action);
    expect(actions.slice(0, 5)).toEqual(['reward.archive', 'reward.update', 'reward.restock', 'reward.unarchive', 'reward.restock']);
  });
});

describe('POST /rewards/{id}/archive', () => {
  it('takes it off the shelf; vouchers bought stay good; archiving again changes nothing', async () => {
    const h = apiHarness();
    const voucher = buy(h, 'yang');
    const archived = await h.call('POST', '/rewards/1/archive', { token: h.tokens.community });
    expect(archived.body).toMatchObject({ active: false, stock: 9 });
    expect((await h.call('POST', '/rewards/1/archive', { token: h.tokens.community })).body.active).toBe(false);
    expect((await h.call('GET', `/vouchers/${voucher.code}`, { token: h.tokens.community })).body.status).toBe('issued');
    expect((await h.call('POST', '/rewards/99/archive', { token: h.tokens.root })).status).toBe(404);
  });
});

describe('GET /rewards/{id}/stock', () => {
  it('lists every stock movement newest first, with who, why and the stock after it, paged and as CSV', async () => {
    const h = apiHarness();
    const created = await h.call('POST', '/rewards', { token: h.tokens.community, body: newReward(h, { stock: 5 }) });
    const id = created.body.id as number;
    await h.call('POST', `/rewards/${id}/restock`, { token: h.tokens.root, body: { quantity: 3, note: '新到货' } });
    buy(h, 'jin', id);
    const page = await h.call('GET', `/rewards/${id}/stock`, { token: h.tokens.staff });
    expect(page.status).toBe(200);
    expect(page.body.data.map((m: Record<string, unknown>) => [m.reason, m.delta, m.stockAfter, m.note, m.actorKind, m.actorId])).toEqual([
      ['redeem', -1, 7, null, 'member', String(h.ids.members.jin.id)],
      ['restock', 3, 8, '新到货', 'token', '0'],
      ['create', 5, 5, null, 'token', expect.any(String)],
    ]);
    expect(page.body.data[0].voucherId).toEqual(expect.any(Number));
    const first = await h.call('GET', `/rewards/${id}/stock?limit=2`, { token: h.tokens.staff });
    const second = await h.call('GET', `/rewards/${id}/stock?limit=2&cursor=${first.body.nextCursor}`, { token: h.tokens.staff });
    expect([...first.body.data, ...second.body.data]).toEqual(page.body.data);
    expect(second.body.nextCursor).toBeNull();
    const csv = await h.call('GET', `/rewards/${id}/stock?format=csv`, { token: h.tokens.staff });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.replace('\uFEFF', '').split('\r\n');
    expect(lines[0]).toBe('id,at,delta,reason,stockAfter,voucherId,note,actorKind,actorId');
    expect(lines[2]).toContain(',3,restock,8,,新到货,token,0');
  });

  it.each([
    ['an unknown reward', (h: Harness): [string, string] => ['/rewards/99/stock', h.tokens.root], 404],
    ['a reward outside the subtree', (h: Harness): [string, string] => ['/rewards/1/stock', h.tokens.grid2], 403],
    ['a merchant token', (h: Harness): [string, string] => ['/rewards/1/stock', h.tokens.merchant], 403],
  ] as const)('refuses %s', async (_, make, status) => {
    const h = apiHarness();
    const [path, token] = make(h);
    expect((await h.call('GET', path, { token })).status).toBe(status);
  });
});
