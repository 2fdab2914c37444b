import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable Linli reads, parsed once. A bad value stops start-up with a message
 * naming the variable and what it expects; nothing else in the code reads `process.env`.
 */

const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'], {
    error: 'expected on or off',
  })
  .transform((v) => ['on', 'true', '1', 'yes'].includes(v));

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int({ error: 'expected a whole port number' })
  .min(0, { error: 'expected a port between 0 and 65535' })
  .max(65535, { error: 'expected a port between 0 and 65535' });

const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what} as a whole number` })
    .positive({ error: `expected ${what} above zero` });

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected an IANA time zone such as Asia/Shanghai' },
);

const url = z.url({ error: 'expected an http(s) URL' });

const envSchema = z
  .object({
    LINLI_DB: z.string().min(1, { error: 'expected a file path' }).default('./data/linli.db'),
    LINLI_DATA_DIR: z.string().min(1, { error: 'expected a directory path' }).optional(),
    PORT: port.default(8787),
    HOST: z
      .string()
      .regex(/^[A-Za-z0-9.:-]+$/, { error: 'expected an address to listen on, such as 127.0.0.1 or 0.0.0.0' })
      .default('127.0.0.1'),
    LINLI_TZ: timeZone.default('Asia/Shanghai'),
    LINLI_LANG: z.enum(['zh', 'en'], { error: 'expected zh or en' }).default('zh'),
    LINLI_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { error: 'expected debug, info, warn or error' }).default('info'),
    LINLI_DB_SYNCHRONOUS: z.enum(['FULL', 'NORMAL'], { error: 'expected FULL or NORMAL' }).default('FULL'),
    LINLI_SEED: onOff.default(true),
    LINLI_ADMIN_TOKEN: z.string().min(32, { error: 'expected at least 32 characters' }).optional(),
    LINLI_RATE_LIMIT: positiveInt('requests per minute').default(600),
    LINLI_OUTBOX_INTERVAL_MS: positiveInt('milliseconds').default(1000),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[\w-]{20,}$/, { error: 'expected a token from @BotFather, like 123456:ABC-DEF...' })
      .optional(),
    TELEGRAM_API_ROOT: url.optional(),
    TELEGRAM_WEBHOOK_URL: url.optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,256}$/, {
        error: 'expected 8 to 256 characters of A-Z, a-z, 0-9, _ and -',
      })
      .optional(),
    LINLI_WECHAT: onOff.default(false),
    WECHATY_PUPPET: z.string().min(1).optional(),
    LINLI_WECHAT_ROOM_INTERVAL_MS: positiveInt('milliseconds').default(1500),
    LINLI_WECHAT_PER_MINUTE: positiveInt('messages per minute').default(20),
    LINLI_WECHAT_FRIEND_KEYWORD: z.string().min(1).default('邻里'),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'required when TELEGRAM_WEBHOOK_URL is set (8 to 256 characters of A-Z, a-z, 0-9, _ and -)',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;
export type Lang = Env['LINLI_LANG'];

export interface Config {
  dbFile: string;
  dataDir: string;
  port: number;
  /** The address the HTTP server listens on: this machine only unless HOST says otherwise. */
  host: string;
  timeZone: string;
  lang: Lang;
  logLevel: Env['LINLI_LOG_LEVEL'];
  synchronous: Env['LINLI_DB_SYNCHRONOUS'];
  seed: boolean;
  adminToken: string | undefined;
  rateLimitPerMinute: number;
  outboxIntervalMs: number;
  telegram: { token: string; apiRoot: string | undefined; webhook: { url: string; secret: string } | undefined } | undefined;
  wechat: {
    enabled: boolean;
    puppet: string | undefined;
    roomIntervalMs: number;
    perMinute: number;
    friendKeyword: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, as a blank line in an env file would mean. */
function withoutBlanks(env: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
}

const SECRETS = new Set(['LINLI_ADMIN_TOKEN', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']);

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || 'environment';
        const variable = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
        // A secret's value is never echoed: start-up errors end up in logs others read.
        const got = variable && !SECRETS.has(variable) ? env[variable] : undefined;
        return got === undefined ? `${name}: ${issue.message}` : `${name}: ${issue.message} (got ${JSON.stringify(got)})`;
      }),
    );
  }
  const e = parsed.data;
  const dbFile = e.LINLI_DB;
  const dataDir = e.LINLI_DATA_DIR ?? (dbFile === ':memory:' ? './data' : dirname(dbFile));
  return {
    dbFile,
    dataDir,
    port: e.PORT,
    host: e.HOST,
    timeZone: e.LINLI_TZ,
    lang: e.LINLI_LANG,
    logLevel: e.LINLI_LOG_LEVEL,
    synchronous: e.LINLI_DB_SYNCHRONOUS,
    seed: e.LINLI_SEED,
    adminToken: e.LINLI_ADMIN_TOKEN,
    rateLimitPerMinute: e.LINLI_RATE_LIMIT,
    outboxIntervalMs: e.LINLI_OUTBOX_INTERVAL_MS,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT,
          webhook: e.TELEGRAM_WEBHOOK_URL && e.TELEGRAM_WEBHOOK_SECRET ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET } : undefined,
        }
      : undefined,
    wechat: {
      enabled: e.LINLI_WECHAT,
      puppet: e.WECHATY_PUPPET,
      roomIntervalMs: e.LINLI_WECHAT_ROOM_INTERVAL_MS,
      perMinute: e.LINLI_WECHAT_PER_MINUTE,
      friendKeyword: e.LINLI_WECHAT_FRIEND_KEYWORD,
    },
  };
}
