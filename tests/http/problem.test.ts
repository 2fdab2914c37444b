import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.js';
import { createHttpApp } from '../../src/http/app.js';
import { preferredLang, STATUS_OF } from '../../src/http/problem.js';
import { demoServices } from '../helpers/services.js';
import { buy } from './fixtures.js';
import { apiHarness } from './harness.js';

describe('the problem shape', () => {
  it('maps each domain code to its status', () => {
    const expected: Record<ErrorCode, number> = {
      INVALID_INPUT: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      INSUFFICIENT_POINTS: 409,
      OUT_OF_STOCK: 409,
      LIMIT_REACHED: 409,
      ALREADY_USED: 409,
      EXPIRED: 409,
      RATE_LIMITED: 429,
    };
    expect(STATUS_OF).toEqual({ ...expected, UNSUPPORTED_MEDIA_TYPE: 415, PAYLOAD_TOO_LARGE: 413, INTERNAL: 500, STORE_BUSY: 503, STORE_FULL: 503 });
  });

  it('renders a domain error as problem+json, with detail from its i18n key', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', '/units/9999', { token: h.tokens.root });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body).toEqual({
      type: 'urn:linli:problem:not-found',
      title: 'Not found',
      status: 404,
      detail: 'Unit 9999 not found.',
      code: 'NOT_FOUND',
      instance: `urn:linli:request:${answer.headers.get('x-request-id')}`,
    });
  });

  it.each([
    [undefined, 'Unit 9999 not found.'],
    ['zh-CN,zh;q=0.9,en;q=0.8', '找不到单位 9999。'],
    ['en-US,zh;q=0.5', 'Unit 9999 not found.'],
    ['fr, zh-TW;q=0.3', '找不到单位 9999。'],
    ['fr', 'Unit 9999 not found.'],
  ])('writes detail for Accept-Language %s', async (accept, detail) => {
    const h = apiHarness();
    const headers: Record<string, string> = accept ? { 'accept-language': accept } : {};
    expect((await h.call('GET', '/units/9999', { token: h.tokens.root, headers })).body.detail).toBe(detail);
  });

  it.each([
    ['', 'en'],
    ['zh', 'zh'],
    ['en;q=0.4, zh-Hans;q=0.6', 'zh'],
    ['zh;q=0, en', 'en'],
    ['de-DE', 'en'],
  ] as const)('prefers %j → %s', (header, lang) => {
    expect(preferredLang(header || undefined)).toBe(lang);
  });

  it('lists every failing field of a validation error', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/units', { token: h.tokens.root, body: { parentId: 'x', kind: 'castle', name: '' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: 'urn:linli:problem:invalid-input', status: 400, code: 'INVALID_INPUT' });
    expect(answer.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.kind', 'body.name', 'body.parentId']);
    for (const error of answer.body.errors) expect(error.message).toEqual(expect.any(String));
  });

  it.each([
    ['en', 'Invalid input: ', ['Expected a number', 'Expected one of: "street", "community"', 'Must not be empty'], '; '],
    ['zh', '输入有误：', ['应为数字', '应为以下之一：', '不能为空'], '；'],
  ] as const)('words validation failures in the client’s language (%s)', async (lang, lead, parts, separator) => {
    const h = apiHarness();
    const answer = await h.call('POST', '/units', {
      token: h.tokens.root,
      headers: { 'accept-language': lang },
      body: { parentId: 'x', kind: 'castle', name: '' },
    });
    expect(answer.body.detail.startsWith(lead)).toBe(true);
    expect(answer.body.detail).toContain('body.parentId: ');
    expect(answer.body.detail).toContain(separator);
    for (const part of parts) expect(answer.body.detail).toContain(part);
    // nothing of zod's English is left in Chinese
    if (lang === 'zh') expect(answer.body.detail).not.toMatch(/Invalid|expected|Too small/i);
  });

  it.each([
    ['en', 'Required'],
    ['zh', '必填'],
  ] as const)('says a missing field is required (%s)', async (lang, message) => {
    const h = apiHarness();
    const answer = await h.call('POST', '/units', { token: h.tokens.root, headers: { 'accept-language': lang }, body: { parentId: 1, kind: 'grid' } });
    expect(answer.body.errors).toEqual([{ path: 'body.name', message }]);
  });

  it('words a refinement and a range in Chinese too', async () => {
    const h = apiHarness();
    const zh = { 'accept-language': 'zh' };
    const zero = await h.call('POST', '/ledger/adjustments', { token: h.tokens.root, headers: zh, body: { memberId: 1, unitId: 2, points: 0, reason: 'x' } });
    expect(zero.body.errors).toEqual([{ path: 'body.points', message: '不能为 0' }]);
    expect((await h.call('GET', '/units?limit=501', { token: h.tokens.root, headers: zh })).body.errors).toEqual([
      { path: 'query.limit', message: '不能大于 500' },
    ]);
    expect((await h.call('GET', '/audit?from=yesterday', { token: h.tokens.root, headers: zh })).body.errors[0].message).toContain('ISO 8601');
  });

  it.each([
    ['GET', '/tasks/99', 'en', 'Task W99 not found.'],
    ['GET', '/tasks/99', 'zh', '找不到任务 W99。'],
    ['GET', '/rewards/99', 'en', 'Reward G99 not found.'],
    ['GET', '/rewards/99', 'zh', '找不到奖品 G99。'],
  ])('words a chat refusal for the API: %s %s (%s)', async (method, path, lang, detail) => {
    const h = apiHarness();
    const answer = await h.call(method, path, { token: h.tokens.root, headers: { 'accept-language': lang } });
    expect(answer.body).toMatchObject({ status: 404, code: 'NOT_FOUND', detail });
  });

  it('puts no chat emoji in a voucher refusal, and keeps its code', async () => {
    const h = apiHarness();
    const voucher = buy(h, 'yang', 1);
    expect((await h.call('POST', `/vouchers/${voucher.code}/cancel`, { token: h.tokens.root })).status).toBe(200);
    for (const lang of ['en', 'zh']) {
      const answer = await h.call('POST', `/vouchers/${voucher.code}/redeem`, { token: h.tokens.root, headers: { 'accept-language': lang } });
      expect(answer.body.code).toBe('CONFLICT');
      expect(answer.body.detail).toMatch(lang === 'en' ? /^This 理发券 voucher was cancelled on / : /^这张理发券已于 .* 退券/);
      expect(answer.body.detail).not.toMatch(/\p{Extended_Pictographic}/u);
    }
  });

  it('names query and path fields too', async () => {
    const h = apiHarness();
    expect((await h.call('GET', '/units?limit=501', { token: h.tokens.root })).body.errors).toEqual([
      { path: 'query.limit', message: expect.stringContaining('500') },
    ]);
    expect((await h.call('GET', '/units/abc', { token: h.tokens.root })).body.errors[0].path).toBe('path.id');
  });

  it('explains the closest shape of a one-of body', async () => {
    const h = apiHarness();
    const answer = await h.call('POST', '/binding-codes', { token: h.tokens.root, body: { memberId: 'seven' } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: 'body.memberId', message: expect.any(String) }]);
  });

  it('refuses a body that is not JSON, or not sent as JSON', async () => {
    const h = apiHarness();
    const broken = await h.call('POST', '/units', { token: h.tokens.root, raw: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ code: 'INVALID_INPUT', detail: 'The request body is not valid JSON.' });
    const form = await h.call('POST', '/units', { token: h.tokens.root, raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect(form.headers.get('content-type')).toBe('application/problem+json');
    // a code of its own: the body may be fine, it was sent as the wrong type
    expect(form.body).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      type: 'urn:linli:problem:unsupported-media-type',
      title: 'Unsupported media type',
      status: 415,
    });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const h = apiHarness();
    const answer = await h.call('GET', '/api/v1/nothing-here', { token: h.tokens.root });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'NOT_FOUND', detail: expect.stringContaining('/api/v1/nothing-here') });
  });

  it('hides an unexpected failure behind a 500 problem, and logs it', async () => {
    const { services } = demoServices();
    const logged: string[] = [];
    services.log = { ...services.log, child: () => ({ ...services.log, error: (m: string) => void logged.push(m) }) };
    const app = createHttpApp(services, [
      (a) =>
        a.get('/boom', () => {
          throw new Error('disk on fire');
        }),
    ]);
    const response = await app.request('/boom');
    expect(response.status).toBe(500);
    const body = (await response.json()) as { code: string; detail: string };
    expect(body).toMatchObject({ code: 'INTERNAL', status: 500 });
    expect(body.detail).not.toContain('disk');
    expect(logged).toEqual(['http request failed']);
  });

  it('keeps /healthz public and other parts mounted', async () => {
    const h = apiHarness();
    expect((await h.call('GET', '/healthz')).body).toMatchObject({ status: 'ok' });
  });
});

describe('request bodies', () => {
  it('answers a body over 64 KB with a 413 problem, before reading it', async () => {
    const h = apiHarness();
    const body = { unitId: h.ids.units.grid1.id, text: '燃'.repeat(70_000) };
    const answer = await h.call('POST', '/broadcasts', { token: h.tokens.root, body, headers: { 'accept-language': 'zh' } });
    expect(answer.status).toBe(413);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', detail: expect.stringContaining('64 KB') });
  });

  it('takes the longest broadcast, even with every character escaped', async () => {
    const h = apiHarness();
    const raw = JSON.stringify({ unitId: h.ids.units.grid1.id, text: 'x' }).replace('"x"', `"${'\\u71c3'.repeat(2000)}"`);
    const answer = await h.call('POST', '/broadcasts', { token: h.tokens.root, raw, headers: { 'content-type': 'application/json' } });
    expect(answer.status, answer.text).toBe(202);
  });

  it('refuses a too large body sent without its length', async () => {
    const h = apiHarness();
    const chunk = new TextEncoder().encode(JSON.stringify({ unitId: 1, text: 'x'.repeat(40_000) }));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await h.app.request('/api/v1/broadcasts', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.tokens.root}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });
});
