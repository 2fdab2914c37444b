/**
 * Commits a chat message costs, end to end in the shell chat (handle, reply, mark it sent, deliver what it
 * left in the outbox), on a database file with the production pragmas, by whether each waited for the disk
 * (an fsync of the WAL at synchronous=FULL). Counted from the commit frames in the WAL.
 *
 *   node --import tsx tests/bench/commits.ts [messages of each kind = 20]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShellChat } from '../../bots/shell/shell.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { createServices } from '../../src/services.js';
import { countCommits } from '../helpers/commits.js';

const [n = 20] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'linli-commits-'));
const config = loadConfig({ LINLI_DB: join(dir, 'linli.db'), LINLI_DATA_DIR: dir, LINLI_SEED: 'on' });
const services = createServices({ config, log: silentLogger });
let delivered = 0;
const chat = new ShellChat(services, (out) => {
  if (!out.reply) delivered++;
});
const commits = countCommits(services.db);

const kinds: [string, string, string][] = [
  ['积分 (private chat)', 'dm:jin', '积分'],
  ['积分 (group: entries sent privately)', 'grid-1', '积分'],
  ['我的', 'grid-1', '我的'],
  ['进度', 'dm:jin', '进度'],
  ['报事 (with its notices delivered)', 'grid-1', '报事 3号楼楼道灯坏了，晚上看不见路'],
];
await chat.say({ room: 'grid-1', user: 'jin', text: '帮助' });
await chat.say({ room: 'dm:jin', user: 'jin', text: '帮助' });
console.log(`${'message'.padEnd(40)} synced  unsynced  outbox rows delivered  (per message, ${n} each)`);
for (const [label, room, text] of kinds) {
  commits.reset();
  delivered = 0;
  for (let i = 0; i < n; i++) await chat.say({ room, user: 'jin', text: text === '报事 3号楼楼道灯坏了，晚上看不见路' ? `${text} ${i}` : text });
  const per = (x: number) => (x / n).toFixed(2).padStart(6);
  console.log(`${label.padEnd(40)} ${per(commits.synced)}  ${per(commits.unsynced)}    ${per(delivered)}`);
}
await services.close();
