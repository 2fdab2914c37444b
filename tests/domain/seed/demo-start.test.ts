import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { openDatabase } from '../../../src/db/client.js';
import { rooms, units } from '../../../src/db/schema/index.js';
import { silentLogger } from '../../../src/log.js';
import { createServices } from '../../../src/services.js';
import { raceWorker } from '../../helpers/spawn.js';

const WORKER = fileURLToPath(new URL('./start-worker.ts', import.meta.url));
const newFile = () => join(mkdtempSync(join(tmpdir(), 'linli-seed-')), 'linli.db');

describe('seeding the demo on start', () => {
  it.each([
    ['migrated, then seed', []],
    ['migrate and seed', ['open-late']],
  ])('seeds once when several processes start together on one new database (%s), and all of them come up', { timeout: 60_000 }, async (_, args) => {
    const file = newFile();
    const workers = [0, 1, 2].map(() => raceWorker<{ seeded: boolean }>(WORKER, [file, ...args]));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const done = await Promise.all(workers.map((w) => w.done));
    expect(done.map((d) => [d.code, d.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    expect(done.filter((d) => d.result?.seeded)).toHaveLength(1);
    const db = openDatabase(file);
    expect(db.select({ n: count() }).from(units).get()?.n).toBe(5);
    db.$client.close();
  });

  it('does not seed into a database already used without the demo', async () => {
    const file = newFile();
    const config = loadConfig({ LINLI_DB: file, LINLI_DATA_DIR: mkdtempSync(join(tmpdir(), 'linli-seed-')), LINLI_SEED: 'on' });
    const bare = createServices({ config, log: silentLogger, seed: false });
    await bare.core.handle({
      platform: 'shell',
      roomId: 'grid-1',
      roomName: 'grid-1',
      isPrivate: false,
      senderId: 'jin',
      senderName: 'jin',
      messageId: 'm-1',
      text: '/me',
    });
    await bare.close();
    const again = createServices({ config, log: silentLogger });
    expect(again.seeded).toBe(false);
    expect(again.db.select({ n: count() }).from(rooms).get()?.n).toBe(1);
    await again.close();
  });
});
