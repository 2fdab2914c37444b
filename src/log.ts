import { type DestinationStream, type LoggerOptions, pino, stdSerializers } from 'pino';

/**
 * Structured logging on pino: JSON lines on stderr for machines, or one readable line per event when a
 * person watches the terminal. stderr, so stdout stays free for the shell chat's JSON lines.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type LogFormat = 'json' | 'pretty';

export interface Logger {
  debug(msg: string, data?: LogFields): void;
  info(msg: string, data?: LogFields): void;
  warn(msg: string, data?: LogFields): void;
  error(msg: string, data?: LogFields): void;
  /** The named part's logger; `fields` go on each of its lines (a request's id). */
  child(component: string, fields?: LogFields): Logger;
  /** Whether a line at `level` would be written (to skip building one that would not). */
  enabled(level: LogLevel): boolean;
}

/** Field names whose values never reach a log line, wherever a caller puts them. */
const SECRET_KEYS = [
  'token',
  'adminToken',
  'botToken',
  'secret',
  'webhookSecret',
  'password',
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'LINLI_ADMIN_TOKEN',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'x-telegram-bot-api-secret-token',
];

const key = (name: string) => (/^\w+$/.test(name) ? name : `["${name}"]`);
const below = (name: string) => (/^\w+$/.test(name) ? `.${name}` : key(name));

/** Redacted at the top and up to three levels down (`config.telegram.token`, `req.headers.authorization`). */
export const REDACT_PATHS = SECRET_KEYS.flatMap((name) => [key(name), `*${below(name)}`, `*.*${below(name)}`, `*.*.*${below(name)}`]);

export const REDACTED = '[Redacted]';

function pinoOptions(level: LogLevel | 'silent'): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      // Any Error, under any field name, keeps its type, message and stack (JSON.stringify drops them).
      log: (fields) => {
        const out: LogFields = {};
        for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error ? stdSerializers.err(v) : v;
        return out;
      },
    },
  };
}

/**
 * A logger at `level`. Lines go to `write` when given (tests capture them), else to stderr. Readable
 * lines by default when captured or on a terminal, JSON lines otherwise.
 */
export function createLogger(
  level: LogLevel | 'silent' = 'info',
  write?: (line: string) => void,
  options: { component?: string; format?: LogFormat } = {},
): Logger {
  const out = write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const format = options.format ?? (write || process.stderr.isTTY ? 'pretty' : 'json');
  // A plain synchronous stream, not a pino transport: lines stay in order with the rest of stderr and none
  // is lost when the process exits.
  const destination: DestinationStream = {
    write: (chunk) => out(format === 'json' ? chunk.trimEnd() : prettyLine(JSON.parse(chunk) as LogFields)),
  };
  const root = pino(pinoOptions(level), destination);
  return withBindings({ component: options.component ?? 'linli' });

  // Children are made from the root each time, so a child's component replaces its parent's instead of
  // repeating the key.
  function withBindings(bindings: LogFields): Logger {
    const p = root.child(bindings);
    const at =
      (method: LogLevel) =>
      (msg: string, data?: LogFields): void => {
        if (data) p[method](data, msg);
        else p[method](msg);
      };
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (component, fields) => withBindings({ ...bindings, ...fields, component }),
      enabled: (level) => p.isLevelEnabled(level),
    };
  }
}

const HIDDEN = new Set(['time', 'level', 'msg', 'component', 'pid', 'hostname']);

function isSerialisedError(value: unknown): value is { message: string; stack: string } {
  return typeof value === 'object' && value !== null && typeof (value as { stack?: unknown }).stack === 'string';
}

/** `2025-03-01T08:00:00.000Z WARN  [outbox] msg key=value …`, then the stack of any error, indented. */
export function prettyLine(record: LogFields): string {
  const level = String(record.level ?? 'info').toUpperCase();
  let line = `${String(record.time)} ${level.padEnd(5)} [${String(record.component ?? 'linli')}] ${String(record.msg ?? '')}`;
  const stacks: string[] = [];
  for (const [k, v] of Object.entries(record)) {
    if (HIDDEN.has(k) || v === undefined) continue;
    if (isSerialisedError(v)) {
      line += ` ${k}=${JSON.stringify(v.message)}`;
      stacks.push(...v.stack.split('\n').slice(1));
    } else {
      line += ` ${k}=${JSON.stringify(v)}`;
    }
  }
  return stacks.length ? `${line}\n${stacks.map((s) => `    ${s.trim()}`).join('\n')}` : line;
}

/** For tests and quiet tools. */
export const silentLogger: Logger = createLogger('silent', () => {});
