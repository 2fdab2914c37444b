import { and, eq } from 'drizzle-orm';
import { apiTokens, roleGrants, rooms } from '../../src/db/schema/index.js';
import { createBindingCode } from '../../src/domain/org/binding-codes.js';
import { requestLink } from '../../src/domain/org/link-requests.js';
import { fixtures } from './fixtures.js';
import type { Harness } from './harness.js';

/**
 * Every route of the API, with a request the root token may make. The security cases run over all of them:
 * a new route that is not listed here fails the coverage test in security.test.ts.
 */
export interface RouteCase {
  method: string;
  /** The OpenAPI path. */
  route: string;
  request: (h: Harness) => { path: string; body?: unknown };
  /** Staff tokens get 403 (admin-only routes). */
  adminOnly: boolean;
  /** The same call aimed at grid 1, made by grid 2's admin: 403. Lists filter instead and have none. */
  outside?: (h: Harness) => { path: string; body?: unknown };
  /**
   * Merchant tokens are refused the route's own request by default. A function: the route is open to
   * merchants, who are refused this request (another merchant's voucher). 'lists': they get their own.
   */
  merchant?: 'lists' | ((h: Harness) => { path: string; body?: unknown });
}

const grid1Room = (h: Harness) => h.services.db.select().from(rooms).where(eq(rooms.platformRoomId, 'grid-1')).get()!.id;
const jinGrant = (h: Harness) =>
  h.services.db
    .select()
    .from(roleGrants)
    .where(and(eq(roleGrants.memberId, h.ids.members.jin.id), eq(roleGrants.role, 'resident')))
    .get()!.id;
const staffTokenId = (h: Harness) =>
  h.services.db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.label, `staff@${h.ids.units.grid1.id}`))
    .get()!.id;

/** A stranger on Telegram asking, with a code a token made, to join 金阿姨 (who uses the shell chat): its id. */
const pendingLink = (h: Harness) =>
  requestLink(h.system, {
    code: createBindingCode(h.system, { memberId: h.ids.members.jin.id }).code,
    memberId: h.ids.members.jin.id,
    sender: { platform: 'telegram', platformUserId: '4242', displayName: 'Stranger' },
    roomId: null,
  }).request.id;

