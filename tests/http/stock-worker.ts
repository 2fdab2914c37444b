/**
 * One of two processes racing on one database file for the stock test: it serves the admin API over
 * the file, says "ready", waits for "go" on stdin so both start together, does its part, and prints one
 * JSON line with what succeeded.
 *   tsx stock-worker.ts <db file> <reward id> restock <count> <codes to cancel, comma separated>
 *   tsx stock-worker.ts <db file> <reward id> buy <member ids, comma separated> <codes to use, comma separated>
 * The restocker restocks one at a time and refunds vouchers through the API; the buyer buys in the
 * domain, as the chat does, and has the merchant use vouchers through the API.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config.js';
import type { Ctx } from '../../src/domain/context.js';
import { redeem } from '../../src/domain/rewards/redeem.js';
import { isDomainError } from '../../src/errors.js';
import { createHttpApp } from '../../src/http/app.js';
import { silentLogger } from '../../src/log.js';
import { createServices } from '../../src/services.js';

export const WORKER_TOKEN = 'stock-race-admin-token-0123456789abcdefgh';

const [file, rewardArg, mode, first = '', second = ''] = process.argv.slice(2);
const rewardId = Number(rewardArg);
const config = loadConfig({ LINLI_DB: file!, LINLI_SEED: 'off', LINLI_ADMIN_TOKEN: WORKER_TOKEN, LINLI_RATE_LIMIT: '100000' });
const services = createServices({ config, log: silentLogger });
const app = createHttpApp(services);
const list = (arg: string) => arg.split(',').filter(Boolean);

async function call(path: string, body?: unknown): Promise<number> {
  const response = await app.request(`/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WORKER_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  await response.text();
  return response.status;
}

async function restocker(count: number, codes: string[]) {
  const done = { restocked: 0, cancelled: 0, failed: [] as number[] };
  for (let i = 0; i < Math.max(count, codes.length); i++) {
    if (i < count) {
      const status = await call(`/rewards/${rewardId}/restock`, { quantity: 1 });
      if (status === 200) done.restocked++;
      else done.failed.push(status);
    }
    if (i < codes.length) {
      const status = await call(`/vouchers/${codes[i]}/cancel`);
      if (status === 200) done.cancelled++;
      else done.failed.push(status);
    }
  }
  return done;
}

async function buyer(memberIds: number[], codes: string[]) {
  const done = { bought: 0, outOfStock: 0, used: 0, failed: [] as (number | string)[] };
  for (let i = 0; i < Math.max(memberIds.length, codes.length); i++) {
    if (i < memberIds.length) {
      const ctx: Ctx = { ...services.deps, actor: { kind: 'member', memberId: memberIds[i]! } };
      try {
        redeem(ctx, { rewardId, idempotencyKey: `worker-${process.pid}-${i}` });
        done.bought++;
      } catch (error) {
        if (isDomainError(error) && error.code === 'OUT_OF_STOCK') done.outOfStock++;
        else done.failed.push(String(error));
      }
      // Yield, as a chat handler would between messages.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (i < codes.length) {
      const status = await call(`/vouchers/${codes[i]}/redeem`);
      if (status === 200) done.used++;
      else done.failed.push(status);
    }
  }
  return done;
}

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'go') continue;
  const result = mode === 'restock' ? await restocker(Number(first), list(second)) : await buyer(list(first).map(Number), list(second));
  process.stdout.write(JSON.stringify(result) + '\n');
  break;
}
await services.close();
