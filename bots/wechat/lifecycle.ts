import qrcodeTerminal from 'qrcode-terminal';
import { qrcodeValueToImageUrl, ScanStatus, type Wechaty } from 'wechaty';
import type { ChatPort } from '../../src/chat/port.js';
import type { MessageKey, ParamArgs } from '../../src/i18n/index.js';
import type { Logger } from '../../src/log.js';

const REPEAT_WINDOW_MS = 60_000;

export interface LifecycleOptions {
  /** First restart delay; it doubles with each failure in a row, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Logged in this long, the next failure starts the backoff afresh. */
  stableMs?: number;
  /**
   * A puppet error while logged in is often a blip the puppet retries itself (wechat4u reports every failed
   * sync): the bot is restarted only if it is still not logged in this long after the error.
   */
  errorGraceMs?: number;
  /** Draws the login QR code for the operator (default: on stderr, next to the log). */
  printQr?: (art: string) => void;
  now?: () => number;
}

export interface LifecycleHooks {
  /** Logged in: messages can go out. */
  online(name: string): void;
  /** Logged out or failed: messages wait in the outbox. */
  offline(): void;
}

/**
 * Keeps the WeChat connection alive: shows the login QR code, and on a logout, a failed start, or a puppet
 * error that leaves the bot logged out, logs it, tells the admin rooms, and restarts the bot with exponential
 * backoff. A restart is not free: stopping wechat4u logs the account out and forgets its session, so the
 * next login needs a new scan; an error the bot comes through still logged in is only logged. Nothing here
 * throws into the process: the HTTP API and the other adapters keep running whatever WeChat does.
 */
export class WechatLifecycle {
  readonly #options: Required<LifecycleOptions>;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Set after a puppet error while logged in: looks again when the grace period is over. */
  #graceTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Set while we stop the bot ourselves, so its logout is not taken for a failure. */
  #stoppingBot = false;
  #loggedInAt: number | undefined;
  #everLoggedIn = false;
  #toldDown = false;
  #toldScan = false;
  #restarting: Promise<void> | undefined;
  readonly #lastLogged = new Map<string, number>();