export const ROUTES: RouteCase[] = [
  {
    method: 'GET',
    route: '/units',
    request: () => ({ path: '/units' }),
    adminOnly: false,
    outside: (h) => ({ path: `/units?parent=${h.ids.units.grid1.id}` }),
  },
  {
    method: 'POST',
    route: '/units',
    request: (h) => ({ path: '/units', body: { parentId: h.ids.units.grid1.id, kind: 'building', name: '5号楼' } }),
    adminOnly: true,
    outside: (h) => ({ path: '/units', body: { parentId: h.ids.units.grid1.id, kind: 'building', name: '5号楼' } }),
  },
  {
    method: 'GET',
    route: '/units/{id}',
    request: (h) => ({ path: `/units/${h.ids.units.grid1.id}` }),
    adminOnly: false,
    outside: (h) => ({ path: `/units/${h.ids.units.grid1.id}` }),
  },
  {
    method: 'PATCH',
    route: '/units/{id}',
    request: (h) => ({ path: `/units/${h.ids.units.grid1.id}`, body: { pointsPerHour: 12 } }),
    adminOnly: true,
    outside: (h) => ({ path: `/units/${h.ids.units.grid1.id}`, body: { pointsPerHour: 12 } }),
  },
  {
    method: 'GET',
    route: '/members',
    request: () => ({ path: '/members' }),
    adminOnly: false,
    outside: (h) => ({ path: `/members?unitId=${h.ids.units.grid1.id}` }),
  },
  {
    method: 'POST',
    route: '/members',
    request: (h) => ({ path: '/members', body: { name: '张大爷', unitId: h.ids.units.grid1.id } }),
    adminOnly: false,
    outside: (h) => ({ path: '/members', body: { name: '张大爷', unitId: h.ids.units.grid1.id } }),
  },
  {
    method: 'GET',
    route: '/members/{id}',
    request: (h) => ({ path: `/members/${h.ids.members.jin.id}` }),
    adminOnly: false,
    outside: (h) => ({ path: `/members/${h.ids.members.jin.id}` }),
  },
  {
    method: 'PATCH',
    route: '/members/{id}',
    request: (h) => ({ path: `/members/${h.ids.members.jin.id}`, body: { phone: '13800000000' } }),
    adminOnly: false,
    outside: (h) => ({ path: `/members/${h.ids.members.jin.id}`, body: { phone: '13800000000' } }),
  },
  {
    method: 'POST',
    route: '/members/{id}/roles',
    request: (h) => ({ path: `/members/${h.ids.members.jin.id}/roles`, body: { role: 'volunteer', unitId: h.ids.units.grid1.id } }),
    adminOnly: false,
    outside: (h) => ({ path: `/members/${h.ids.members.jin.id}/roles`, body: { role: 'volunteer', unitId: h.ids.units.grid1.id } }),
  },
  {
    method: 'DELETE',
    route: '/members/{id}/roles/{roleId}',
    request: (h) => ({ path: `/members/${h.ids.members.jin.id}/roles/${jinGrant(h)}` }),
    adminOnly: false,
    outside: (h) => ({ path: `/members/${h.ids.members.jin.id}/roles/${jinGrant(h)}` }),
  },
  {
    method: 'POST',
    route: '/binding-codes',
    request: (h) => ({ path: '/binding-codes', body: { unitId: h.ids.units.grid1.id, purpose: 'residents' } }),
    adminOnly: false,
    outside: (h) => ({ path: '/binding-codes', body: { unitId: h.ids.units.grid1.id, purpose: 'residents' } }),
  },
  {
    method: 'GET',
    route: '/members/{id}/link-requests',
    request: (h) => ({ path: `/members/${h.ids.members.jin.id}/link-requests` }),
    adminOnly: true,
    outside: (h) => ({ path: `/members/${h.ids.members.jin.id}/link-requests` }),
  },
  {
    method: 'POST',
    route: '/link-requests/{id}',
    request: (h) => ({ path: `/link-requests/${pendingLink(h)}`, body: { decision: 'refuse' } }),
    adminOnly: true,
    outside: (h) => ({ path: `/link-requests/${pendingLink(h)}`, body: { decision: 'confirm' } }),
  },
  {
    method: 'GET',
    route: '/rooms',
    request: () => ({ path: '/rooms' }),
    adminOnly: false,
    outside: (h) => ({ path: `/rooms?unitId=${h.ids.units.grid1.id}` }),
  },
  {
    method: 'PATCH',
    route: '/rooms/{id}',
    request: (h) => ({ path: `/rooms/${grid1Room(h)}`, body: { purpose: 'staff' } }),
    adminOnly: true,
    outside: (h) => ({ path: `/rooms/${grid1Room(h)}`, body: { purpose: 'staff' } }),
  },
  {
    method: 'DELETE',
    route: '/rooms/{id}',
    request: (h) => ({ path: `/rooms/${grid1Room(h)}` }),
    adminOnly: true,
    outside: (h) => ({ path: `/rooms/${grid1Room(h)}` }),
  },
  {
    method: 'POST',
    route: '/broadcasts',
    request: (h) => ({ path: '/broadcasts', body: { unitId: h.ids.units.grid1.id, text: '燃气安全提醒' } }),
    adminOnly: false,
    outside: (h) => ({ path: '/broadcasts', body: { unitId: h.ids.units.grid1.id, text: '燃气安全提醒' } }),
  },
  ...ticketRoutes(),
  ...timebankRoutes(),
  { method: 'GET', route: '/tokens', request: () => ({ path: '/tokens' }), adminOnly: true },
  {
    method: 'POST',
    route: '/tokens',
    request: (h) => ({ path: '/tokens', body: { role: 'staff', unitId: h.ids.units.grid1.id, label: '一网格' } }),
    adminOnly: true,
    outside: (h) => ({ path: '/tokens', body: { role: 'staff', unitId: h.ids.units.grid1.id, label: '一网格' } }),
  },
  {
    method: 'DELETE',
    route: '/tokens/{id}',
    request: (h) => ({ path: `/tokens/${staffTokenId(h)}` }),
    adminOnly: true,
    outside: (h) => ({ path: `/tokens/${staffTokenId(h)}` }),
  },
  { method: 'GET', route: '/jobs', request: () => ({ path: '/jobs' }), adminOnly: true },
  {
    method: 'PATCH',
    route: '/jobs/{name}',
    request: () => ({ path: '/jobs/housekeeping', body: { enabled: false } }),
    adminOnly: true,
    outside: () => ({ path: '/jobs/housekeeping', body: { enabled: false } }),
  },
  {
    method: 'POST',
    route: '/jobs/{name}/run',
    request: () => ({ path: '/jobs/housekeeping/run' }),
    adminOnly: true,
    outside: () => ({ path: '/jobs/housekeeping/run' }),
  },
  { method: 'GET', route: '/audit', request: () => ({ path: '/audit' }), adminOnly: false },
];

function ticketRoutes(): RouteCase[] {
  const grid1 = (h: Harness) => h.ids.units.grid1.id;
  const ticket = (h: Harness) => fixtures(h).ticket.id;
  const same = (make: (h: Harness) => { path: string; body?: unknown }) => ({ request: make, outside: make });
  return [
    { method: 'GET', route: '/tickets', request: () => ({ path: '/tickets' }), adminOnly: false, outside: (h) => ({ path: `/tickets?unitId=${grid1(h)}` }) },
    { method: 'GET', route: '/tickets/{id}', adminOnly: false, ...same((h) => ({ path: `/tickets/${ticket(h)}` })) },
    {
      method: 'POST',
      route: '/tickets/{id}/assign',
      adminOnly: false,
      ...same((h) => ({ path: `/tickets/${ticket(h)}/assign`, body: { memberId: h.ids.members.li.id } })),
    },
    {
      method: 'POST',
      route: '/tickets/{id}/escalate',
      adminOnly: false,
      ...same((h) => ({ path: `/tickets/${ticket(h)}/escalate`, body: { note: '需要社区协调' } })),
    },
    {
      method: 'POST',
      route: '/tickets/{id}/cancel',
      adminOnly: false,
      ...same((h) => ({ path: `/tickets/${ticket(h)}/cancel`, body: { reason: '重复报事' } })),
    },
    { method: 'GET', route: '/categories', request: () => ({ path: '/categories' }), adminOnly: false },
    { method: 'POST', route: '/categories', adminOnly: true, ...same(() => ({ path: '/categories', body: { name: '电梯', keywords: ['电梯'] } })) },
    { method: 'PATCH', route: '/categories/{id}', adminOnly: true, ...same(() => ({ path: '/categories/1', body: { takeMinutes: 20 } })) },
  ];
}

