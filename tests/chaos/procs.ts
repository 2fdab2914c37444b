/**
 * Long-running Linli processes for the chaos suite: the shell chat fed JSON lines on stdin, and the API
 * server on a free port. Each can be killed (SIGKILL) at any moment; what it printed before stays readable.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { ROOT } from '../helpers/spawn.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How long a wait for a process to say something may last: far beyond a slow start on a busy machine. */
const UNTIL_MS = 180_000;

/** A child process whose stdout is split into lines, with a way to wait for the line wanted. */
export class Proc {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  #exit: Exit | undefined;
  #partial = '';
  #waiters: (() => void)[] = [];
  readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { ...process.env, LINLI_LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop()!;
      this.lines.push(...parts);
      this.#wake();
    });
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
      this.#wake();
    });
    // A write to a process that was just killed fails with EPIPE: that is the point of the test, not an error.
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
        this.#wake();
      }),
    );
  }

  get alive(): boolean {
    return this.#exit === undefined;
  }

  #wake() {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves with the first value `find` returns that is not undefined, or undefined once the process is gone. */
  /**
   * What `find` finds once the process has said it, or undefined once the process is gone. A bound, not a
   * timing: something that never comes fails the test with what the process said, instead of waiting out
   * the test's ten minutes.
   */
  async until<T>(find: () => T | undefined, withinMs = UNTIL_MS): Promise<T | undefined> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (!this.alive) return find();
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing awaited came within ${withinMs / 1000} s; the process's stderr ends: ${this.stderr.slice(-600)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  write(line: string): void {
    if (this.alive && this.child.stdin.writable) this.child.stdin.write(line + '\n');
  }

  async kill(): Promise<Exit> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** One line the shell chat printed: the room it went to and its text. */
export interface Said {
  room: string;
  text: string;
}

let syncs = 0;

/**
 * The shell chat (`bots/shell/cli.ts --jsonl`). After each message it sends a sync word in a private
 * room of its own; the bot's "did not understand" to it closes what the message caused, so everything
 * printed between two syncs belongs to the message between them.
 */
export class ShellProc {
  readonly proc: Proc;
  #read = 0;

  constructor(db: string, options: { clock?: Date; seed?: boolean; env?: Record<string, string> } = {}) {
    const args = ['bots/shell/cli.ts', '--jsonl', '--db', db];
    if (options.clock) args.push('--clock', options.clock.toISOString());
    if (options.seed === false) args.push('--no-seed');
    this.proc = new Proc(args, options.env ?? {});
  }

  /** Every line printed so far, parsed (a line that is not JSON is kept as its text in room "?"). */
  get said(): Said[] {
    return this.proc.lines.map(parseSaid);
  }

  /** Sends a raw input line and then a sync; what it caused, or undefined when the process died first. */
  async raw(line: string): Promise<Said[] | undefined> {
    const word = `sync${++syncs}x`;
    this.proc.write(line);
    this.proc.write(JSON.stringify({ room: 'dm:chaos-sync', user: 'chaos-sync', text: `/${word}` }));
    const at = await this.proc.until(() => {
      for (let i = this.#read; i < this.proc.lines.length; i++) {
        const said = parseSaid(this.proc.lines[i]!);
        if (said.room === 'dm:chaos-sync' && said.text.includes(`「${word}」`)) return i;
      }
      return undefined;
    });
    if (at === undefined) return undefined;
    const caused = this.proc.lines.slice(this.#read, at).map(parseSaid);
    this.#read = at + 1;
    return caused;
  }

  say(room: string, user: string, text: string, id?: string): Promise<Said[] | undefined> {
    return this.raw(JSON.stringify({ room, user, text, ...(id ? { id } : {}) }));
  }
}

function parseSaid(line: string): Said {
  try {
    const { room, text } = JSON.parse(line) as Said;
    return { room, text };
  } catch {
    return { room: '?', text: line };
  }
}

/** The API server (`src/main.ts --port 0`), with its base URL once it listens. */
export class ApiProc {
  readonly proc: Proc;
  readonly url: Promise<string | undefined>;

  constructor(db: string, token: string, options: { seed?: boolean; env?: Record<string, string> } = {}) {
    const args = ['src/main.ts', '--db', db, '--port', '0'];
    if (options.seed === false) args.push('--no-seed');
    this.proc = new Proc(args, { LINLI_ADMIN_TOKEN: token, LINLI_LOG_LEVEL: 'info', LINLI_RATE_LIMIT: '1000000', HOST: '127.0.0.1', ...options.env });
    this.url = this.proc.until(() => /"url":"(http:\/\/[^"]+)"/.exec(this.proc.stderr)?.[1]);
  }
}