  constructor(
    readonly bot: Wechaty,
    private readonly deps: { core: Pick<ChatPort, 'tellTopStaff'>; log: Logger },
    private readonly hooks: LifecycleHooks,
    options: LifecycleOptions = {},
  ) {
    this.#options = {
      backoffMs: options.backoffMs ?? 5_000,
      maxBackoffMs: options.maxBackoffMs ?? 5 * 60_000,
      stableMs: options.stableMs ?? 10 * 60_000,
      errorGraceMs: options.errorGraceMs ?? 60_000,
      printQr: options.printQr ?? ((art) => process.stderr.write(art + '\n')),
      now: options.now ?? Date.now,
    };
    bot.on('scan', (qrcode, status) => this.#onScan(qrcode, status));
    bot.on('login', (user) => this.#onLogin(user.name()));
    bot.on('logout', (_user, reason) => this.#onLogout(reason ?? 'logout'));
    // Errors of one message or contact come from wechaty itself; errors of the puppet mean the connection.
    // wechaty repeats the puppet's errors as its own, and reports them first: look once the puppet has spoken.
    bot.on('error', (error) => {
      const reason = reasonOf(error);
      queueMicrotask(() => {
        if (this.#firstInAWhile(reason)) this.deps.log.warn('wechaty error', { error: reason });
      });
    });
    bot.on('puppet', (puppet) => {
      puppet.on('error', (payload) => this.#onPuppetError(payload));
    });
  }

  /** Starts the bot; a failure is logged and retried, never thrown. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#startBot();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#clearGrace();
    await this.#restarting;
    await this.#stopBot();
  }

  /** How many restarts in a row have been scheduled since the last good login. */
  get attempt(): number {
    return this.#attempt;
  }

  #onScan(qrcode: string, status: ScanStatus) {
    if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) {
      this.deps.log.info('wechat login QR code', { status: ScanStatus[status] });
      return;
    }
    const url = qrcodeValueToImageUrl(qrcode);
    this.deps.log.info("scan the QR code with the bot's WeChat account to log in", { url, qrcode });
    qrcodeTerminal.generate(qrcode, { small: true }, (art) => this.#options.printQr(art));
    if (this.#everLoggedIn && !this.#toldScan) {
      this.#toldScan = true;
      this.#tellAdmins('wechat.scanNeeded');
    }
  }

  #onLogin(name: string) {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#clearGrace();
    this.#loggedInAt = this.#options.now();
    this.#everLoggedIn = true;
    this.deps.log.info('wechat logged in', { name });
    this.hooks.online(name);
    if (this.#toldDown || this.#toldScan) this.#tellAdmins('wechat.up', { name });
    this.#toldDown = false;
    this.#toldScan = false;
  }

  #onLogout(reason: string) {
    if (this.#stoppingBot || this.#stopped) return;
    this.deps.log.warn('wechat logged out', { reason });
    this.#failed(`logout: ${reason}`);
  }

  #onPuppetError(payload: unknown) {
    const reason = reasonOf(payload);
    if (this.#stoppingBot || this.#stopped) {
      if (this.#firstInAWhile(reason)) this.deps.log.warn('wechat puppet error', { error: reason });
      return;
    }
    if (!this.bot.isLoggedIn) {
      // Not logged in: the puppet failed to start or lost its login; nothing else will bring it back.
      if (this.#firstInAWhile(reason)) this.deps.log.error('wechat puppet error', { error: reason });
      this.#failed(reason);
      return;
    }
    if (this.#firstInAWhile(reason)) this.deps.log.warn('wechat puppet error', { error: reason, graceMs: this.#options.errorGraceMs });
    // One look per grace period, counted from the first error: a puppet that errs every second must not put it off.
    if (this.#graceTimer || this.#timer) return;
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      if (this.#stopped || this.#stoppingBot || this.#timer || this.#restarting) return;
      if (this.bot.isLoggedIn) this.deps.log.info('wechat still logged in after a puppet error', { error: reason });
      else this.#failed(reason);
    }, this.#options.errorGraceMs);
  }

  #clearGrace() {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }

  #failed(reason: string) {
    this.#clearGrace();
    this.hooks.offline();
    if (this.#timer) return; // a restart is already on its way
    const now = this.#options.now();
    if (this.#loggedInAt !== undefined && now - this.#loggedInAt >= this.#options.stableMs) this.#attempt = 0;
    this.#loggedInAt = undefined;
    this.#attempt += 1;
    const delayMs = Math.min(this.#options.backoffMs * 2 ** (this.#attempt - 1), this.#options.maxBackoffMs);
    this.deps.log.warn('wechat restarting', { attempt: this.#attempt, delayMs, reason });
    if (!this.#toldDown) {
      this.#toldDown = true;
      this.#tellAdmins('wechat.down', { reason: reason.slice(0, 120), seconds: Math.max(1, Math.ceil(delayMs / 1000)) });
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#restarting = this.#restart().finally(() => {
        this.#restarting = undefined;
      });
    }, delayMs);
  }

  async #restart() {
    if (this.#stopped) return;
    await this.#stopBot();
    if (this.#stopped) return;
    await this.#startBot();
  }

  async #startBot() {
    try {
      await this.bot.start();
      // wechaty reports a puppet that failed to start as an error event, not by rejecting start().
      if (!this.#stopped && this.bot.puppet.state.inactive() === true) this.#failed('start: the puppet did not start');
    } catch (error) {
      this.deps.log.error('wechat start failed', { error: reasonOf(error) });
      if (!this.#stopped) this.#failed(`start: ${reasonOf(error)}`);
    }
  }

  async #stopBot() {
    this.#stoppingBot = true;
    try {
      await this.bot.stop();
    } catch (error) {
      this.deps.log.warn('wechat stop failed', { error: reasonOf(error) });
    } finally {
      this.#stoppingBot = false;
    }
  }

  /**
   * Whether an error is news: some puppets repeat one failure many times a second while they retry, which
   * would bury everything else in the log. A repeat within a minute is logged at debug level only.
   */
  #firstInAWhile(reason: string): boolean {
    const now = this.#options.now();
    const last = this.#lastLogged.get(reason);
    if (last !== undefined && now - last < REPEAT_WINDOW_MS) {
      this.deps.log.debug('repeated wechat error', { error: reason });
      return false;
    }
    if (this.#lastLogged.size > 100) this.#lastLogged.clear();
    this.#lastLogged.set(reason, now);
    return true;
  }

  /** Tells the staff rooms of the root units, on whatever platform they are: WeChat may be the one down. */
  #tellAdmins<K extends MessageKey>(key: K, ...params: ParamArgs<K>) {
    try {
      const rooms = this.deps.core.tellTopStaff('wechat:connection', key, ...params);
      if (!rooms) this.deps.log.warn('no admin room to tell: bind a staff group of the top unit', { about: key });
    } catch (error) {
      this.deps.log.error('could not tell the admin rooms', { about: key, error: reasonOf(error) });
    }
  }
}

/** A short human-readable reason from whatever a puppet emits: an Error, `{ gerror }`, `{ data }` or text. */
export function reasonOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const { gerror, data } = value as { gerror?: unknown; data?: unknown };
    for (const field of [gerror, data]) {
      if (typeof field !== 'string') continue;
      try {
        const parsed = JSON.parse(field) as { message?: unknown };
        if (typeof parsed.message === 'string') return parsed.message;
      } catch {
        // not JSON: the text is the reason
      }
      return field;
    }
  }
  return String(value);
}
