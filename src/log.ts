/**
 * A small structured logger: one line per event on stderr, so stdout stays free for the shell
 * chat's JSON lines.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
  child(component: string): Logger;
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  component = 'linli',
): Logger {
  const emit = (at: LogLevel, msg: string, data?: Record<string, unknown>) => {
    if (order[at] < order[level]) return;
    const extra = data && Object.keys(data).length ? ' ' + formatData(data) : '';
    write(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} [${component}] ${msg}${extra}`);
  };
  return {
    debug: (m, d) => emit('debug', m, d),
    info: (m, d) => emit('info', m, d),
    warn: (m, d) => emit('warn', m, d),
    error: (m, d) => emit('error', m, d),
    child: (c) => createLogger(level, write, c),
  };
}

function formatData(data: Record<string, unknown>) {
  return Object.entries(data)
    .map(([k, v]) => `${k}=${v instanceof Error ? JSON.stringify(v.message) : JSON.stringify(v)}`)
    .join(' ');
}

/** For tests and quiet tools. */
export const silentLogger: Logger = createLogger('error', () => {});
