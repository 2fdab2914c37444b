import { describe, expect, it } from 'vitest';
import { createLogger, prettyLine, REDACTED } from '../src/log.js';
import { captureLogs } from './helpers/logs.js';

describe('log', () => {
  it('writes one JSON line per event with level, time, component, message and fields', () => {
    const { log, lines, records } = captureLogs('info');
    log.child('outbox').info('outbox dispatched', { sent: 3 });
    expect(lines).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'info', component: 'outbox', msg: 'outbox dispatched', sent: 3 });
    expect(new Date(String(records[0]?.time)).toISOString()).toBe(records[0]?.time);
  });

  it('drops lines below its level', () => {
    const { log, records } = captureLogs('warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(records.map((r) => r.level)).toEqual(['warn', 'error']);
  });

  it.each([
    ['token', { token: 'tok-123' }, (r: any) => r.token],
    ['adminToken', { adminToken: 'tok-123' }, (r: any) => r.adminToken],
    ['TELEGRAM_BOT_TOKEN', { env: { TELEGRAM_BOT_TOKEN: 'tok-123' } }, (r: any) => r.env.TELEGRAM_BOT_TOKEN],
    ['an authorization header', { req: { headers: { authorization: 'Bearer tok-123' } } }, (r: any) => r.req.headers.authorization],
    ['an Authorization header as fetch spells it', { headers: { Authorization: 'Bearer tok-123' } }, (r: any) => r.headers.Authorization],
    ['the webhook secret header', { headers: { 'x-telegram-bot-api-secret-token': 'tok-123' } }, (r: any) => r.headers['x-telegram-bot-api-secret-token']],
    ['a nested secret', { config: { telegram: { webhook: { secret: 'tok-123' } } } }, (r: any) => r.config.telegram.webhook.secret],
    ['a password', { user: { password: 'tok-123' } }, (r: any) => r.user.password],
  ])('redacts %s by path', (_what, fields, pick) => {
    const { log, lines, records } = captureLogs();
    log.info('configured', fields);
    expect(pick(records[0])).toBe(REDACTED);
    expect(lines[0]).not.toContain('tok-123');
  });

  it('redacts in the readable lines too, and leaves other fields alone', () => {
    const lines: string[] = [];
    createLogger('info', (l) => void lines.push(l)).info('token issued', { token: 'tok-123', label: 'admin@1' });
    expect(lines[0]).toContain(`token="${REDACTED}"`);
    expect(lines[0]).toContain('label="admin@1"');
    expect(lines[0]).not.toContain('tok-123');
  });

  it("keeps an error's type, message and stack, under any field name", () => {
    const { log, records } = captureLogs();
    log.error('it broke', { error: new TypeError('kaput'), reason: new Error('why') });
    expect(records[0]?.error).toMatchObject({ type: 'TypeError', message: 'kaput', stack: expect.stringContaining('log.test.ts') });
    expect(records[0]?.reason).toMatchObject({ type: 'Error', message: 'why' });
  });

  it('reads a readable line as before: time, level, [component], message, key=value, then the stack', () => {
    const lines: string[] = [];
    const log = createLogger('debug', (l) => void lines.push(l));
    log.child('wechat').warn('wechat restarting', { delayMs: 2000, error: new Error('grpc stream closed') });
    const [first, ...stack] = lines[0]!.split('\n');
    expect(first).toMatch(/^\d{4}-\d\d-\d\dT\S+Z WARN {2}\[wechat\] wechat restarting delayMs=2000 error="grpc stream closed"$/);
    expect(stack[0]).toMatch(/^ {4}at /);
  });

  it("gives a child its own component, keeps its parent's fields, and leaves the parent as it was", () => {
    const { log, records } = captureLogs();
    const request = log.child('http', { requestId: 'r-1' });
    request.child('auth').info('checked');
    log.info('plain');
    expect(records[0]).toMatchObject({ component: 'auth', requestId: 'r-1' });
    expect(records[1]).toMatchObject({ component: 'linli' });
    expect(records[1]).not.toHaveProperty('requestId');
    // one component key, not one per generation
    expect(JSON.stringify(records[0]).match(/"component"/g)).toHaveLength(1);
  });

  it('leaves a % in a message alone', () => {
    const { log, records } = captureLogs();
    log.info('disk 100% full %s', { at: 1 });
    expect(records[0]?.msg).toBe('disk 100% full %s');
  });

  it('formats a record without fields', () => {
    expect(prettyLine({ time: 't', level: 'info', msg: 'hi' })).toBe('t INFO  [linli] hi');
  });
});
