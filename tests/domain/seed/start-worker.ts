/**
 * A separate process that starts Linli's services on a database file, for the start-up race test: it says
 * "ready", waits for "go" on stdin so several workers start together, then prints one JSON line.
 *   tsx start-worker.ts <db file> [open-late]
 * With "open-late" it also opens (and migrates) the database only on "go"; by default before "ready", so
 * the workers meet where they decide whether to seed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../../src/config.js';
import { openDatabase } from '../../../src/db/client.js';
import { silentLogger } from '../../../src/log.js';
import { createServices } from '../../../src/services.js';

const [file, mode] = process.argv.slice(2);
const config = loadConfig({ LINLI_DB: file!, LINLI_DATA_DIR: mkdtempSync(join(tmpdir(), 'linli-start-')), LINLI_SEED: 'on' });
const early = mode === 'open-late' ? undefined : openDatabase(file!);

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'go') continue;
  const services = createServices({ config, db: early ?? openDatabase(file!), log: silentLogger });
  process.stdout.write(JSON.stringify({ seeded: services.seeded }) + '\n');
  await services.close();
  break;
}
