import { SimulatedClock } from '../../src/clock.js';
import type { TokenRole } from '../../src/db/schema/index.js';
import type { Ctx } from '../../src/domain/context.js';
import type { DemoIds } from '../../src/domain/seed/demo.js';
import { createToken } from '../../src/domain/tokens.js';
import { createHttpApp } from '../../src/http/app.js';
import type { Services } from '../../src/services.js';
import { demoServices, START } from '../helpers/services.js';

/** LINLI_ADMIN_TOKEN of the harness. */
export const ROOT_TOKEN = 'root-admin-token-for-tests-0123456789abcdef';

export interface Call {
  token?: string | undefined;
  body?: unknown;
  /** Sent as is, instead of JSON. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the response is not JSON. */
  body: any;
  text: string;
}

export interface Harness {
  services: Services;
  ids: DemoIds;
  clock: SimulatedClock;
  system: Ctx;
  app: ReturnType<typeof createHttpApp>;
  /** Tokens of the demo: the root token, admins of the street, the community and grid 2, staff of grid 1, a merchant. */
  tokens: Record<'root' | 'street' | 'community' | 'grid2' | 'staff' | 'merchant', string>;
  token(role: TokenRole, unitId: number | null, merchantId?: number): string;
  call(method: string, path: string, options?: Call): Promise<Answer>;
}

/** The demo neighbourhood behind the HTTP app, with a token for each kind of caller. */
export function apiHarness(env: Record<string, string> = {}): Harness {
  const clock = new SimulatedClock(START);
  const { services, ids } = demoServices({ clock, env: { LINLI_ADMIN_TOKEN: ROOT_TOKEN, ...env } });
  const system: Ctx = { ...services.deps, actor: { kind: 'system', job: 'test' } };
  const app = createHttpApp(services);
  const token = (role: TokenRole, unitId: number | null, merchantId?: number) =>
    createToken(system, { role, unitId, merchantId: merchantId ?? null, label: `${role}@${unitId ?? 'all'}` }).secret;
  const { street, community, grid1, grid2 } = ids.units;
  const tokens = {
    root: ROOT_TOKEN,
    street: token('admin', street.id),
    community: token('admin', community.id),
    grid2: token('admin', grid2.id),
    staff: token('staff', grid1.id),
    merchant: token('merchant', community.id, ids.members.barber.id),
  };
  async function call(method: string, path: string, options: Call = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let requestBody: string | undefined;
    if (options.raw !== undefined) requestBody = options.raw;
    else if (options.body !== undefined) {
      requestBody = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const url = path.startsWith('/') && !path.startsWith('/api') && path !== '/docs' && path !== '/healthz' ? `/api/v1${path}` : path;
    const response = await app.request(url, { method, headers, body: requestBody });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, text, body: type.includes('json') ? JSON.parse(text) : text };
  }
  return { services, ids, clock, system, app, tokens, token, call };
}
