import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../src/config.js';
import { SHELL } from '../../src/chat/demo.js';
import { StoreError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { createServices, type Services } from '../../src/services.js';
import { SimulatedClock } from '../../src/clock.js';
import { formatDateTime, parseIsoDuration } from '../../src/time.js';
import { type ShellOutput, ShellChat } from './shell.js';

const USAGE = `npm run chat [-- options]

  --jsonl          read one JSON object per line on stdin, write one JSON line per bot message
  --db <file>      SQLite file (overrides LINLI_DB)
  --no-seed        do not seed the demo neighbourhood into an empty database
  --clock <time>   run on a simulated clock starting at an ISO time (2026-03-02T09:00:00+08:00);
                   {"advance": "PT2H"} (or :advance PT2H) moves it and runs the jobs due on the way
  -h, --help       this text

Interactive commands:
  :as <user> [name]   speak as another user (jin, wang, li, chen, zhao, yang, barber, spa, admin);
                      a new user needs a name
  :room <room>        move to another room (grid-1, grid-1-staff, grid-2, community, street, dm:<user>)
  :rooms              list the rooms
  :image <file> [text] send a photo (alone, or with a command such as 报事 ...)
  :advance <duration> with --clock: move time forward by an ISO-8601 duration (PT30M, P1D)
  :time               the current (simulated) time
  :quit               leave`;

const SHELL_COMMANDS = [':as', ':room', ':rooms', ':image', ':advance', ':time', ':help', ':quit'];

const advanceLine = z.object({
  advance: z.string().transform((v, ctx) => {
    const ms = parseIsoDuration(v);
    if (ms === null || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not an ISO-8601 duration such as PT30M, PT2H or P1D` });
      return z.NEVER;
    }
    return ms;
  }),
});

const inputLine = z.object({
  room: z.string({ error: 'room must be a string, e.g. "grid-1"' }).min(1, { error: 'room must not be empty' }),
  user: z.string({ error: 'user must be a string, e.g. "jin"' }).trim().min(1, { error: 'user must not be empty' }),
  name: z.string().optional(),
  text: z.string({ error: 'text must be a string' }).default(''),
  images: z.array(z.string(), { error: 'images must be a list of file paths' }).optional(),
  id: z.union([z.string(), z.number()]).transform(String).optional(),
});

async function main() {
  const { values } = parseArgs({
    options: {
      jsonl: { type: 'boolean', default: false },
      db: { type: 'string' },
      'no-seed': { type: 'boolean', default: false },
      clock: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  // --db counts as LINLI_DB, so the data directory (photos) follows it unless LINLI_DATA_DIR says otherwise.
  const base = loadConfig(values.db === undefined ? process.env : { ...process.env, LINLI_DB: values.db });
  let clock: SimulatedClock | undefined;
  if (values.clock !== undefined) {
    const start = new Date(values.clock);
    if (Number.isNaN(start.getTime())) {
      throw new UsageProblem(`--clock: "${values.clock}" is not a time; use ISO 8601, e.g. 2026-03-02T09:00:00+08:00`);
    }
    clock = new SimulatedClock(start);
  }
  const config = {
    ...base,
    seed: values['no-seed'] ? false : base.seed,
    // Simulated months are thousands of job runs; a demo does not need each one flushed to the platter.
    synchronous: clock ? ('NORMAL' as const) : base.synchronous,
  };
  const log = createLogger(values.jsonl ? 'warn' : config.logLevel === 'info' ? 'warn' : config.logLevel);
  const services = createServices({ config, log, ...(clock ? { clock } : {}) });
  try {
    return values.jsonl ? await runJsonl(services, clock) : await runInteractive(services, clock);
  } finally {
    await services.close();
  }
}

class UsageProblem extends Error {}

/**
 * Writes to stdout and settles once the line has left this process. A reader slower than the bot makes
 * writes queue up in memory; a message counts as delivered (its outbox row marked sent) only after this.
 */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

/** Exits once what stdout and stderr still hold has been written: process.exit() drops queued writes. */
async function exit(code: number): Promise<never> {
  await Promise.all([writeOut(''), new Promise<void>((resolve) => process.stderr.write('', () => resolve()))]).catch(() => {});
  process.exit(code);
}

async function runJsonl(services: Services, clock: SimulatedClock | undefined): Promise<number> {
  const chat = new ShellChat(
    services,
    (out) => writeOut(JSON.stringify({ room: out.room, text: out.text, ...(out.images ? { images: out.images } : {}) }) + '\n'),
    clock,
  );
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
    if (json !== null && typeof json === 'object' && 'advance' in json) {
      const advance = advanceLine.safeParse(json);
      if (!advance.success || !clock) {
        rejected++;
        const why = !clock ? 'the clock is real; start with --clock <time> to move it' : advance.error!.issues.map((i) => i.message).join('; ');
        process.stderr.write(`line ${lineNo}: advance: ${why}\n`);
        continue;
      }
      await chat.advance(advance.data.advance);
      continue;
    }
    const parsed = inputLine.safeParse(json);
    if (!parsed.success) {
      rejected++;
      process.stderr.write(`line ${lineNo}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')}\n`);
      continue;
    }
    const { name, id, images, ...rest } = parsed.data;
    const missing = images?.find((path) => !existsSync(path));
    if (missing !== undefined) {
      rejected++;
      process.stderr.write(`line ${lineNo}: images: no file at ${missing}\n`);
      continue;
    }
    await chat.say({ ...rest, ...(name !== undefined ? { name } : {}), ...(id !== undefined ? { id } : {}), ...(images ? { images } : {}) });
  }
  await chat.deliver();
  return rejected ? 1 : 0;
}

async function runInteractive(services: Services, clock: SimulatedClock | undefined): Promise<number> {
  const names = () => new Map(services.core.rooms(SHELL).map((r) => [r.platformRoomId, r.name]));
  let roomNames = names();
  const print = (out: ShellOutput) => {
    const label = `${roomNames.get(out.room) ?? out.room} · ${out.room}`;
    const body = out.text.split('\n').join('\n    ');
    const photos = (out.images ?? []).map((path) => `\n    📷 ${join(services.config.dataDir, path)}`).join('');
    return writeOut(out.reply ? `  邻里 ▸ ${body}${photos}\n` : `  ⇢ [${label}]\n    ${body}${photos}\n`);
  };
  const chat = new ShellChat(services, print, clock);
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
    if (text === ':as' || text.startsWith(':as ')) {
      const [, who, display] = text.split(/\s+/);
      const users = services.core.users(SHELL);
      // A name introduces a newcomer; without one, the user must be someone the chat knows.
      if (who && (display || users.some((u) => u.userId === who))) {
        user = who;
        name = display;
      } else {
        const list = users.map((u) => `${u.userId} (${u.name})`).join(', ');
        process.stdout.write(`  no user "${who ?? ''}". Users: ${list}\n  A newcomer needs a name: :as <id> <name>\n`);
      }
    } else if (text.startsWith(':room ')) {
      room = text.slice(6).trim() || room;
    } else if (text === ':rooms') {
      roomNames = names();
      for (const [id, roomName] of roomNames) process.stdout.write(`  ${id.padEnd(16)} ${roomName}\n`);
    } else if (text.startsWith(':image ')) {
      const [, path, ...words] = text.split(/\s+/);
      if (!path || !existsSync(path)) process.stdout.write(`  no file at ${path ?? ''}\n`);
      else await chat.say({ room, user, text: words.join(' '), images: [path], ...(name ? { name } : {}) });
    } else if (text.startsWith(':advance')) {
      const ms = parseIsoDuration(text.slice(8).trim());
      if (!clock) process.stdout.write('  the clock is real: start with --clock <time> to move it\n');
      else if (ms === null || ms <= 0) process.stdout.write('  :advance takes an ISO-8601 duration: PT30M, PT2H, P1D\n');
      else {
        await chat.advance(ms);
        process.stdout.write(`  ⏱ ${formatDateTime(clock.now(), services.config.timeZone, services.config.lang)}\n`);
      }
    } else if (text === ':time') {
      process.stdout.write(`  ⏱ ${formatDateTime(services.clock.now(), services.config.timeZone, services.config.lang)}\n`);
    } else if (text === ':help') {
      process.stdout.write(USAGE + '\n');
    } else if (/^:[a-z]+$/i.test(text.split(/\s/)[0]!)) {
      // A mistyped shell command is not a message to the bot.
      process.stdout.write(`  unknown command ${text.split(/\s/)[0]}. The : commands: ${SHELL_COMMANDS.join(', ')}\n`);
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
  (code) => exit(code),
  (error) => {
    if (error instanceof ConfigError || error instanceof UsageProblem) {
      process.stderr.write(`${error.message}\n`);
      return exit(2);
    }
    if (error instanceof StoreError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return exit(2);
    }
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    return exit(1);
  },
);
