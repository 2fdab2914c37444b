import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../src/config.js';
import { rooms } from '../../src/db/schema/index.js';
import { SHELL } from '../../src/domain/seed/demo.js';
import { createLogger } from '../../src/log.js';
import { createServices } from '../../src/services.js';
import { type ShellOutput, ShellChat } from './shell.js';
import { eq } from 'drizzle-orm';

const USAGE = `npm run chat [-- options]

  --jsonl          read one JSON object per line on stdin, write one JSON line per bot message
  --db <file>      SQLite file (overrides LINLI_DB)
  --no-seed        do not seed the demo neighbourhood into an empty database
  -h, --help       this text

Interactive commands:
  :as <user> [name]   speak as another user (jin, wang, li, chen, zhao, yang, barber, spa, admin)
  :room <room>        move to another room (grid-1, grid-1-staff, grid-2, community, street, dm:<user>)
  :rooms              list the rooms
  :quit               leave`;

const inputLine = z.object({
  room: z.string({ error: 'room must be a string, e.g. "grid-1"' }).min(1, { error: 'room must not be empty' }),
  user: z.string({ error: 'user must be a string, e.g. "jin"' }).min(1, { error: 'user must not be empty' }),
  name: z.string().optional(),
  text: z.string({ error: 'text must be a string' }),
  id: z.union([z.string(), z.number()]).transform(String).optional(),
});

async function main() {
  const { values } = parseArgs({
    options: {
      jsonl: { type: 'boolean', default: false },
      db: { type: 'string' },
      'no-seed': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const base = loadConfig();
  const config = { ...base, dbFile: values.db ?? base.dbFile, seed: values['no-seed'] ? false : base.seed };
  const log = createLogger(values.jsonl ? 'warn' : config.logLevel === 'info' ? 'warn' : config.logLevel);
  const services = createServices({ config, log });
  try {
    return values.jsonl ? await runJsonl(services) : await runInteractive(services);
  } finally {
    await services.close();
  }
}

async function runJsonl(services: ReturnType<typeof createServices>): Promise<number> {
  const chat = new ShellChat(services, (out) => process.stdout.write(JSON.stringify({ room: out.room, text: out.text }) + '\n'));
  let lineNo = 0;
  let rejected = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      rejected++;
      process.stderr.write(`line ${lineNo}: not JSON; expected {"room": "grid-1", "user": "jin", "text": "帮助"}\n`);
      continue;
    }
    const parsed = inputLine.safeParse(json);
    if (!parsed.success) {
      rejected++;
      process.stderr.write(`line ${lineNo}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')}\n`);
      continue;
    }
    const { name, id, ...rest } = parsed.data;
    await chat.say({ ...rest, ...(name !== undefined ? { name } : {}), ...(id !== undefined ? { id } : {}) });
  }
  await chat.deliver();
  return rejected ? 1 : 0;
}

async function runInteractive(services: ReturnType<typeof createServices>): Promise<number> {
  const names = () =>
    new Map(services.db.select().from(rooms).where(eq(rooms.platform, SHELL)).all().map((r) => [r.platformRoomId, r.name]));
  let roomNames = names();
  const print = (out: ShellOutput) => {
    const label = `${roomNames.get(out.room) ?? out.room} · ${out.room}`;
    const body = out.text.split('\n').join('\n    ');
    process.stdout.write(out.reply ? `  邻里 ▸ ${body}\n` : `  ⇢ [${label}]\n    ${body}\n`);
  };
  const chat = new ShellChat(services, print);
  let user = 'jin';
  let name: string | undefined;
  let room = 'grid-1';
  process.stdout.write('邻里 Linli shell chat. :as <user>, :room <room>, :rooms, :quit. Try 帮助.\n');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const prompt = () => {
    rl.setPrompt(`[${room}] ${user}> `);
    rl.prompt();
  };
  prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === ':quit' || text === ':q') break;
    if (text.startsWith(':as ')) {
      const [, who, display] = text.split(/\s+/);
      if (who) {
        user = who;
        name = display;
      }
    } else if (text.startsWith(':room ')) {
      room = text.slice(6).trim() || room;
    } else if (text === ':rooms') {
      roomNames = names();
      for (const [id, roomName] of roomNames) process.stdout.write(`  ${id.padEnd(16)} ${roomName}\n`);
    } else if (text === ':help') {
      process.stdout.write(USAGE + '\n');
    } else if (text) {
      await chat.say({ room, user, text, ...(name ? { name } : {}) });
      roomNames = names();
    }
    prompt();
  }
  rl.close();
  await chat.deliver();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
