import { createLogger, type LogFields, type Logger, type LogLevel } from '../../src/log.js';

export interface CapturedLogs {
  log: Logger;
  /** Each line as the production JSON, parsed: assert on fields, not on wording around them. */
  records: LogFields[];
  /** The same lines as written, JSON text. */
  lines: string[];
}

/** A logger whose JSON lines are kept instead of written to stderr. */
export function captureLogs(level: LogLevel = 'debug'): CapturedLogs {
  const lines: string[] = [];
  const records: LogFields[] = [];
  const log = createLogger(
    level,
    (line) => {
      lines.push(line);
      records.push(JSON.parse(line) as LogFields);
    },
    { format: 'json' },
  );
  return { log, records, lines };
}
