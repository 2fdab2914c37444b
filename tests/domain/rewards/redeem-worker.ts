/**
 * A separate process that redeems a reward on a database file, for the race and crash tests: it says
 * "ready", waits for "go" on stdin so two workers start together, then prints one JSON line.
 *   tsx redeem-worker.ts <db file> <member id> <reward id> [crash]
 * With "crash" it dies (SIGKILL) inside the transaction, after the redeem and before the commit.
 */
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { renderNotice } from '../../../src/chat/render/index.js';
import { renderMessage } from '../../../src/i18n/index.js';
import { systemClock } from '../../../src/clock.js';
import { inTransaction, openDatabase } from '../../../src/db/client.js';
import type { Ctx } from '../../../src/domain/context.js';
import { redeem } from '../../../src/domain/rewards/redeem.js';
import { isDomainError } from '../../../src/errors.js';

const [file, memberId, rewardId, mode] = process.argv.slice(2);
const db = openDatabase(file!, { migrate: false });
const ctx: Ctx = {
  db,
  clock: systemClock,
  settings: { lang: 'zh', timeZone: 'Asia/Shanghai', dataDir: tmpdir() },
  render: renderNotice,
  actor: { kind: 'member', memberId: Number(memberId) },
};
const input = { rewardId: Number(rewardId), idempotencyKey: `worker-${process.pid}` };

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'go') continue;
  try {
    if (mode === 'crash') {
      inTransaction(db, () => {
        redeem(ctx, input);
        process.kill(process.pid, 'SIGKILL');
      });
    }
    const { voucher } = redeem(ctx, input);
    process.stdout.write(JSON.stringify({ ok: true, voucherId: voucher.id }) + '\n');
  } catch (error) {
    if (!isDomainError(error)) throw error;
    process.stdout.write(JSON.stringify({ ok: false, code: error.code, message: renderMessage('zh', error.key, error.params) }) + '\n');
  }
  break;
}
db.$client.close();
