/**
 * API fuzz driven by the OpenAPI document: every operation it lists is called with malformed and
 * boundary inputs (wrong types, huge strings, negative and huge numbers, bad ids, unknown fields, empty
 * bodies, wrong content types, broken JSON). No answer may be a 5xx; every error is problem+json; every
 * status is one the document lists for that operation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiHarness } from '../http/harness.js';

const SEED = 4_13;
/** Requests per operation. */
const RUNS = 100;

interface Operation {
  method: string;
  path: string;
  op: {
    operationId: string;
    parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: Schema }[];
    requestBody?: { content: Record<string, { schema: Schema }> };
    responses: Record<string, unknown>;
  };
}
type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; enum?: unknown[]; items?: Schema } & Record<string, unknown>;

/** A value of the wrong kind or at the edge: what a careless or hostile client sends. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1.5,
    -2147483649,
    2 ** 53 + 1,
    1e308,
    -1e308,
    '',
    ' ',
    '0',
    '-1',
    'NaN',
    'null',
    '1e999',
    '../../etc/passwd',
    '%00',
    "' OR 1=1 --",
    '\u0000',
    '\u202e',
    '𠮷'.repeat(3000),
    'x'.repeat(70_000),
    [],
    {},
    [1, 2],
    { $gt: '' },
    { __proto__: { admin: true } },
  ),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A path segment: real ids, and what is not one. */
const segment = fc.oneof(
  fc.constantFrom('1', '2', '3', '0', '-1', '999999', '99999999999999999999', '1.5', '1e3', 'abc', 'G1', 'T1', 'null', ' ', '%20', '%00', '..', 'ÄÖ', '𠮷'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  fc.constantFrom('ABCDEFGHJKLM', 'abcdefghjklm', 'x'.repeat(3000), 'patrol-reminder', 'reconcile'),
);

/** A body: the schema's own fields with hostile values, unknown fields, or no object at all. */
function bodyFor(schema: Schema | undefined, schemas: Record<string, Schema>): fc.Arbitrary<unknown> {
  const resolved = schema?.$ref ? schemas[schema.$ref.split('/').pop()!] : schema;
  const fields = Object.keys(resolved?.properties ?? {});
  const object = fc
    .tuple(
      fc.subarray(fields),
      fc.array(fc.tuple(fc.constantFrom('extra', 'admin', '__proto__', 'id', 'constructor', 'x'.repeat(300)), hostile), { maxLength: 2 }),
      fc.array(hostile, { minLength: fields.length, maxLength: fields.length }),
      fc.boolean(),
    )
    .map(([chosen, extra, values, addExtra]) => {
      const body: Record<string, unknown> = {};
      for (const [i, f] of chosen.entries()) body[f] = values[i];
      if (addExtra) for (const [k, v] of extra) Object.defineProperty(body, k, { value: v, enumerable: true, writable: true, configurable: true });
      return body;
    });
  return fc.oneof({ weight: 6, arbitrary: object }, { weight: 1, arbitrary: hostile });
}

interface Attempt {
  path: string;
  query: string;
  /** undefined: no body. */
  body: string | undefined;
  contentType: string | undefined;
  idempotencyKey: string | undefined;
  token: 'root' | 'community' | 'merchant' | 'none' | 'bad';
}

function attempts(operation: Operation, schemas: Record<string, Schema>): fc.Arbitrary<Attempt> {
  const pathParams = (operation.op.parameters ?? []).filter((p) => p.in === 'path');
  const queryParams = (operation.op.parameters ?? []).filter((p) => p.in === 'query');
  const bodySchema = operation.op.requestBody?.content['application/json']?.schema;
  return fc.record({
    path: fc
      .array(segment, { minLength: pathParams.length, maxLength: pathParams.length })
      .map((values) => pathParams.reduce((path, p, i) => path.replace(`{${p.name}}`, encodeURIComponent(values[i]!)), operation.path)),
    query: fc
      .array(fc.tuple(fc.constantFrom(...queryParams.map((p) => p.name), 'unknown', 'limit', 'cursor', 'format'), hostile), { maxLength: 4 })
      .map((pairs) => new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')])).toString()),
    body: fc.oneof(
      { weight: 6, arbitrary: bodyFor(bodySchema, schemas).map((b) => JSON.stringify(b) ?? 'null') },
      { weight: 1, arbitrary: fc.constantFrom(undefined, '', '{', '{"a":', '[', 'null', '\u0000', '{"quantity": 1,}', "{'a': 1}") },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
    ),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/json; charset=utf-8',
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/problem+json',
      'application/jsonx',
    ),
    // Header values are bytes: what a client can send at all (fetch refuses the rest before it leaves).
    idempotencyKey: fc.oneof(fc.constant(undefined), fc.constantFrom('k1', 'k2', ' ', 'clé', 'x'.repeat(300)), fc.stringMatching(/^[ -~]{0,20}$/)),
    token: fc.constantFrom('root', 'root', 'root', 'community', 'merchant', 'none', 'bad'),
  });
}

describe('API fuzz from the OpenAPI document', () => {
  it('answers every operation with a documented status, never a 5xx, every error a problem', async () => {
    const h = apiHarness({ LINLI_RATE_LIMIT: '1000000' });
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body;
    const schemas: Record<string, Schema> = doc.components?.schemas ?? {};
    const operations: Operation[] = Object.entries(doc.paths as Record<string, Record<string, Operation['op']>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(22);
    const tokens = { root: h.tokens.root, community: h.tokens.community, merchant: h.tokens.merchant, none: undefined, bad: 'not-a-token' };
    const failures: string[] = [];
    let calls = 0;
    for (const [n, operation] of operations.entries()) {
      const documented = new Set(Object.keys(operation.op.responses));
      for (const a of fc.sample(attempts(operation, schemas), { seed: SEED + n, numRuns: RUNS })) {
        const headers: Record<string, string> = {};
        if (a.contentType && a.body !== undefined) headers['content-type'] = a.contentType;
        if (a.idempotencyKey !== undefined) headers['idempotency-key'] = a.idempotencyKey;
        const token = tokens[a.token];
        if (token) headers.authorization = `Bearer ${token}`;
        const url = `/api/v1${a.path}${a.query ? `?${a.query}` : ''}`;
        let answer: Response;
        try {
          answer = await h.app.request(url, {
            method: operation.method,
            headers,
            ...(a.body !== undefined && operation.method !== 'GET' ? { body: a.body } : {}),
          });
        } catch (error) {
          failures.push(`${operation.method} ${url}: threw ${String(error)}`);
          continue;
        }
        calls++;
        const text = await answer.text();
        const type = answer.headers.get('content-type') ?? '';
        const what = `${operation.method} ${operation.path} → ${answer.status} for ${url.slice(0, 200)} ${a.token} ${a.contentType} ${JSON.stringify(a.body?.slice(0, 200))}: ${text.slice(0, 300)}`;
        if (answer.status >= 500) failures.push(`5xx: ${what}`);
        else if (!documented.has(String(answer.status))) failures.push(`undocumented status: ${what}`);
        else if (answer.status >= 400 && !type.startsWith('application/problem+json')) failures.push(`not a problem (${type}): ${what}`);
      }
    }
    expect(failures.slice(0, 10), `${failures.length} bad of ${calls} calls (seed ${SEED})`).toEqual([]);
    expect(calls).toBe(operations.length * RUNS);
  });
});