function timebankRoutes(): RouteCase[] {
  const grid1 = (h: Harness) => h.ids.units.grid1.id;
  const same = (make: (h: Harness) => { path: string; body?: unknown }) => ({ request: make, outside: make });
  const barber = (h: Harness) => fixtures(h).barberVoucher.code;
  const spa = (h: Harness) => ({ path: `/vouchers/${fixtures(h).spaVoucher.code}` });
  return [
    { method: 'GET', route: '/tasks', request: () => ({ path: '/tasks' }), adminOnly: false, outside: (h) => ({ path: `/tasks?unitId=${grid1(h)}` }) },
    { method: 'GET', route: '/tasks/{id}', adminOnly: false, ...same((h) => ({ path: `/tasks/${fixtures(h).task.id}` })) },
    { method: 'POST', route: '/tasks', adminOnly: false, ...same((h) => ({ path: '/tasks', body: { unitId: grid1(h), title: '义诊', slots: 2 } })) },
    {
      method: 'GET',
      route: '/rewards',
      request: () => ({ path: '/rewards' }),
      adminOnly: false,
      outside: (h) => ({ path: `/rewards?unitId=${h.ids.units.community.id}` }),
    },
    { method: 'GET', route: '/rewards/{id}', adminOnly: false, ...same(() => ({ path: '/rewards/1' })) },
    {
      method: 'POST',
      route: '/rewards',
      adminOnly: true,
      ...same((h) => ({ path: '/rewards', body: { unitId: grid1(h), name: '洗车券', pointsCost: 15, stock: 5, merchantId: h.ids.members.barber.id } })),
    },
    { method: 'PATCH', route: '/rewards/{id}', adminOnly: true, ...same(() => ({ path: '/rewards/1', body: { pointsCost: 25 } })) },
    { method: 'POST', route: '/rewards/{id}/restock', adminOnly: true, ...same(() => ({ path: '/rewards/1/restock', body: { quantity: 5 } })) },
    { method: 'POST', route: '/rewards/{id}/archive', adminOnly: true, ...same(() => ({ path: '/rewards/1/archive' })) },
    { method: 'GET', route: '/rewards/{id}/stock', adminOnly: false, ...same(() => ({ path: '/rewards/1/stock' })) },
    { method: 'GET', route: '/vouchers', request: () => ({ path: '/vouchers' }), adminOnly: false, merchant: 'lists' },
    { method: 'GET', route: '/vouchers/{code}', adminOnly: false, ...same((h) => ({ path: `/vouchers/${barber(h)}` })), merchant: spa },
    {
      method: 'POST',
      route: '/vouchers/{code}/redeem',
      adminOnly: true,
      ...same((h) => ({ path: `/vouchers/${barber(h)}/redeem` })),
      merchant: (h) => ({ path: `${spa(h).path}/redeem` }),
    },
    { method: 'POST', route: '/vouchers/{code}/cancel', adminOnly: true, ...same((h) => ({ path: `/vouchers/${barber(h)}/cancel` })) },
    { method: 'GET', route: '/members/{id}/ledger', adminOnly: false, ...same((h) => ({ path: `/members/${h.ids.members.jin.id}/ledger` })) },
    {
      method: 'POST',
      route: '/ledger/adjustments',
      adminOnly: true,
      ...same((h) => ({ path: '/ledger/adjustments', body: { memberId: h.ids.members.jin.id, unitId: grid1(h), points: 10, reason: '认养花园' } })),
    },
    { method: 'GET', route: '/reports/tickets', adminOnly: false, ...same((h) => ({ path: `/reports/tickets?unitId=${grid1(h)}` })) },
    { method: 'GET', route: '/reports/timebank', adminOnly: false, ...same((h) => ({ path: `/reports/timebank?unitId=${grid1(h)}` })) },
    { method: 'GET', route: '/reports/monthly', adminOnly: false, ...same((h) => ({ path: `/reports/monthly?unitId=${grid1(h)}` })) },
    { method: 'GET', route: '/reports/quarterly', adminOnly: false, ...same((h) => ({ path: `/reports/quarterly?unitId=${grid1(h)}` })) },
    { method: 'GET', route: '/reports/annual', adminOnly: false, ...same((h) => ({ path: `/reports/annual?unitId=${grid1(h)}` })) },
  ];
}

export const routeLabel = (r: RouteCase) => `${r.method} ${r.route}`;
